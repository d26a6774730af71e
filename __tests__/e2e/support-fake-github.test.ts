/**
 * Self-test of the fake GitHub REST API (support/fake-github.ts): driven with plain fetch, checked against
 * real git's object hashing, and driven with @actions/github's getOctokit exactly as the action will be
 * (GITHUB_API_URL pointing at it), so a failure in an e2e test of the pull-request flow is the action's.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { startFakeGitHub, type FakeGitHub } from './support/fake-github'
import { makeTempDir, removeDir, runOk } from './support/proc'

const OWNER = 'acme'
const REPO = 'deploy-config'
const K8S = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: ghcr.io/acme/app:v1\n'
const SEED_FILES = { 'deploy/k8s.yaml': K8S, 'deploy/values.yaml': 'image: ghcr.io/acme/app:v1\n', 'README.md': '# config\n' }

let gh: FakeGitHub
const tempDirs: string[] = []

beforeAll(async () => {
  gh = await startFakeGitHub()
  gh.seedRepo({ owner: OWNER, repo: REPO, defaultBranch: 'main', files: SEED_FILES })
})

afterAll(async () => {
  await gh.stop()
  await Promise.all(tempDirs.splice(0).map((d) => removeDir(d)))
})

interface Reply {
  status: number
  headers: Headers
  json: Record<string, unknown> & Array<Record<string, unknown>>
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${gh.url}${path}`, {
    method,
    headers: { authorization: `token ${gh.token}`, 'user-agent': 'fake-github-selftest', accept: 'application/vnd.github+json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: text === '' ? ({} as Reply['json']) : JSON.parse(text) }
}

const repoPath = `/repos/${OWNER}/${REPO}`

/** A real git repository with the given files: what `git write-tree` and `git commit-tree` say. */
async function realGit(files: Record<string, string>): Promise<{ dir: string; tree: string }> {
  const dir = await makeTempDir('fake-github-git-')
  tempDirs.push(dir)
  await runOk('git', ['init', '-q', dir])
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  await runOk('git', ['-C', dir, 'add', '-A'])
  const tree = (await runOk('git', ['-C', dir, 'write-tree'])).stdout.trim()
  return { dir, tree }
}

/** git's environment for a commit by `p` at `p.date` (what the API's author object says) */
function gitEnv(p: { name: string; email: string; date: string }): NodeJS.ProcessEnv {
  const when = `${Date.parse(p.date) / 1000} +0000`
  return {
    ...process.env,
    GIT_AUTHOR_NAME: p.name,
    GIT_AUTHOR_EMAIL: p.email,
    GIT_AUTHOR_DATE: when,
    GIT_COMMITTER_NAME: p.name,
    GIT_COMMITTER_EMAIL: p.email,
    GIT_COMMITTER_DATE: when
  }
}

