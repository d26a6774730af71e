import { getOctokit } from '@actions/github'
import { GitHubApiError, type GitHubApi, type IssueComment, type PullRequest, type RepoId, type TreeEntry } from './api'

type Octokit = ReturnType<typeof getOctokit>

interface OctokitError {
  status: number
  message: string
  response?: { data?: { message?: unknown }; headers?: Record<string, string | number | undefined> }
}

function isOctokitError(e: unknown): e is OctokitError {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number'
}

/** Runs one request; a failure becomes a GitHubApiError naming the request by its template (never a token or body). */
async function call<T>(request: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (!isOctokitError(e)) throw e
    const data = e.response?.data?.message
    const accepted = e.response?.headers?.['x-accepted-github-permissions']
    throw new GitHubApiError(e.status, typeof data === 'string' ? data : e.message, request, accepted === undefined ? undefined : String(accepted))
  }
}

/** undefined for a 404 (an absent branch or file is an answer here, not a failure). */
async function absentOn404<T>(request: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call(request, fn)
  } catch (e) {
    if (e instanceof GitHubApiError && e.status === 404) return undefined
    throw e
  }
}

function pull(p: { number: number; html_url: string; head: { sha: string }; base: { ref: string }; body?: string | null }): PullRequest {
  return { number: p.number, url: p.html_url, headSha: p.head.sha, base: p.base.ref, body: p.body ?? '' }
}

function comment(c: { id: number; body?: string; html_url: string }): IssueComment {
  return { id: c.id, body: c.body ?? '', url: c.html_url }
}

/** The seam over @actions/github's Octokit (REST endpoint methods and pagination), at `baseUrl` (GITHUB_API_URL). */
export function octokitApi(token: string, baseUrl: string | undefined): GitHubApi {
  const octokit: Octokit = getOctokit(token, baseUrl ? { baseUrl } : {})
  const { git, pulls, issues, repos } = octokit.rest
  return {
    defaultBranch: async (r) => (await call('GET /repos/{owner}/{repo}', () => repos.get({ ...r }))).data.default_branch,
    branch: async (r, name) => {
      const res = await absentOn404('GET /repos/{owner}/{repo}/branches/{branch}', () => repos.getBranch({ ...r, branch: name }))
      if (!res) return undefined
      const c = res.data.commit
      return { sha: c.sha, tree: c.commit.tree.sha, parents: c.parents.map((p) => p.sha) }
    },
    tree: async (r, sha) => {
      const res = await call('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', () => git.getTree({ ...r, tree_sha: sha, recursive: 'true' }))
      const entries: TreeEntry[] = res.data.tree.flatMap((e) =>
        e.path !== undefined && e.mode !== undefined && e.type !== undefined && e.sha !== undefined ? [{ path: e.path, mode: e.mode, type: e.type, sha: e.sha }] : []
      )
      return { entries, truncated: res.data.truncated }
    },
    fileAt: async (r, path, ref) => {
      const res = await absentOn404('GET /repos/{owner}/{repo}/contents/{path}', () => repos.getContent({ ...r, path, ref }))
      const data = res?.data
      if (!data || Array.isArray(data) || data.type !== 'file') return undefined
      if ('encoding' in data && data.encoding === 'base64' && typeof data.content === 'string') return { content: Buffer.from(data.content, 'base64'), sha: data.sha }
      // files over 1 MB come without content: read the blob
      return { content: await blobOf(octokit, r, data.sha), sha: data.sha }
    },
    blob: (r, sha) => blobOf(octokit, r, sha),
    createBlob: async (r, content) =>
      (await call('POST /repos/{owner}/{repo}/git/blobs', () => git.createBlob({ ...r, content: content.toString('base64'), encoding: 'base64' }))).data.sha,
    createTree: async (r, baseTree, entries) =>
      (
        await call('POST /repos/{owner}/{repo}/git/trees', () =>
          git.createTree({ ...r, base_tree: baseTree, tree: entries.map((e) => ({ path: e.path, mode: e.mode as '100644', type: 'blob' as const, sha: e.sha })) })
        )
      ).data.sha,
    createCommit: async (r, message, tree, parents) =>
      (await call('POST /repos/{owner}/{repo}/git/commits', () => git.createCommit({ ...r, message, tree, parents }))).data.sha,
    createRef: async (r, ref, sha) => {
      await call('POST /repos/{owner}/{repo}/git/refs', () => git.createRef({ ...r, ref: `refs/${ref}`, sha }))
    },
    forceRef: async (r, ref, sha) => {
      await call('PATCH /repos/{owner}/{repo}/git/refs/{ref}', () => git.updateRef({ ...r, ref, sha, force: true }))
    },
    deleteRef: async (r, ref) => {
      await call('DELETE /repos/{owner}/{repo}/git/refs/{ref}', () => git.deleteRef({ ...r, ref }))
    },
    openPulls: async (r, head, base) =>
      // `head` must carry the owner: GitHub ignores a bare branch name and lists every open pull request
      (await call('GET /repos/{owner}/{repo}/pulls', () => pulls.list({ ...r, head: `${r.owner}:${head}`, base, state: 'open', per_page: 100 }))).data.map(pull),
    createPull: async (r, p) => pull((await call('POST /repos/{owner}/{repo}/pulls', () => pulls.create({ ...r, ...p }))).data),
    updatePull: async (r, n, p) => pull((await call('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', () => pulls.update({ ...r, pull_number: n, ...p }))).data),
    addLabels: async (r, n, labels) =>
      (await call('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', () => issues.addLabels({ ...r, issue_number: n, labels }))).data.map((l) => l.name),
    comments: async (r, n) =>
      (await call('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', () => octokit.paginate(issues.listComments, { ...r, issue_number: n, per_page: 100 }))).map(comment),
    createComment: async (r, n, body) => comment((await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', () => issues.createComment({ ...r, issue_number: n, body }))).data),
    updateComment: async (r, id, body) =>
      comment((await call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', () => issues.updateComment({ ...r, comment_id: id, body }))).data)
  }
}

async function blobOf(octokit: Octokit, r: RepoId, sha: string): Promise<Buffer> {
  const res = await call('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', () => octokit.rest.git.getBlob({ ...r, file_sha: sha }))
  return Buffer.from(res.data.content, res.data.encoding === 'base64' ? 'base64' : 'utf8')
}
