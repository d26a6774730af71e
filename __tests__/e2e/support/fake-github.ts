/**
 * A fake of the GitHub REST API for e2e tests: an HTTP server on 127.0.0.1 (kernel-chosen port) that the
 * bundled actions reach through `GITHUB_API_URL=fake.url`, exactly as on a runner.
 *
 * It keeps, per repository, the git objects (real git hashing, see git-objects.ts), refs, pull requests,
 * issue labels and issue comments in memory, and checks every request the way GitHub does where a client
 * could get it wrong: the token (`Authorization: token X` / `Bearer X`, else 401), a User-Agent, the route
 * (unknown → 404 with GitHub's JSON error shape), the body against the documented shape (required fields,
 * types, enums → 422 `Invalid request`), and the semantics that matter to a pin-and-PR flow (fast-forward
 * refs, "A pull request already exists", "No commits between", `head=owner:branch` filters).
 *
 * Knobs: `permissions` (a GITHUB_TOKEN's `permissions:` block: writes without `write` → 403 "Resource not
 * accessible by integration" with GitHub's x-accepted-github-permissions header) and `fail()` for any
 * status on chosen routes. Every request is logged (method, path, route, status, headers, parsed body) so a
 * test can assert "no write request" (`writes()`) and that the token appears nowhere but in the
 * Authorization header (`tokenLeaks()`).
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GitStore, MODE_TYPE, TreeConflictError, type GitMode, type GitPerson, type GitType, type TreeChange } from './git-objects'

// ---------------------------------------------------------------------------------------------- types

export type Permission = 'none' | 'read' | 'write'
/** The scopes a GITHUB_TOKEN's `permissions:` block grants that these routes need. */
export type PermissionScope = 'contents' | 'pull-requests' | 'issues'

export interface FakeGitHubOptions {
  /** the token clients must send; a fresh `ghs_…` string when omitted */
  token?: string
  /** default: every scope `write` */
  permissions?: Partial<Record<PermissionScope, Permission>>
  /** base of html_url links; default https://github.com */
  serverUrl?: string
  /** timestamps for created_at/updated_at and API-made commits without a date; default a clock that starts at
   *  2024-01-01T00:00:00Z and moves one second per call, so shas of API-made commits are deterministic */
  now?: () => Date
}

export interface SeedRepoOptions {
  owner: string
  repo: string
  /** default 'main' */
  defaultBranch?: string
  /** files of the first commit on the default branch, path → content */
  files?: Record<string, string | Buffer>
  private?: boolean
  /** default 'Initial commit' */
  message?: string
}

export interface LoggedRequest {
  method: string
  /** path with query string, as sent */
  path: string
  /** the matched route template, e.g. 'POST /repos/{owner}/{repo}/git/trees'; '' when no route matched */
  route: string
  status: number
  /** lower-cased names */
  headers: Record<string, string>
  /** the parsed JSON body (undefined when there was none) */
  body: unknown
  rawBody: string
}

export interface GitHubFault {
  /** any method when omitted */
  method?: string
  /** a route template as in LoggedRequest.route (e.g. 'POST /repos/{owner}/{repo}/pulls'), or a RegExp tested against the path */
  route?: string
  path?: RegExp
  status: number
  /** default: GitHub's message for the status (403 → 'Resource not accessible by integration') */
  message?: string
  /** default Infinity */
  times?: number
}

export interface FakeUser {
  login: string
  id: number
  type: 'User' | 'Bot' | 'Organization'
}

export interface FakePull {
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  head: string
  base: string
  draft: boolean
  user: FakeUser
  created_at: string
  updated_at: string
  closed_at: string | null
}

export interface FakeComment {
  id: number
  issue: number
  body: string
  user: FakeUser
  created_at: string
  updated_at: string
}

export interface FakeRepo {
  id: number
  owner: string
  name: string
  fullName: string
  private: boolean
  defaultBranch: string
  git: GitStore
  /** 'refs/heads/main' → commit sha */
  refs: Map<string, string>
  pulls: Map<number, FakePull>
  comments: Map<number, FakeComment>
  /** issue/PR number → label names, in the order they were added */
  labels: Map<number, string[]>
  nextNumber: number
}

export interface FakeGitHub {
  /** http://127.0.0.1:PORT: the GITHUB_API_URL */
  url: string
  token: string
  /** the user the token belongs to (github-actions[bot], as for a GITHUB_TOKEN) */
  tokenUser: FakeUser
  serverUrl: string
  requests: LoggedRequest[]
  /** requests other than GET/HEAD (whatever their status) */
  writes(): LoggedRequest[]
  /** every place the token appears other than the Authorization header: paths, bodies, other headers */
  tokenLeaks(): string[]
  clearLog(): void
  permissions: Record<PermissionScope, Permission>
  fail(rule: GitHubFault): void
  clearFaults(): void
  seedRepo(opts: SeedRepoOptions): FakeRepo
  repo(owner: string, repo: string): FakeRepo
  /** commits files (path → content, null deletes) on a branch (created from the default branch when missing) */
  commitFiles(owner: string, repo: string, branch: string, files: Record<string, string | Buffer | null>, message?: string): string
  /** the files (path → utf-8 content) of a branch, tag or commit */
  files(owner: string, repo: string, ref: string): Map<string, string>
  /** sha a branch points at, undefined when it does not exist */
  branchSha(owner: string, repo: string, branch: string): string | undefined
  /** opens a pull request as `user` (default the token's user), as POST /pulls would */
  openPull(owner: string, repo: string, p: { head: string; base?: string; title?: string; body?: string; user?: FakeUser }): FakePull
  /** adds an issue comment as `user` (default a human, 'octocat') */
  addComment(owner: string, repo: string, issue: number, body: string, user?: FakeUser): FakeComment
  stop(): Promise<void>
}

// ------------------------------------------------------------------------------------------- errors

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }
}