describe('fake GitHub over plain HTTP', () => {
  test('serves repository metadata with default_branch, and the seeded branch', async () => {
    const r = await api('GET', repoPath)
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main', owner: { login: OWNER } })
    const ref = await api('GET', `${repoPath}/git/ref/heads/main`)
    expect(ref.status).toBe(200)
    expect(ref.json).toMatchObject({ ref: 'refs/heads/main', object: { type: 'commit', sha: gh.branchSha(OWNER, REPO, 'main') } })
  })

  test('checks the token: none → 401, a wrong one → 401 Bad credentials, token and Bearer schemes both accepted', async () => {
    const none = await fetch(`${gh.url}${repoPath}`, { headers: { 'user-agent': 't' } })
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ message: 'Requires authentication', status: '401' })
    const wrong = await api('GET', repoPath, undefined, { authorization: 'token ghs_wrong' })
    expect(wrong.status).toBe(401)
    expect(wrong.json).toMatchObject({ message: 'Bad credentials', documentation_url: expect.stringContaining('docs.github.com') })
    expect((await api('GET', repoPath, undefined, { authorization: `Bearer ${gh.token}` })).status).toBe(200)
    const noAgent = await fetch(`${gh.url}${repoPath}`, { headers: { authorization: `token ${gh.token}`, 'user-agent': '' } })
    expect(noAgent.status).toBe(403)
  })

  test('unknown routes and repositories → 404 in GitHub’s JSON error shape', async () => {
    for (const path of ['/nope', `${repoPath}/actions/secrets`, '/repos/acme/missing', `${repoPath}/git/ref/heads/missing`]) {
      const r = await api('GET', path)
      expect(r.status).toBe(404)
      expect(r.json).toEqual({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
    }
    // a known path with a method it does not take
    expect((await api('PUT', `${repoPath}/git/blobs`, { content: 'x' })).status).toBe(404)
  })

  test('blobs, trees and commits hash as real git does; a tree over base_tree keeps, replaces and deletes paths', async () => {
    const base = await realGit(SEED_FILES)
    const headSha = gh.branchSha(OWNER, REPO, 'main') as string
    const head = await api('GET', `${repoPath}/git/commits/${headSha}`)
    expect(head.json.tree).toMatchObject({ sha: base.tree })

    const pinned = K8S.replace('app:v1', `app:v1@sha256:${'a'.repeat(64)}`)
    const blobUtf8 = await api('POST', `${repoPath}/git/blobs`, { content: pinned, encoding: 'utf-8' })
    expect(blobUtf8.status).toBe(201)
    const expectedBlob = (await runOk('git', ['hash-object', '--stdin'], { input: pinned })).stdout.trim()
    expect(blobUtf8.json.sha).toBe(expectedBlob)
    const blob64 = await api('POST', `${repoPath}/git/blobs`, { content: Buffer.from(pinned).toString('base64'), encoding: 'base64' })
    expect(blob64.json.sha).toBe(expectedBlob)

    const tree = await api('POST', `${repoPath}/git/trees`, {
      base_tree: base.tree,
      tree: [
        { path: 'deploy/k8s.yaml', mode: '100644', type: 'blob', sha: expectedBlob },
        { path: 'deploy/values.yaml', mode: '100644', type: 'blob', sha: null },
        { path: 'deploy/new/extra.txt', mode: '100644', type: 'blob', content: 'x\n' }
      ]
    })
    expect(tree.status).toBe(201)
    const listed = await api('GET', `${repoPath}/git/trees/${String(tree.json.sha)}?recursive=1`)
    expect(listed.json.truncated).toBe(false)
    expect((listed.json.tree as unknown as Array<{ path: string; type: string }>).map((e) => `${e.type} ${e.path}`)).toEqual([
      'blob README.md',
      'tree deploy',
      'blob deploy/k8s.yaml',
      'tree deploy/new',
      'blob deploy/new/extra.txt'
    ])
    const top = await api('GET', `${repoPath}/git/trees/${String(tree.json.sha)}`)
    expect((top.json.tree as unknown as Array<{ path: string }>).map((e) => e.path)).toEqual(['README.md', 'deploy'])

    // the seeded commit is what `git commit-tree` makes of the same tree, author and date
    const seeded = (await api('GET', `${repoPath}/git/commits/${headSha}`)).json.author as unknown as { name: string; email: string; date: string }
    const parent = (await runOk('git', ['-C', base.dir, 'commit-tree', base.tree, '-m', 'Initial commit'], { env: gitEnv(seeded) })).stdout.trim()
    expect(parent).toBe(headSha)

    // the same change made with git: same tree sha, and the API's commit is git's commit
    await writeFile(join(base.dir, 'deploy/k8s.yaml'), pinned)
    await rm(join(base.dir, 'deploy/values.yaml'))
    await mkdir(join(base.dir, 'deploy/new'), { recursive: true })
    await writeFile(join(base.dir, 'deploy/new/extra.txt'), 'x\n')
    await runOk('git', ['-C', base.dir, 'add', '-A'])
    const afterTree = (await runOk('git', ['-C', base.dir, 'write-tree'])).stdout.trim()
    expect(tree.json.sha).toBe(afterTree)
    const author = { name: 'Pin Bot', email: 'pin@example.com', date: '2024-05-06T07:08:09Z' }
    // git commit-tree ends the message with a newline; the API stores the message exactly as given
    const commit = await api('POST', `${repoPath}/git/commits`, { message: 'Pin app\n\nbody\n', tree: tree.json.sha, parents: [headSha], author, committer: author })
    expect(commit.status).toBe(201)
    const expected = (await runOk('git', ['-C', base.dir, 'commit-tree', afterTree, '-p', parent, '-m', 'Pin app\n\nbody'], { env: gitEnv(author) })).stdout.trim()
    expect(commit.json.sha).toBe(expected)
    expect(commit.json).toMatchObject({ message: 'Pin app\n\nbody\n', tree: { sha: tree.json.sha }, parents: [{ sha: headSha }], author })
  })

  test('rejects malformed bodies with 422 Invalid request, naming the field', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/git/trees', { base_tree: 'x' }, /"tree" wasn't supplied/],
      ['POST', '/git/trees', { tree: [{ path: 'a', mode: '100600', type: 'blob', content: 'x' }] }, /properties\/mode.*"100600"/],
      ['POST', '/git/trees', { tree: [{ path: 'a', mode: '100644', type: 'blob', sha: 'abc', content: 'x' }] }, /not both/],
      ['POST', '/git/trees', { tree: [{ path: '/abs', mode: '100644', type: 'blob', content: 'x' }] }, /malformed path/],
      ['POST', '/git/blobs', { content: 5 }, /properties\/content.*not a string/],
      ['POST', '/git/blobs', { content: 'x', encoding: 'latin1' }, /encoding/],
      ['POST', '/git/commits', { tree: 'x' }, /"message" wasn't supplied/],
      ['POST', '/git/commits', { message: 'm', tree: 'f'.repeat(40) }, /Tree SHA does not exist/],
      ['POST', '/git/refs', { ref: 'refs/heads/x', sha: 42 }, /properties\/sha/],
      ['POST', '/git/refs', { ref: 'heads/x', sha: gh.branchSha(OWNER, REPO, 'main') }, /Reference name is invalid/],
      ['PATCH', '/git/refs/heads/main', { sha: gh.branchSha(OWNER, REPO, 'main'), force: 'yes' }, /properties\/force.*not a boolean/],
      ['POST', '/pulls', { title: 't', head: 'x' }, /"base" wasn't supplied/],
      ['POST', '/issues/999/comments', {}, /"body" wasn't supplied/]
    ]
    for (const [method, path, body, message] of cases) {
      const r = await api(method, `${repoPath}${path}`, body)
      expect({ path, status: r.status }).toEqual({ path, status: 422 })
      expect(String(r.json.message)).toMatch(message)
    }
    const notJson = await api('POST', `${repoPath}/git/blobs`, '{"content":')
    expect(notJson.status).toBe(400)
    expect(notJson.json.message).toBe('Problems parsing JSON')
  })

  test('refs: create, read, fast-forward only unless force, delete', async () => {
    const main = gh.branchSha(OWNER, REPO, 'main') as string
    const side = gh.commitFiles(OWNER, REPO, 'side', { 'side.txt': 'side\n' })
    const created = await api('POST', `${repoPath}/git/refs`, { ref: 'refs/heads/pin/app', sha: main })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ ref: 'refs/heads/pin/app', object: { sha: main } })
    expect((await api('POST', `${repoPath}/git/refs`, { ref: 'refs/heads/pin/app', sha: main })).json.message).toBe('Reference already exists')
    // Octokit sends {ref} with its slashes percent-encoded
    const enc = await api('GET', `${repoPath}/git/ref/${encodeURIComponent('heads/pin/app')}`)
    expect(enc.status).toBe(200)
    const ff = await api('PATCH', `${repoPath}/git/refs/heads/pin/app`, { sha: side })
    expect(ff.status).toBe(200)
    const back = await api('PATCH', `${repoPath}/git/refs/heads/pin/app`, { sha: main })
    expect(back.status).toBe(422)
    expect(back.json.message).toBe('Update is not a fast forward')
    expect((await api('PATCH', `${repoPath}/git/refs/heads/pin/app`, { sha: main, force: true })).json).toMatchObject({ object: { sha: main } })
    const matching = await api('GET', `${repoPath}/git/matching-refs/heads/pin/`)
    expect(matching.json.map((r) => r.ref)).toEqual(['refs/heads/pin/app'])
    expect((await api('DELETE', `${repoPath}/git/refs/heads/pin/app`)).status).toBe(204)
    expect((await api('GET', `${repoPath}/git/ref/heads/pin/app`)).status).toBe(404)
    expect((await api('DELETE', `${repoPath}/git/refs/heads/pin/app`)).status).toBe(422)
  })

  test('contents: base64 content at a ref, raw media type, directories, 404', async () => {
    const file = await api('GET', `${repoPath}/contents/deploy/k8s.yaml?ref=main`)
    expect(file.status).toBe(200)
    expect(file.json).toMatchObject({ type: 'file', encoding: 'base64', path: 'deploy/k8s.yaml', name: 'k8s.yaml' })
    expect(Buffer.from(String(file.json.content), 'base64').toString('utf8')).toBe(K8S)
    const raw = await fetch(`${gh.url}${repoPath}/contents/deploy/k8s.yaml`, {
      headers: { authorization: `token ${gh.token}`, 'user-agent': 't', accept: 'application/vnd.github.raw' }
    })
    expect(await raw.text()).toBe(K8S)
    const dir = await api('GET', `${repoPath}/contents/deploy`)
    expect(dir.json.map((e) => `${e.type} ${e.path}`)).toEqual(['file deploy/k8s.yaml', 'file deploy/values.yaml'])
    expect((await api('GET', `${repoPath}/contents/deploy/nope.yaml`)).status).toBe(404)
    expect((await api('GET', `${repoPath}/contents/deploy/k8s.yaml?ref=no-such-branch`)).status).toBe(404)
  })

  test('pull requests: create, no duplicates, no empty ones, head=owner:branch filter, update', async () => {
    gh.commitFiles(OWNER, REPO, 'pin/web', { 'deploy/k8s.yaml': K8S.replace('v1', 'v2') })
    const created = await api('POST', `${repoPath}/pulls`, { title: 'Pin web', head: 'pin/web', base: 'main', body: 'first' })
    expect(created.status).toBe(201)
    const n = created.json.number as number
    expect(created.json).toMatchObject({
      state: 'open',
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${n}`,
      head: { ref: 'pin/web', label: `${OWNER}:pin/web`, sha: gh.branchSha(OWNER, REPO, 'pin/web') },
      base: { ref: 'main' },
      user: { login: 'github-actions[bot]' }
    })
    const dup = await api('POST', `${repoPath}/pulls`, { title: 'again', head: `${OWNER}:pin/web`, base: 'main' })
    expect(dup.status).toBe(422)
    expect(JSON.stringify(dup.json.errors)).toContain(`A pull request already exists for ${OWNER}:pin/web.`)
    await api('POST', `${repoPath}/git/refs`, { ref: 'refs/heads/empty', sha: gh.branchSha(OWNER, REPO, 'main') })
    const empty = await api('POST', `${repoPath}/pulls`, { title: 'e', head: 'empty', base: 'main' })
    expect(empty.status).toBe(422)
    expect(JSON.stringify(empty.json.errors)).toContain('No commits between main and empty')

    const byOwner = await api('GET', `${repoPath}/pulls?head=${OWNER}:pin/web&state=open`)
    expect(byOwner.json.map((p) => p.number)).toEqual([n])
    expect((await api('GET', `${repoPath}/pulls?head=${OWNER}:pin/other&state=open`)).json).toEqual([])
    // as on GitHub, a head without "owner:" filters nothing: a client that forgets the owner sees every open PR
    gh.commitFiles(OWNER, REPO, 'pin/other', { 'x.txt': 'x' })
    gh.openPull(OWNER, REPO, { head: 'pin/other' })
    expect((await api('GET', `${repoPath}/pulls?head=pin/nothing-like-this&state=open`)).json).toHaveLength(2)

    const updated = await api('PATCH', `${repoPath}/pulls/${n}`, { body: 'second', title: 'Pin web (2)' })
    expect(updated.json).toMatchObject({ number: n, body: 'second', title: 'Pin web (2)' })
    expect((await api('GET', `${repoPath}/pulls/${n}`)).json).toMatchObject({ body: 'second' })
    const labels = await api('POST', `${repoPath}/issues/${n}/labels`, { labels: ['deploy', 'pinned'] })
    expect(labels.json.map((l) => l.name)).toEqual(['deploy', 'pinned'])
    expect((await api('POST', `${repoPath}/issues/999/labels`, { labels: ['x'] })).status).toBe(404)
    // deleting the head branch closes the pull request, as GitHub does
    await api('DELETE', `${repoPath}/git/refs/heads/pin/other`)
    expect((await api('GET', `${repoPath}/pulls?state=open`)).json.map((p) => p.number)).toEqual([n])
  })

  test('issue comments: paginated with Link headers, create, update', async () => {
    gh.commitFiles(OWNER, REPO, 'pin/comments', { 'c.txt': 'c' })
    const pr = gh.openPull(OWNER, REPO, { head: 'pin/comments' })
    for (let i = 0; i < 5; i++) gh.addComment(OWNER, REPO, pr.number, `comment ${i}`)
    const first = await api('GET', `${repoPath}/issues/${pr.number}/comments?per_page=2`)
    expect(first.json.map((c) => c.body)).toEqual(['comment 0', 'comment 1'])
    const link = first.headers.get('link') ?? ''
    expect(link).toMatch(/rel="next"/)
    expect(link).toMatch(/rel="last"/)
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] as string
    expect(next).toContain(`/repositories/${gh.repo(OWNER, REPO).id}/issues/${pr.number}/comments`)
    const second = await api('GET', next.slice(gh.url.length))
    expect(second.json.map((c) => c.body)).toEqual(['comment 2', 'comment 3'])
    const last = await api('GET', `${repoPath}/issues/${pr.number}/comments?per_page=2&page=3`)
    expect(last.json.map((c) => c.body)).toEqual(['comment 4'])
    expect(last.headers.get('link')).not.toMatch(/rel="next"/)

    const posted = await api('POST', `${repoPath}/issues/${pr.number}/comments`, { body: '<!-- pin -->\nhello' })
    expect(posted.status).toBe(201)
    expect(posted.json).toMatchObject({ body: '<!-- pin -->\nhello', user: { login: 'github-actions[bot]', type: 'Bot' } })
    const patched = await api('PATCH', `${repoPath}/issues/comments/${String(posted.json.id)}`, { body: '<!-- pin -->\nbye' })
    expect(patched.json).toMatchObject({ id: posted.json.id, body: '<!-- pin -->\nbye' })
    expect(gh.repo(OWNER, REPO).comments.get(posted.json.id as number)?.body).toBe('<!-- pin -->\nbye')
    expect((await api('PATCH', `${repoPath}/issues/comments/1`, { body: 'x' })).status).toBe(404)
  })

  test('permissions and faults: a read-only token gets 403 on writes; fail() answers any status on a chosen route', async () => {
    const ro = await startFakeGitHub({ permissions: { contents: 'read', 'pull-requests': 'read', issues: 'read' } })
    try {
      ro.seedRepo({ owner: OWNER, repo: REPO, files: SEED_FILES })
      const call = (method: string, path: string, body?: unknown): Promise<Response> =>
        fetch(`${ro.url}${repoPath}${path}`, { method, headers: { authorization: `Bearer ${ro.token}`, 'user-agent': 't' }, body: body === undefined ? undefined : JSON.stringify(body) })
      expect((await call('GET', '/git/ref/heads/main')).status).toBe(200)
      const denied = await call('POST', '/git/blobs', { content: 'x' })
      expect(denied.status).toBe(403)
      expect(denied.headers.get('x-accepted-github-permissions')).toBe('contents=write')
      expect(await denied.json()).toMatchObject({ message: 'Resource not accessible by integration', status: '403' })
      expect((await call('POST', '/pulls', { title: 't', head: 'main', base: 'main' })).status).toBe(403)
      ro.permissions.contents = 'write'
      expect((await call('POST', '/git/blobs', { content: 'x' })).status).toBe(201)
      ro.fail({ route: 'POST /repos/{owner}/{repo}/git/blobs', status: 404, times: 1 })
      expect((await call('POST', '/git/blobs', { content: 'x' })).status).toBe(404)
      expect((await call('POST', '/git/blobs', { content: 'x' })).status).toBe(201)
      ro.fail({ method: 'GET', path: /\/contents\//, status: 403 })
      expect((await call('GET', '/contents/README.md')).status).toBe(403)
      ro.clearFaults()
      expect((await call('GET', '/contents/README.md')).status).toBe(200)
    } finally {
      await ro.stop()
    }
  })

  test('the request log: routes, statuses, writes(), and where the token turns up', async () => {
    const log = await startFakeGitHub()
    try {
      log.seedRepo({ owner: OWNER, repo: REPO })
      const h = { authorization: `token ${log.token}`, 'user-agent': 't' }
      await fetch(`${log.url}${repoPath}/git/ref/heads/main`, { headers: h })
      await fetch(`${log.url}${repoPath}/pulls?head=${OWNER}:x`, { headers: h })
      expect(log.writes()).toEqual([])
      expect(log.requests.map((r) => `${r.status} ${r.route}`)).toEqual([
        '200 GET /repos/{owner}/{repo}/git/ref/{ref+}',
        '200 GET /repos/{owner}/{repo}/pulls'
      ])
      expect(log.tokenLeaks()).toEqual([])
      await fetch(`${log.url}${repoPath}/git/blobs`, { method: 'POST', headers: { ...h, 'x-debug': log.token }, body: JSON.stringify({ content: `token=${log.token}` }) })
      expect(log.writes().map((r) => [r.method, r.route, r.body])).toEqual([['POST', 'POST /repos/{owner}/{repo}/git/blobs', { content: `token=${log.token}` }]])
      expect(log.tokenLeaks()).toEqual([`POST ${repoPath}/git/blobs: in the body`, `POST ${repoPath}/git/blobs: in header x-debug`])
      log.clearLog()
      expect(log.requests).toEqual([])
    } finally {
      await log.stop()
    }
  })
})

describe('fake GitHub through @actions/github getOctokit (what the action sends)', () => {
  test('the pin-and-PR flow and the sticky comment work end to end with Octokit', async () => {
    const fake = await startFakeGitHub()
    const saved = process.env.GITHUB_API_URL
    try {
      fake.seedRepo({ owner: OWNER, repo: REPO, files: SEED_FILES })
      // @actions/github reads GITHUB_API_URL when it is loaded, as in the bundled action
      process.env.GITHUB_API_URL = fake.url
      const { getOctokit } = await import('@actions/github')
      const octokit = getOctokit(fake.token)
      const o = { owner: OWNER, repo: REPO }

      const meta = await octokit.rest.repos.get(o)
      expect(meta.data.default_branch).toBe('main')
      const baseRef = await octokit.rest.git.getRef({ ...o, ref: 'heads/main' })
      expect((await octokit.rest.repos.getCommit({ ...o, ref: 'main' })).data).toMatchObject({ sha: baseRef.data.object.sha, commit: { tree: { sha: expect.any(String) } } })
      const baseCommit = await octokit.rest.git.getCommit({ ...o, commit_sha: baseRef.data.object.sha })
      const current = await octokit.rest.repos.getContent({ ...o, path: 'deploy/k8s.yaml', ref: 'main' })
      const text = Buffer.from((current.data as { content: string }).content, 'base64').toString('utf8')
      expect(text).toBe(K8S)

      const pinned = text.replace('app:v1', `app:v1@sha256:${'b'.repeat(64)}`)
      const blob = await octokit.rest.git.createBlob({ ...o, content: Buffer.from(pinned).toString('base64'), encoding: 'base64' })
      const tree = await octokit.rest.git.createTree({ ...o, base_tree: baseCommit.data.tree.sha, tree: [{ path: 'deploy/k8s.yaml', mode: '100644', type: 'blob', sha: blob.data.sha }] })
      const commit = await octokit.rest.git.createCommit({ ...o, message: 'Pin app', tree: tree.data.sha, parents: [baseRef.data.object.sha] })
      await octokit.rest.git.createRef({ ...o, ref: 'refs/heads/pin/app', sha: commit.data.sha })
      const open = await octokit.rest.pulls.list({ ...o, head: `${OWNER}:pin/app`, state: 'open' })
      expect(open.data).toEqual([])
      const pr = await octokit.rest.pulls.create({ ...o, head: 'pin/app', base: 'main', title: 'Pin app', body: 'b1' })
      await octokit.rest.issues.addLabels({ ...o, issue_number: pr.data.number, labels: ['deploy'] })
      expect(fake.files(OWNER, REPO, 'pin/app').get('deploy/k8s.yaml')).toBe(pinned)
      expect(fake.files(OWNER, REPO, 'pin/app').get('deploy/values.yaml')).toBe(SEED_FILES['deploy/values.yaml'])

      // second run: force-update the branch from the (moved) base and update the PR found by head
      const moved = fake.commitFiles(OWNER, REPO, 'main', { 'other.txt': 'o' })
      const tree2 = await octokit.rest.git.createTree({ ...o, base_tree: (await octokit.rest.git.getCommit({ ...o, commit_sha: moved })).data.tree.sha, tree: [{ path: 'deploy/k8s.yaml', mode: '100644', type: 'blob', content: pinned }] })
      const commit2 = await octokit.rest.git.createCommit({ ...o, message: 'Pin app again', tree: tree2.data.sha, parents: [moved] })
      await expect(octokit.rest.git.updateRef({ ...o, ref: 'heads/pin/app', sha: commit2.data.sha })).rejects.toMatchObject({ status: 422 })
      await octokit.rest.git.updateRef({ ...o, ref: 'heads/pin/app', sha: commit2.data.sha, force: true })
      const found = await octokit.rest.pulls.list({ ...o, head: `${OWNER}:pin/app`, state: 'open' })
      expect(found.data.map((p) => p.number)).toEqual([pr.data.number])
      await octokit.rest.pulls.update({ ...o, pull_number: pr.data.number, body: 'b2' })
      expect((await octokit.rest.pulls.get({ ...o, pull_number: pr.data.number })).data).toMatchObject({ body: 'b2', head: { sha: commit2.data.sha } })
      await expect(octokit.rest.pulls.create({ ...o, head: 'pin/app', base: 'main', title: 'dup' })).rejects.toMatchObject({ status: 422 })

      // sticky comment: 150 comments from others, found by marker through pagination, then updated
      for (let i = 0; i < 150; i++) fake.addComment(OWNER, REPO, pr.data.number, `noise ${i}`)
      const mine = await octokit.rest.issues.createComment({ ...o, issue_number: pr.data.number, body: '<!-- pinned-build -->\nv1' })
      const all = await octokit.paginate(octokit.rest.issues.listComments, { ...o, issue_number: pr.data.number, per_page: 100 })
      expect(all).toHaveLength(151)
      const sticky = all.find((c) => c.body?.startsWith('<!-- pinned-build -->'))
      expect(sticky?.id).toBe(mine.data.id)
      await octokit.rest.issues.updateComment({ ...o, comment_id: mine.data.id, body: '<!-- pinned-build -->\nv2' })
      expect(fake.repo(OWNER, REPO).comments.get(mine.data.id)?.body).toBe('<!-- pinned-build -->\nv2')

      // what Octokit sends: its media type and user agent; the token only in Authorization
      const sample = fake.requests[0]
      expect(sample?.headers.accept).toBe('application/vnd.github.v3+json')
      expect(sample?.headers['user-agent']).toMatch(/octokit/)
      expect(fake.requests.every((r) => r.status < 500)).toBe(true)
      expect(fake.tokenLeaks()).toEqual([])

      // a 403 reaches the caller as a RequestError with GitHub's message
      fake.permissions.contents = 'read'
      await expect(octokit.rest.git.createBlob({ ...o, content: 'x' })).rejects.toMatchObject({ status: 403, message: expect.stringContaining('Resource not accessible by integration') })
      const bad = getOctokit('ghs_not_the_token')
      await expect(bad.rest.repos.get(o)).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Bad credentials') })
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL
      else process.env.GITHUB_API_URL = saved
      await fake.stop()
    }
  })
})