const DOCS = 'https://docs.github.com/rest'
const notFound = (): ApiError => new ApiError(404, 'Not Found')
const invalid = (detail: string): ApiError => new ApiError(422, `Invalid request.\n\n${detail}`)
const validationFailed = (errors: Array<Record<string, string>>, message = 'Validation Failed'): ApiError =>
  new ApiError(422, message, { errors })

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Problems parsing JSON',
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  409: 'Git Repository is empty.',
  422: 'Validation Failed',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable'
}

// --------------------------------------------------------------------------------- body validation

type Spec =
  | { type: 'string' | 'boolean' | 'integer' | 'object'; required?: boolean; nullable?: boolean; enum?: readonly string[]; props?: Record<string, Spec> }
  | { type: 'array'; required?: boolean; items: Spec }

function typeOk(v: unknown, s: Spec): boolean {
  switch (s.type) {
    case 'string':
      return typeof v === 'string'
    case 'boolean':
      return typeof v === 'boolean'
    case 'integer':
      return Number.isInteger(v)
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v)
    case 'array':
      return Array.isArray(v)
  }
}

/** Checks a value against a spec; throws GitHub's 422 `Invalid request` wording (json-schema based). */
function check(value: unknown, props: Record<string, Spec>, where = ''): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`For '${where || 'root'}', ${JSON.stringify(value)} is not an object.`)
  }
  const obj = value as Record<string, unknown>
  for (const [name, spec] of Object.entries(props)) {
    const v = obj[name]
    const at = `${where}properties/${name}`
    if (v === undefined) {
      if (spec.required === true) throw invalid(`"${name}" wasn't supplied.`)
      continue
    }
    if (v === null && spec.type !== 'array' && spec.nullable === true) continue
    if (!typeOk(v, spec)) throw invalid(`For '${at}', ${JSON.stringify(v)} is not ${spec.type === 'integer' || spec.type === 'object' || spec.type === 'array' ? 'an' : 'a'} ${spec.type}${spec.type !== 'array' && spec.nullable === true ? ' or null' : ''}.`)
    if (spec.type === 'array') {
      for (const item of v as unknown[]) {
        if (!typeOk(item, spec.items)) throw invalid(`For 'items', ${JSON.stringify(item)} is not a${spec.items.type === 'object' || spec.items.type === 'integer' ? 'n' : ''} ${spec.items.type}.`)
        if (spec.items.type === 'object' && spec.items.props !== undefined) check(item, spec.items.props, 'items/')
      }
      continue
    }
    if (spec.enum !== undefined && !spec.enum.includes(v as string)) {
      throw invalid(`For '${at}', ${JSON.stringify(v)} is not one of ${JSON.stringify(spec.enum)}.`)
    }
    if (spec.type === 'object' && spec.props !== undefined) check(v, spec.props, `${at}/`)
  }
}

const personSpec: Spec = {
  type: 'object',
  props: { name: { type: 'string', required: true }, email: { type: 'string', required: true }, date: { type: 'string' } }
}

// -------------------------------------------------------------------------------------------- routes

interface Ctx {
  method: string
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
  headers: Record<string, string>
  repo: FakeRepo
}

interface Result {
  status: number
  json?: unknown
  raw?: Buffer
  headers?: Record<string, string>
}

interface Route {
  method: string
  template: string
  regex: RegExp
  names: string[]
  /** what a GITHUB_TOKEN needs for it; 'pull-requests|issues' = either one */
  needs?: { scope: PermissionScope | 'pull-requests|issues'; level: 'read' | 'write' }
  handler: (c: Ctx) => Result
}

/** '/repos/{owner}/{repo}/git/refs/{ref+}' → regex; {x+} captures slashes (already-decoded or %2F-encoded alike). */
function compile(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = []
  const src = template.replace(/\{(\w+)(\+?)\}/g, (_m, name: string, plus: string) => {
    names.push(name)
    return plus === '+' ? '(.+)' : '([^/]+)'
  })
  return { regex: new RegExp(`^${src}$`), names }
}

// ------------------------------------------------------------------------------------------ the fake

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = opts.token ?? `ghs_${randomBytes(18).toString('base64url')}`
  const serverUrl = (opts.serverUrl ?? 'https://github.com').replace(/\/$/, '')
  let tick = Date.parse('2024-01-01T00:00:00Z')
  const now = opts.now ?? ((): Date => new Date((tick += 1000) - 1000))
  const iso = (): string => now().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const permissions: Record<PermissionScope, Permission> = { contents: 'write', 'pull-requests': 'write', issues: 'write', ...opts.permissions }
  const tokenUser: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
  const human: FakeUser = { login: 'octocat', id: 583231, type: 'User' }
  const repos = new Map<string, FakeRepo>()
  const requests: LoggedRequest[] = []
  let faults: Array<GitHubFault & { left: number }> = []
  let nextRepoId = 100_001
  let nextCommentId = 2_000_000_001
  let apiUrl = ''

  // ------------------------------------------------------------------------------- object rendering
  const userJson = (u: FakeUser): Record<string, unknown> => ({
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    type: u.type,
    site_admin: false,
    url: `${apiUrl}/users/${encodeURIComponent(u.login)}`,
    html_url: `${serverUrl}/${encodeURIComponent(u.login)}`
  })
  const repoApi = (r: FakeRepo): string => `${apiUrl}/repos/${r.fullName}`
  const repoJson = (r: FakeRepo): Record<string, unknown> => ({
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.name,
    full_name: r.fullName,
    private: r.private,
    visibility: r.private ? 'private' : 'public',
    owner: userJson({ login: r.owner, id: r.id + 500_000, type: 'Organization' }),
    html_url: `${serverUrl}/${r.fullName}`,
    url: repoApi(r),
    fork: false,
    default_branch: r.defaultBranch,
    archived: false,
    disabled: false
  })
  const personJson = (p: GitPerson): Record<string, unknown> => ({ name: p.name, email: p.email, date: p.date })
  const commitJson = (r: FakeRepo, sha: string): Record<string, unknown> => {
    const c = r.git.commit(sha)
    if (c === undefined) throw notFound()
    return {
      sha,
      node_id: `C_${sha}`,
      url: `${repoApi(r)}/git/commits/${sha}`,
      html_url: `${serverUrl}/${r.fullName}/commit/${sha}`,
      author: personJson(c.author),
      committer: personJson(c.committer),
      message: c.message,
      tree: { sha: c.tree, url: `${repoApi(r)}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${repoApi(r)}/git/commits/${p}`, html_url: `${serverUrl}/${r.fullName}/commit/${p}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null }
    }
  }
  const refJson = (r: FakeRepo, ref: string): Record<string, unknown> => {
    const sha = r.refs.get(ref) as string
    return {
      ref,
      node_id: `REF_${Buffer.from(`${r.fullName}:${ref}`).toString('base64url')}`,
      url: `${repoApi(r)}/git/${ref}`,
      object: { sha, type: 'commit', url: `${repoApi(r)}/git/commits/${sha}` }
    }
  }
  const treeJson = (r: FakeRepo, sha: string, recursive: boolean): Record<string, unknown> => {
    const entries = recursive ? r.git.walk(sha) : (r.git.tree(sha) ?? []).map((e) => ({ ...e, path: e.name }))
    return {
      sha,
      url: `${repoApi(r)}/git/trees/${sha}`,
      tree: entries.map((e) => ({
        path: e.path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(e.type === 'blob' ? { size: r.git.blob(e.sha)?.length ?? 0, url: `${repoApi(r)}/git/blobs/${e.sha}` } : {}),
        ...(e.type === 'tree' ? { url: `${repoApi(r)}/git/trees/${e.sha}` } : {})
      })),
      truncated: false
    }
  }
  const labelJson = (r: FakeRepo, name: string): Record<string, unknown> => ({
    id: 1_000_000 + [...Buffer.from(name)].reduce((a, b) => (a * 31 + b) % 1_000_000, 7),
    node_id: `LA_${Buffer.from(name).toString('base64url')}`,
    url: `${repoApi(r)}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null
  })
  const pullJson = (r: FakeRepo, p: FakePull): Record<string, unknown> => {
    const headSha = r.refs.get(`refs/heads/${p.head}`) ?? null
    const baseSha = r.refs.get(`refs/heads/${p.base}`) ?? null
    const branch = (ref: string, sha: string | null): Record<string, unknown> => ({
      label: `${r.owner}:${ref}`,
      ref,
      sha,
      user: userJson({ login: r.owner, id: r.id + 500_000, type: 'Organization' }),
      repo: repoJson(r)
    })
    return {
      url: `${repoApi(r)}/pulls/${p.number}`,
      id: r.id * 1000 + p.number,
      node_id: `PR_${r.id}_${p.number}`,
      html_url: `${serverUrl}/${r.fullName}/pull/${p.number}`,
      issue_url: `${repoApi(r)}/issues/${p.number}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: userJson(p.user),
      body: p.body,
      labels: (r.labels.get(p.number) ?? []).map((l) => labelJson(r, l)),
      created_at: p.created_at,
      updated_at: p.updated_at,
      closed_at: p.closed_at,
      merged_at: null,
      merge_commit_sha: null,
      draft: p.draft,
      head: branch(p.head, headSha),
      base: branch(p.base, baseSha),
      author_association: p.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      merged: false,
      mergeable: null
    }
  }
  const commentJson = (r: FakeRepo, c: FakeComment): Record<string, unknown> => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${repoApi(r)}/issues/comments/${c.id}`,
    html_url: `${serverUrl}/${r.fullName}/${r.pulls.has(c.issue) ? 'pull' : 'issues'}/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${repoApi(r)}/issues/${c.issue}`,
    body: c.body,
    user: userJson(c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    performed_via_github_app: null
  })

  // ------------------------------------------------------------------------------------ git helpers
  /** branch name, tag name, full ref or commit sha → commit sha */
  const resolveRef = (r: FakeRepo, ref: string): string | undefined => {
    if (/^[0-9a-f]{40}$/.test(ref) && r.git.get(ref) !== undefined) return ref
    for (const full of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`]) {
      const sha = r.refs.get(full)
      if (sha !== undefined) return sha
    }
    return undefined
  }
  const treeOf = (r: FakeRepo, commitOrTree: string): string | undefined => {
    const o = r.git.get(commitOrTree)
    if (o?.type === 'tree') return commitOrTree
    if (o?.type === 'commit') return o.tree
    return undefined
  }
  const botPerson = (): GitPerson => ({ name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com', date: iso() })
  const paginate = <T>(c: Ctx, items: T[], path: string): { page: T[]; link?: string } => {
    const perPage = Math.min(100, Math.max(1, Number.parseInt(c.query.get('per_page') ?? '30', 10) || 30))
    const page = Math.max(1, Number.parseInt(c.query.get('page') ?? '1', 10) || 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    // GitHub's Link header addresses a repository by id, not by name
    const rest = path.replace(/^\/repos\/[^/]+\/[^/]+/, `/repositories/${c.repo.id}`)
    const url = (p: number): string => {
      const q = new URLSearchParams(c.query)
      q.set('per_page', String(perPage))
      q.set('page', String(p))
      return `<${apiUrl}${rest}?${q.toString()}>`
    }
    const links: string[] = []
    if (page > 1) links.push(`${url(page - 1)}; rel="prev"`)
    if (page < last) links.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`)
    if (page > 1) links.push(`${url(1)}; rel="first"`)
    return { page: items.slice((page - 1) * perPage, page * perPage), link: links.length > 0 ? links.join(', ') : undefined }
  }
  const listResult = <T>(c: Ctx, items: T[], path: string, render: (t: T) => unknown): Result => {
    const { page, link } = paginate(c, items, path)
    return { status: 200, json: page.map(render), headers: link === undefined ? {} : { link } }
  }
  const issueExists = (r: FakeRepo, n: number): boolean => r.pulls.has(n)
  const issueNumber = (c: Ctx): number => {
    const n = Number(c.params.number)
    if (!Number.isInteger(n) || n < 1 || !issueExists(c.repo, n)) throw notFound()
    return n
  }
  const checkRefName = (ref: string): void => {
    if (!/^refs\/[^/]+\/.+/.test(ref) || /\/\/|\.\.|[\s~^:?*[\\]|\.lock$|\/$|@\{/.test(ref)) {
      throw new ApiError(422, `Reference name is invalid: ${JSON.stringify(ref)}`)
    }
  }
  const createPull = (r: FakeRepo, head: string, base: string, title: string, body: string | null, draft: boolean, user: FakeUser): FakePull => {
    let headBranch = head
    const colon = head.indexOf(':')
    if (colon >= 0) {
      if (head.slice(0, colon).toLowerCase() !== r.owner.toLowerCase()) {
        throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }])
      }
      headBranch = head.slice(colon + 1)
    }
    const headSha = r.refs.get(`refs/heads/${headBranch}`)
    const baseSha = r.refs.get(`refs/heads/${base}`)
    if (baseSha === undefined) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
    if (headSha === undefined) throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }])
    for (const p of r.pulls.values()) {
      if (p.state === 'open' && p.head === headBranch && p.base === base) {
        throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${r.owner}:${headBranch}.` }])
      }
    }
    if (r.git.isAncestor(headSha, baseSha)) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${headBranch}` }])
    }
    const t = iso()
    const pull: FakePull = { number: r.nextNumber++, title, body, state: 'open', head: headBranch, base, draft, user, created_at: t, updated_at: t, closed_at: null }
    r.pulls.set(pull.number, pull)
    return pull
  }

  // ------------------------------------------------------------------------------------------ routes
  const routes: Route[] = []
  const add = (method: string, template: string, needs: Route['needs'], handler: Route['handler']): void => {
    routes.push({ method, template, ...compile(template), needs, handler })
  }
  const R = '/repos/{owner}/{repo}'
  const read = (scope: PermissionScope | 'pull-requests|issues'): Route['needs'] => ({ scope, level: 'read' })
  const write = (scope: PermissionScope | 'pull-requests|issues'): Route['needs'] => ({ scope, level: 'write' })

  add('GET', R, undefined, (c) => ({ status: 200, json: repoJson(c.repo) }))

  add('GET', `${R}/branches/{branch+}`, read('contents'), (c) => {
    const sha = c.repo.refs.get(`refs/heads/${c.params.branch}`)
    if (sha === undefined) throw new ApiError(404, 'Branch not found')
    // as GitHub answers it: the commit object of the commits API (its `commit` the git commit, `parents` beside it)
    const git = commitJson(c.repo, sha)
    const commit = { sha, node_id: git.node_id, commit: git, url: `${repoApi(c.repo)}/commits/${sha}`, html_url: git.html_url, parents: git.parents }
    return { status: 200, json: { name: c.params.branch, commit, protected: false } }
  })

  // --- refs
  add('GET', `${R}/git/ref/{ref+}`, read('contents'), (c) => {
    const ref = `refs/${c.params.ref}`
    if (!c.repo.refs.has(ref)) throw notFound()
    return { status: 200, json: refJson(c.repo, ref) }
  })
  const matching = (r: FakeRepo, prefix: string): string[] => [...r.refs.keys()].filter((k) => k === prefix || k.startsWith(prefix)).sort()
  add('GET', `${R}/git/matching-refs/{ref+}`, read('contents'), (c) => ({
    status: 200,
    json: matching(c.repo, `refs/${c.params.ref}`).map((k) => refJson(c.repo, k))
  }))
  add('GET', `${R}/git/refs`, read('contents'), (c) => ({ status: 200, json: matching(c.repo, 'refs/').map((k) => refJson(c.repo, k)) }))
  // the older form: an exact ref answers the object, a prefix an array of what it matches
  add('GET', `${R}/git/refs/{ref+}`, read('contents'), (c) => {
    const ref = `refs/${c.params.ref}`
    if (c.repo.refs.has(ref)) return { status: 200, json: refJson(c.repo, ref) }
    const under = matching(c.repo, `${ref}/`)
    if (under.length === 0) throw notFound()
    return { status: 200, json: under.map((k) => refJson(c.repo, k)) }
  })
  add('POST', `${R}/git/refs`, write('contents'), (c) => {
    check(c.body, { ref: { type: 'string', required: true }, sha: { type: 'string', required: true }, key: { type: 'string' } })
    const { ref, sha } = c.body as { ref: string; sha: string }
    checkRefName(ref)
    if (c.repo.git.commit(sha) === undefined) throw new ApiError(422, 'Object does not exist')
    if (c.repo.refs.has(ref)) throw new ApiError(422, 'Reference already exists')
    c.repo.refs.set(ref, sha)
    return { status: 201, json: refJson(c.repo, ref) }
  })
  add('PATCH', `${R}/git/refs/{ref+}`, write('contents'), (c) => {
    check(c.body, { sha: { type: 'string', required: true }, force: { type: 'boolean' } })
    const { sha, force } = c.body as { sha: string; force?: boolean }
    const ref = `refs/${c.params.ref}`
    const current = c.repo.refs.get(ref)
    if (current === undefined) throw new ApiError(422, 'Reference does not exist')
    if (c.repo.git.commit(sha) === undefined) throw new ApiError(422, 'Object does not exist')
    if (force !== true && !c.repo.git.isAncestor(current, sha)) throw new ApiError(422, 'Update is not a fast forward')
    c.repo.refs.set(ref, sha)
    return { status: 200, json: refJson(c.repo, ref) }
  })
  add('DELETE', `${R}/git/refs/{ref+}`, write('contents'), (c) => {
    const ref = `refs/${c.params.ref}`
    if (!c.repo.refs.delete(ref)) throw new ApiError(422, 'Reference does not exist')
    // GitHub closes the open pull requests whose head branch goes away
    const branch = ref.replace(/^refs\/heads\//, '')
    for (const p of c.repo.pulls.values()) {
      if (p.state === 'open' && p.head === branch) Object.assign(p, { state: 'closed', closed_at: iso(), updated_at: iso() })
    }
    return { status: 204 }
  })

  // --- blobs
  add('POST', `${R}/git/blobs`, write('contents'), (c) => {
    check(c.body, { content: { type: 'string', required: true }, encoding: { type: 'string', enum: ['utf-8', 'utf8', 'base64'] } })
    const { content, encoding } = c.body as { content: string; encoding?: string }
    if (encoding === 'base64' && !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(content)) throw new ApiError(422, 'Invalid base64 content')
    const sha = c.repo.git.putBlob(encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8'))
    return { status: 201, json: { sha, url: `${repoApi(c.repo)}/git/blobs/${sha}` } }
  })
  add('GET', `${R}/git/blobs/{sha}`, read('contents'), (c) => {
    const b = c.repo.git.blob(c.params.sha as string)
    if (b === undefined) throw notFound()
    return {
      status: 200,
      json: {
        sha: c.params.sha,
        node_id: `B_${c.params.sha}`,
        size: b.length,
        url: `${repoApi(c.repo)}/git/blobs/${c.params.sha}`,
        content: `${(b.toString('base64').match(/.{1,60}/g) ?? ['']).join('\n')}\n`,
        encoding: 'base64'
      }
    }
  })

  // --- trees
  const modes = Object.keys(MODE_TYPE) as GitMode[]
  add('POST', `${R}/git/trees`, write('contents'), (c) => {
    check(c.body, {
      base_tree: { type: 'string' },
      tree: {
        type: 'array',
        required: true,
        items: {
          type: 'object',
          props: {
            path: { type: 'string', required: true },
            mode: { type: 'string', required: true, enum: modes },
            type: { type: 'string', required: true, enum: ['blob', 'tree', 'commit'] },
            sha: { type: 'string', nullable: true },
            content: { type: 'string' }
          }
        }
      }
    })
    const body = c.body as { base_tree?: string; tree: Array<{ path: string; mode: GitMode; type: GitType; sha?: string | null; content?: string }> }
    const git = c.repo.git
    let base: string | undefined
    if (body.base_tree !== undefined) {
      base = treeOf(c.repo, body.base_tree)
      if (base === undefined) throw new ApiError(422, 'base_tree is not a valid tree oid')
    }
    const changes: TreeChange[] = []
    for (const e of body.tree) {
      if (e.path === '' || e.path.startsWith('/') || e.path.endsWith('/') || e.path.split('/').some((p) => p === '' || p === '.' || p === '..' || p === '.git')) {
        throw new ApiError(422, `tree.path contains a malformed path component`, { errors: [{ resource: 'Tree', field: 'path', code: 'invalid' }] })
      }
      if (MODE_TYPE[e.mode] !== e.type) throw validationFailed([{ resource: 'Tree', field: 'type', code: 'invalid' }], `tree.type must be ${MODE_TYPE[e.mode]} for mode ${e.mode}`)
      if (e.sha !== undefined && e.content !== undefined) {
        throw new ApiError(422, 'Must supply either tree.sha or tree.content, but not both')
      }
      if (e.content !== undefined) {
        if (e.type !== 'blob') throw new ApiError(422, 'tree.content is only for blobs')
        changes.push({ path: e.path, mode: e.mode, type: e.type, sha: git.putBlob(Buffer.from(e.content, 'utf8')) })
        continue
      }
      if (e.sha === undefined) throw new ApiError(422, 'Must supply either tree.sha or tree.content')
      if (e.sha === null) {
        if (base === undefined) throw new ApiError(422, 'tree.sha null (deleting a path) needs a base_tree')
        changes.push({ path: e.path, mode: e.mode, type: e.type, sha: null })
        continue
      }
      const o = git.get(e.sha)
      if (e.type !== 'commit' && o?.type !== e.type) throw new ApiError(422, `tree.sha ${e.sha} is not a valid ${e.type}`)
      changes.push({ path: e.path, mode: e.mode, type: e.type, sha: e.sha })
    }
    let sha: string
    try {
      sha = git.applyChanges(base, changes)
    } catch (err) {
      if (err instanceof TreeConflictError) throw new ApiError(422, err.message)
      throw err
    }
    return { status: 201, json: treeJson(c.repo, sha, false) }
  })
  add('GET', `${R}/git/trees/{sha+}`, read('contents'), (c) => {
    const ref = c.params.sha as string
    const tree = c.repo.git.tree(ref) !== undefined ? ref : treeOf(c.repo, resolveRef(c.repo, ref) ?? '')
    if (tree === undefined) throw notFound()
    const recursive = c.query.has('recursive') && !['0', 'false', ''].includes(c.query.get('recursive') ?? '')
    return { status: 200, json: treeJson(c.repo, tree, recursive) }
  })

  // --- commits
  add('POST', `${R}/git/commits`, write('contents'), (c) => {
    check(c.body, {
      message: { type: 'string', required: true },
      tree: { type: 'string', required: true },
      parents: { type: 'array', items: { type: 'string' } },
      author: personSpec,
      committer: personSpec,
      signature: { type: 'string' }
    })
    const b = c.body as { message: string; tree: string; parents?: string[]; author?: GitPerson; committer?: GitPerson }
    if (c.repo.git.tree(b.tree) === undefined) throw new ApiError(422, 'Tree SHA does not exist')
    for (const p of b.parents ?? []) {
      if (c.repo.git.commit(p) === undefined) throw new ApiError(422, 'Parent SHA does not exist or is not a commit object')
    }
    const date = iso()
    const author = b.author === undefined ? botPerson() : { ...b.author, date: b.author.date ?? date }
    const committer = b.committer === undefined ? { ...author, date: b.author?.date ?? author.date } : { ...b.committer, date: b.committer.date ?? date }
    if (Number.isNaN(Date.parse(author.date)) || Number.isNaN(Date.parse(committer.date))) throw invalid(`author.date / committer.date is not an ISO 8601 timestamp.`)
    const sha = c.repo.git.putCommit({ tree: b.tree, parents: b.parents ?? [], author, committer, message: b.message })
    return { status: 201, json: commitJson(c.repo, sha) }
  })
  add('GET', `${R}/git/commits/{sha}`, read('contents'), (c) => ({ status: 200, json: commitJson(c.repo, c.params.sha as string) }))
  // the REST (not Git Data) commit: by sha, branch or tag, its git commit nested under `commit`
  add('GET', `${R}/commits/{ref+}`, read('contents'), (c) => {
    const sha = resolveRef(c.repo, c.params.ref as string)
    if (sha === undefined) throw new ApiError(422, `No commit found for SHA: ${c.params.ref}`)
    const git = commitJson(c.repo, sha)
    return {
      status: 200,
      json: {
        sha,
        node_id: git.node_id,
        url: `${repoApi(c.repo)}/commits/${sha}`,
        html_url: git.html_url,
        commit: { ...git, url: git.url },
        parents: git.parents,
        author: null,
        committer: null
      }
    }
  })

  // --- contents
  const contents = (c: Ctx, path: string): Result => {
    const refName = c.query.get('ref') ?? c.repo.defaultBranch
    const sha = resolveRef(c.repo, refName)
    if (sha === undefined) throw new ApiError(404, `No commit found for the ref ${refName}`)
    const root = treeOf(c.repo, sha) as string
    const entries = c.repo.git.walk(root)
    const entryJson = (e: { path: string; type: GitType; sha: string; name: string }): Record<string, unknown> => ({
      type: e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : 'file',
      name: e.name,
      path: e.path,
      sha: e.sha,
      size: e.type === 'blob' ? (c.repo.git.blob(e.sha)?.length ?? 0) : 0,
      url: `${repoApi(c.repo)}/contents/${e.path}?ref=${encodeURIComponent(refName)}`,
      html_url: `${serverUrl}/${c.repo.fullName}/${e.type === 'tree' ? 'tree' : 'blob'}/${refName}/${e.path}`,
      git_url: `${repoApi(c.repo)}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
      download_url: e.type === 'blob' ? `https://raw.githubusercontent.com/${c.repo.fullName}/${refName}/${e.path}` : null
    })
    if (path === '') return { status: 200, json: entries.filter((e) => !e.path.includes('/')).map(entryJson) }
    const entry = entries.find((e) => e.path === path)
    if (entry === undefined) throw notFound()
    if (entry.type === 'tree') return { status: 200, json: entries.filter((e) => e.path.startsWith(`${path}/`) && !e.path.slice(path.length + 1).includes('/')).map(entryJson) }
    const content = c.repo.git.blob(entry.sha) ?? Buffer.alloc(0)
    if (/application\/vnd\.github(\.v3)?\.raw/.test(c.headers.accept ?? '')) {
      return { status: 200, raw: content, headers: { 'content-type': 'application/vnd.github.raw' } }
    }
    return {
      status: 200,
      json: { ...entryJson(entry), encoding: 'base64', content: `${(content.toString('base64').match(/.{1,60}/g) ?? ['']).join('\n')}\n` }
    }
  }
  add('GET', `${R}/contents`, read('contents'), (c) => contents(c, ''))
  add('GET', `${R}/contents/{path+}`, read('contents'), (c) => contents(c, (c.params.path as string).replace(/\/$/, '')))

  // --- pulls
  add('GET', `${R}/pulls`, read('pull-requests'), (c) => {
    const state = c.query.get('state') ?? 'open'
    if (!['open', 'closed', 'all'].includes(state)) throw validationFailed([{ resource: 'Search', field: 'state', code: 'invalid' }])
    const head = c.query.get('head')
    const base = c.query.get('base')
    let list = [...c.repo.pulls.values()].filter((p) => state === 'all' || p.state === state)
    // GitHub applies the head filter only in its `owner:branch` form; a bare branch name filters nothing
    if (head !== null && head.includes(':')) {
      const [owner, branch] = [head.slice(0, head.indexOf(':')), head.slice(head.indexOf(':') + 1)]
      list = list.filter((p) => owner.toLowerCase() === c.repo.owner.toLowerCase() && p.head === branch)
    }
    if (base !== null) list = list.filter((p) => p.base === base)
    const direction = c.query.get('direction') ?? 'desc'
    list.sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number))
    return listResult(c, list, `/repos/${c.repo.fullName}/pulls`, (p) => pullJson(c.repo, p))
  })
  add('POST', `${R}/pulls`, write('pull-requests'), (c) => {
    check(c.body, {
      title: { type: 'string', required: true },
      head: { type: 'string', required: true },
      base: { type: 'string', required: true },
      head_repo: { type: 'string' },
      body: { type: 'string', nullable: true },
      maintainer_can_modify: { type: 'boolean' },
      draft: { type: 'boolean' },
      issue: { type: 'integer' }
    })
    const b = c.body as { title: string; head: string; base: string; body?: string | null; draft?: boolean }
    const p = createPull(c.repo, b.head, b.base, b.title, b.body ?? null, b.draft ?? false, tokenUser)
    return { status: 201, json: pullJson(c.repo, p) }
  })
  add('GET', `${R}/pulls/{number}`, read('pull-requests'), (c) => {
    const p = c.repo.pulls.get(Number(c.params.number))
    if (p === undefined) throw notFound()
    return { status: 200, json: pullJson(c.repo, p) }
  })
  add('PATCH', `${R}/pulls/{number}`, write('pull-requests'), (c) => {
    check(c.body, {
      title: { type: 'string' },
      body: { type: 'string', nullable: true },
      state: { type: 'string', enum: ['open', 'closed'] },
      base: { type: 'string' },
      maintainer_can_modify: { type: 'boolean' }
    })
    const p = c.repo.pulls.get(Number(c.params.number))
    if (p === undefined) throw notFound()
    const b = c.body as { title?: string; body?: string | null; state?: 'open' | 'closed'; base?: string }
    if (b.base !== undefined && !c.repo.refs.has(`refs/heads/${b.base}`)) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
    if (b.title !== undefined) p.title = b.title
    if (b.body !== undefined) p.body = b.body
    if (b.base !== undefined) p.base = b.base
    if (b.state !== undefined && b.state !== p.state) {
      p.state = b.state
      p.closed_at = b.state === 'closed' ? iso() : null
    }
    p.updated_at = iso()
    return { status: 200, json: pullJson(c.repo, p) }
  })

  // --- labels
  add('GET', `${R}/issues/{number}/labels`, read('pull-requests|issues'), (c) => {
    const n = issueNumber(c)
    return listResult(c, c.repo.labels.get(n) ?? [], `/repos/${c.repo.fullName}/issues/${n}/labels`, (l) => labelJson(c.repo, l))
  })
  add('POST', `${R}/issues/{number}/labels`, write('pull-requests|issues'), (c) => {
    // documented as { labels: [name | { name }] }; a bare array of names is accepted too
    const raw = Array.isArray(c.body) ? { labels: c.body } : c.body
    check(raw, { labels: { type: 'array', required: true, items: { type: 'string' } } })
    const n = issueNumber(c)
    const names = (raw as { labels: string[] }).labels
    if (names.some((l) => l.trim() === '')) throw validationFailed([{ resource: 'Label', field: 'name', code: 'missing_field' }])
    const have = c.repo.labels.get(n) ?? []
    for (const l of names) if (!have.includes(l)) have.push(l)
    c.repo.labels.set(n, have)
    return { status: 200, json: have.map((l) => labelJson(c.repo, l)) }
  })

  // --- issue comments
  add('GET', `${R}/issues/{number}/comments`, read('pull-requests|issues'), (c) => {
    const n = issueNumber(c)
    const since = c.query.get('since')
    const list = [...c.repo.comments.values()].filter((x) => x.issue === n && (since === null || x.updated_at >= since)).sort((a, b) => a.id - b.id)
    return listResult(c, list, `/repos/${c.repo.fullName}/issues/${n}/comments`, (x) => commentJson(c.repo, x))
  })
  add('POST', `${R}/issues/{number}/comments`, write('pull-requests|issues'), (c) => {
    check(c.body, { body: { type: 'string', required: true } })
    const n = issueNumber(c)
    const body = (c.body as { body: string }).body
    if (body.length > 65536) throw validationFailed([{ resource: 'IssueComment', field: 'body', code: 'custom', message: 'Body is too long (maximum is 65536 characters)' }])
    const t = iso()
    const comment: FakeComment = { id: nextCommentId++, issue: n, body, user: tokenUser, created_at: t, updated_at: t }
    c.repo.comments.set(comment.id, comment)
    return { status: 201, json: commentJson(c.repo, comment) }
  })
  add('GET', `${R}/issues/comments/{id}`, read('pull-requests|issues'), (c) => {
    const comment = c.repo.comments.get(Number(c.params.id))
    if (comment === undefined) throw notFound()
    return { status: 200, json: commentJson(c.repo, comment) }
  })
  add('PATCH', `${R}/issues/comments/{id}`, write('pull-requests|issues'), (c) => {
    check(c.body, { body: { type: 'string', required: true } })
    const comment = c.repo.comments.get(Number(c.params.id))
    if (comment === undefined) throw notFound()
    comment.body = (c.body as { body: string }).body
    comment.updated_at = iso()
    return { status: 200, json: commentJson(c.repo, comment) }
  })
  add('DELETE', `${R}/issues/comments/{id}`, write('pull-requests|issues'), (c) => {
    if (!c.repo.comments.delete(Number(c.params.id))) throw notFound()
    return { status: 204 }
  })

  // ------------------------------------------------------------------------------------------ server
  const allowed = (needs: NonNullable<Route['needs']>): boolean => {
    const scopes: PermissionScope[] = needs.scope === 'pull-requests|issues' ? ['pull-requests', 'issues'] : [needs.scope]
    return scopes.some((s) => permissions[s] === 'write' || (needs.level === 'read' && permissions[s] === 'read'))
  }

  const handle = (method: string, rawPath: string, headers: Record<string, string>, rawBody: string): { result: Result; route: string } => {
    const ua = headers['user-agent']
    if (ua === undefined || ua.trim() === '') {
      throw Object.assign(new ApiError(403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header'), { route: '' })
    }
    const auth = headers.authorization
    if (auth === undefined) throw Object.assign(new ApiError(401, 'Requires authentication'), { route: '' })
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(auth)
    if (m === null || m[1] !== token) throw Object.assign(new ApiError(401, 'Bad credentials'), { route: '' })

    const u = new URL(rawPath, 'http://fake')
    let path = u.pathname
    // Link headers address repositories by id: /repositories/{id}/… is /repos/{owner}/{repo}/…
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path)
    if (byId !== null) {
      const r = [...repos.values()].find((x) => x.id === Number(byId[1]))
      if (r !== undefined) path = `/repos/${r.fullName}${byId[2] ?? ''}`
    }
    const candidates = routes.filter((rt) => rt.regex.test(path))
    const route = candidates.find((rt) => rt.method === method)
    if (route === undefined) throw Object.assign(notFound(), { route: '' })
    const template = `${route.method} ${route.template}`
    try {
      const mm = route.regex.exec(path) as RegExpExecArray
      const params: Record<string, string> = {}
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(mm[i + 1] as string)))
      const repo = repos.get(`${params.owner}/${params.repo}`.toLowerCase())
      if (repo === undefined) throw notFound()
      if (route.needs !== undefined && !allowed(route.needs)) {
        const scope = route.needs.scope === 'pull-requests|issues' ? 'issues=write; pull_requests=write' : `${route.needs.scope.replace('-', '_')}=${route.needs.level}`
        throw new ApiError(403, 'Resource not accessible by integration', {}, { 'x-accepted-github-permissions': scope })
      }
      const fault = faults.find((f) => f.left > 0 && (f.method === undefined || f.method.toUpperCase() === method) && (f.route === undefined || f.route === template) && (f.path === undefined || f.path.test(rawPath)))
      if (fault !== undefined) {
        fault.left--
        throw new ApiError(fault.status, fault.message ?? DEFAULT_MESSAGES[fault.status] ?? 'Error')
      }
      let body: unknown
      if (rawBody.trim() !== '') {
        try {
          body = JSON.parse(rawBody)
        } catch {
          throw new ApiError(400, 'Problems parsing JSON')
        }
      } else if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
        body = {}
      }
      return { result: route.handler({ method, params, query: u.searchParams, body, headers, repo }), route: template }
    } catch (err) {
      throw Object.assign(err as Error, { route: template })
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase()
      const rawPath = req.url ?? '/'
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headersDistinct)) if (v !== undefined) headers[k] = v.join(', ')
      const rawBody = Buffer.concat(chunks).toString('utf8')
      let result: Result
      let route: string
      try {
        ;({ result, route } = handle(method, rawPath, headers, rawBody))
      } catch (err) {
        route = (err as { route?: string }).route ?? ''
        if (err instanceof ApiError) {
          result = { status: err.status, json: { message: err.message, ...err.extra, documentation_url: DOCS, status: String(err.status) }, headers: err.headers }
        } else {
          result = { status: 500, json: { message: `fake-github bug: ${(err as Error).stack ?? String(err)}`, documentation_url: DOCS, status: '500' } }
        }
      }
      let parsed: unknown
      try {
        parsed = rawBody === '' ? undefined : JSON.parse(rawBody)
      } catch {
        parsed = undefined
      }
      requests.push({ method, path: rawPath, route, status: result.status, headers, body: parsed, rawBody })
      const out = result.raw ?? (result.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(result.json), 'utf8'))
      res.writeHead(result.status, {
        ...(result.json !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-resource': 'core',
        ...result.headers,
        'content-length': String(out.length)
      })
      res.end(out)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  apiUrl = `http://127.0.0.1:${port}`

  // ------------------------------------------------------------------------------------- test-side API
  const getRepo = (owner: string, repo: string): FakeRepo => {
    const r = repos.get(`${owner}/${repo}`.toLowerCase())
    if (r === undefined) throw new Error(`fake-github: no repository ${owner}/${repo} (seedRepo it first)`)
    return r
  }
  const seedAuthor = (): GitPerson => ({ name: 'Seed', email: 'seed@example.com', date: iso() })
  const commitFiles: FakeGitHub['commitFiles'] = (owner, repo, branch, files, message = 'Update files') => {
    const r = getRepo(owner, repo)
    const parent = r.refs.get(`refs/heads/${branch}`) ?? r.refs.get(`refs/heads/${r.defaultBranch}`)
    const changes: TreeChange[] = Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: content === null ? null : r.git.putBlob(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'))
    }))
    const tree = r.git.applyChanges(parent === undefined ? undefined : r.git.commit(parent)?.tree, changes)
    const author = seedAuthor()
    // seeded commits stand for commits made with git, which ends a message with a newline
    const text = message.endsWith('\n') ? message : `${message}\n`
    const sha = r.git.putCommit({ tree, parents: parent === undefined ? [] : [parent], author, committer: author, message: text })
    r.refs.set(`refs/heads/${branch}`, sha)
    return sha
  }

  return {
    url: apiUrl,
    token,
    tokenUser,
    serverUrl,
    requests,
    permissions,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    tokenLeaks: () => {
      const leaks: string[] = []
      for (const r of requests) {
        const where = `${r.method} ${r.path}`
        if (r.path.includes(token)) leaks.push(`${where}: in the path`)
        if (r.rawBody.includes(token)) leaks.push(`${where}: in the body`)
        for (const [k, v] of Object.entries(r.headers)) if (k !== 'authorization' && v.includes(token)) leaks.push(`${where}: in header ${k}`)
      }
      return leaks
    },
    clearLog: () => void requests.splice(0),
    fail: (rule) => void faults.push({ ...rule, left: rule.times ?? Infinity }),
    clearFaults: () => void (faults = []),
    seedRepo: (o) => {
      const key = `${o.owner}/${o.repo}`.toLowerCase()
      if (repos.has(key)) throw new Error(`fake-github: ${o.owner}/${o.repo} already seeded`)
      const r: FakeRepo = {
        id: nextRepoId++,
        owner: o.owner,
        name: o.repo,
        fullName: `${o.owner}/${o.repo}`,
        private: o.private ?? false,
        defaultBranch: o.defaultBranch ?? 'main',
        git: new GitStore(),
        refs: new Map(),
        pulls: new Map(),
        comments: new Map(),
        labels: new Map(),
        nextNumber: 1
      }
      repos.set(key, r)
      commitFiles(o.owner, o.repo, r.defaultBranch, o.files ?? { 'README.md': `# ${o.repo}\n` }, o.message ?? 'Initial commit')
      return r
    },
    repo: getRepo,
    commitFiles,
    files: (owner, repo, ref) => {
      const r = getRepo(owner, repo)
      const sha = resolveRef(r, ref)
      if (sha === undefined) throw new Error(`fake-github: ${owner}/${repo} has no ref ${ref}`)
      const out = new Map<string, string>()
      for (const [path, e] of r.git.flatten(treeOf(r, sha) as string)) if (e.type === 'blob') out.set(path, (r.git.blob(e.sha) as Buffer).toString('utf8'))
      return out
    },
    branchSha: (owner, repo, branch) => getRepo(owner, repo).refs.get(`refs/heads/${branch}`),
    openPull: (owner, repo, p) => {
      const r = getRepo(owner, repo)
      return createPull(r, p.head, p.base ?? r.defaultBranch, p.title ?? `Update ${p.head}`, p.body ?? null, false, p.user ?? tokenUser)
    },
    addComment: (owner, repo, issue, body, user = human) => {
      const r = getRepo(owner, repo)
      if (!r.pulls.has(issue)) throw new Error(`fake-github: ${owner}/${repo} has no issue or pull request #${issue}`)
      const t = iso()
      const comment: FakeComment = { id: nextCommentId++, issue, body, user, created_at: t, updated_at: t }
      r.comments.set(comment.id, comment)
      return comment
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
