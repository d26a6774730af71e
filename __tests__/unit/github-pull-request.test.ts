import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/action/errors'
import { PR_MARKER } from '../../src/github/body'
import type { GitHubInputs } from '../../src/github/inputs'
import { publishPullRequest, type PullRequestContext, type PullRequestOutcome } from '../../src/github/pull-request'
import type { PinReport } from '../../src/github/report'
import { ownImageRule } from '../../src/pin/rules'
import { captureStdout } from '../helpers/capture'
import { FakeGitHubApi } from '../helpers/fake-github-api'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`
const K8S = 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:v1\n'
const COMPOSE = 'services:\n  web:\n    image: ghcr.io/acme/app\n  db:\n    image: postgres:16\n'
const OTHER = 'image: nginx:1.27\n'
const repo = { owner: 'acme', repo: 'app' }

function report(digest: string, files = ['deploy/k8s.yaml', 'compose.yaml', 'other.yaml']): PinReport {
  return {
    subject: 'ghcr.io/acme/app',
    key: 'image ghcr.io/acme/app',
    branch: 'pin/ghcr.io-acme-app',
    references: [{ reference: `ghcr.io/acme/app@${digest}`, digest }],
    labels: [
      { name: 'build-number', value: '42', url: 'https://github.com/acme/app/actions/runs/4242' },
      { name: 'git-commit', value: 'c'.repeat(40), url: `https://github.com/acme/app/commit/${'c'.repeat(40)}` }
    ],
    commit: { sha: 'c'.repeat(40), url: `https://github.com/acme/app/commit/${'c'.repeat(40)}` },
    run: { number: '42', attempt: '1', url: 'https://github.com/acme/app/actions/runs/4242' },
    pins: { files, rule: ownImageRule({ registry: 'ghcr.io', repository: 'acme/app' }, ['v1'], digest) }
  }
}

const plain = (body: string | undefined): string => (body ?? '').replace(/<wbr>/g, '')

const inputs = (over: Partial<GitHubInputs> = {}): GitHubInputs => ({ pullRequest: true, comment: false, token: 't', prLabels: [], ...over })

async function run(api: FakeGitHubApi, c: Partial<PullRequestContext> = {}): Promise<{ result?: PullRequestOutcome; error?: unknown; out: string }> {
  return captureStdout(() => publishPullRequest({ api, repo, inputs: inputs(), report: report(D1), payloadDefaultBranch: 'main', ...c }))
}

const seeded = (): FakeGitHubApi => new FakeGitHubApi({ 'deploy/k8s.yaml': K8S, 'compose.yaml': COMPOSE, 'other.yaml': OTHER, 'README.md': '# app\n' })

describe('publishPullRequest', () => {
  it('commits exactly the changed files on top of the base head and opens a pull request', async () => {
    const api = seeded()
    const base = api.branches.get('main') as string
    const { result, error } = await run(api, { inputs: inputs({ prLabels: ['deploy', 'pins'] }) })
    expect(error).toBeUndefined()
    expect(result).toMatchObject({ operation: 'created', branch: 'pin/ghcr.io-acme-app', base: 'main', pull: { number: expect.any(Number) } })
    const head = api.branches.get('pin/ghcr.io-acme-app') as string
    const commit = api.commits.get(head)
    expect(commit?.parents).toEqual([base])
    expect(commit?.message).toContain('ghcr.io/acme/app')
    expect(commit?.message).toContain(D1)
    expect(commit?.message).toContain('https://github.com/acme/app/actions/runs/4242')
    const files = api.files('pin/ghcr.io-acme-app')
    expect(files.get('deploy/k8s.yaml')).toBe(K8S.replace('app:v1', `app:v1@${D1}`))
    expect(files.get('compose.yaml')).toBe(COMPOSE.replace('image: ghcr.io/acme/app\n', `image: ghcr.io/acme/app:v1@${D1}\n`))
    // unchanged files are the base's (the tree sits on top of the base tree)
    expect(files.get('other.yaml')).toBe(OTHER)
    expect(files.get('README.md')).toBe('# app\n')
    expect(api.calls.filter((c) => c === 'createBlob')).toHaveLength(2)
    const pull = api.pulls[0]
    expect(pull).toMatchObject({ head: 'pin/ghcr.io-acme-app', base: 'main', title: 'Pin ghcr.io/acme/app to sha256:111111111111', labels: ['deploy', 'pins'] })
    expect(pull?.body.startsWith(PR_MARKER)).toBe(true)
    expect(pull?.body).toContain(`ghcr.io/acme/app@${D1}`)
    expect(plain(pull?.body)).toContain(`<tr><td><code>deploy/k8s.yaml</code></td><td>7</td><td><code>ghcr.io/acme/app:v1</code></td><td><code>ghcr.io/acme/app:v1@${D1}</code></td></tr>`)
    expect(plain(pull?.body)).toContain('<tr><td><code>build-number</code></td><td><a href="https://github.com/acme/app/actions/runs/4242"><code>42</code></a></td></tr>')
    expect(api.calls).not.toContain('defaultBranch')
  })

  it('re-pins the base branch version of a file, keeping what landed there after the workspace commit', async () => {
    const api = seeded()
    const moved = K8S.replace('name: app', 'name: app-renamed')
    api.commitFiles('main', { 'deploy/k8s.yaml': moved })
    await run(api)
    expect(api.files('pin/ghcr.io-acme-app').get('deploy/k8s.yaml')).toBe(moved.replace('app:v1', `app:v1@${D1}`))
  })

  it('writes nothing when the base already pins the digest', async () => {
    const api = new FakeGitHubApi({ 'deploy/k8s.yaml': K8S.replace('app:v1', `app:v1@${D1}`) })
    const { result } = await run(api, { report: report(D1, ['deploy/k8s.yaml']) })
    expect(result).toMatchObject({ operation: 'none', files: [] })
    expect(result?.reason).toContain('already pin')
    expect(api.writes()).toEqual([])
    expect(api.calls).not.toContain('openPulls')
  })

  it('a second run with a new digest updates the same pull request and force-moves its branch', async () => {
    const api = seeded()
    const first = await run(api)
    const { result } = await run(api, { report: report(D2) })
    expect(result).toMatchObject({ operation: 'updated', pull: first.result?.pull })
    expect(api.pulls).toHaveLength(1)
    expect(api.calls.filter((c) => c === 'createPull')).toHaveLength(1)
    expect(api.calls).toContain('forceRef')
    expect(api.files('pin/ghcr.io-acme-app').get('deploy/k8s.yaml')).toBe(K8S.replace('app:v1', `app:v1@${D2}`))
    expect(api.commits.get(api.branches.get('pin/ghcr.io-acme-app') as string)?.parents).toEqual([api.branches.get('main')])
    expect(api.pulls[0]?.body).toContain(D2)
    expect(api.pulls[0]?.body).not.toContain(D1)
  })

  it('a re-run that would write the same files and body writes only blobs and the tree (content-addressed), no commit', async () => {
    const api = seeded()
    const first = await run(api)
    const head = api.branches.get('pin/ghcr.io-acme-app')
    const before = api.calls.length
    const { result } = await run(api)
    expect(result).toMatchObject({ operation: 'none', pull: first.result?.pull })
    expect(api.branches.get('pin/ghcr.io-acme-app')).toBe(head)
    expect(api.calls.slice(before).filter((c) => /^(createCommit|forceRef|createRef|updatePull|createPull)$/.test(c))).toEqual([])
  })

  it('a branch left behind without a pull request is reused: force-moved, then the pull request opened', async () => {
    const api = seeded()
    api.branches.set('pin/ghcr.io-acme-app', api.branches.get('main') as string)
    const { result } = await run(api)
    expect(result?.operation).toBe('created')
    expect(api.calls).toContain('forceRef')
    expect(api.calls).not.toContain('createRef')
  })

  it('403 → the permissions the job needs and the fork rule, and nothing written', async () => {
    const api = seeded()
    api.failOn('createBlob', 403)
    const { error } = await run(api)
    expect(error).toBeInstanceOf(ActionError)
    const text = (error as ActionError).describe()
    expect(text).toContain('GitHub answered 403 Resource not accessible by integration')
    expect(text).toContain('permissions:\n  contents: write\n  pull-requests: write')
    expect(text).toContain('forks GITHUB_TOKEN is read-only')
    expect(text).toContain('(it asks for contents=write)')
    expect(api.branches.has('pin/ghcr.io-acme-app')).toBe(false)
  })

  it('names the fork when the event comes from one', async () => {
    const api = seeded()
    api.failOn('createBlob', 403)
    const { error } = await run(api, { fork: 'someone/app' })
    expect((error as ActionError).describe()).toContain('pull request from the fork someone/app: there GITHUB_TOKEN is read-only')
  })

  it('deletes the branch it created when the pull request cannot be opened (404), and says what to grant', async () => {
    const api = seeded()
    api.failOn('createPull', 404)
    const { error } = await run(api)
    expect((error as ActionError).describe()).toContain('Could not open a pull request from pin/ghcr.io-acme-app into main: GitHub answered 404')
    expect(api.calls).toContain('createRef')
    expect(api.calls).toContain('deleteRef')
    expect(api.branches.has('pin/ghcr.io-acme-app')).toBe(false)
  })

  it('keeps an existing branch when updating its pull request fails (the next run reuses it)', async () => {
    const api = seeded()
    await run(api)
    api.failOn('updatePull', 403)
    const { error } = await run(api, { report: report(D2) })
    expect(error).toBeInstanceOf(ActionError)
    expect(api.calls).not.toContain('deleteRef')
    expect(api.branches.has('pin/ghcr.io-acme-app')).toBe(true)
  })

  it('a 401 says the token was not accepted', async () => {
    const api = seeded()
    api.failOn('branch', 401, { message: 'Bad credentials' })
    const { error } = await run(api)
    expect((error as ActionError).describe()).toMatch(/401 Bad credentials .*the token was not accepted/)
  })

  it('uses pr-branch, pr-base and pr-title, and asks the API for the default branch when the payload has none', async () => {
    const api = seeded()
    api.defaultBranchName = 'main'
    const { result } = await run(api, { payloadDefaultBranch: undefined, inputs: inputs({ prBranch: 'deploy/pins', prTitle: 'Deploy pins' }) })
    expect(api.calls).toContain('defaultBranch')
    expect(result).toMatchObject({ branch: 'deploy/pins', operation: 'created' })
    expect(api.pulls[0]?.title).toBe('Deploy pins')
    api.commitFiles('main', {})
    api.branches.set('release', api.branches.get('main') as string)
    const other = await run(api, { inputs: inputs({ prBranch: 'deploy/pins-release', prBase: 'release' }) })
    expect(other.result).toMatchObject({ base: 'release', operation: 'created' })
  })

  it('a base branch that does not exist is an error naming pr-base', async () => {
    const { error } = await run(seeded(), { inputs: inputs({ prBase: 'nope' }) })
    expect((error as ActionError).describe()).toContain("The base branch nope does not exist in acme/app\nFix: set 'pr-base'")
  })

  it('leaves out a file the base does not have, with a warning', async () => {
    const api = seeded()
    const { result, out } = await run(api, { report: report(D1, ['deploy/k8s.yaml', 'generated.yaml']) })
    expect(out).toContain('::warning::generated.yaml is not a file on main: it is left out of the pull request')
    expect(result?.files.map((f) => f.path)).toEqual(['deploy/k8s.yaml'])
  })

  it('keeps the executable bit, and reads files one by one when the tree listing is truncated', async () => {
    const api = new FakeGitHubApi({ 'deploy/k8s.yaml': K8S, 'run.Dockerfile': 'FROM ghcr.io/acme/app:v1\n' }, { modes: { 'deploy/k8s.yaml': '100755' } })
    await run(api, { report: report(D1, ['deploy/k8s.yaml']) })
    const tree = api.trees.get(api.commits.get(api.branches.get('pin/ghcr.io-acme-app') as string)?.tree as string)
    expect(tree?.get('deploy/k8s.yaml')?.mode).toBe('100755')

    const big = new FakeGitHubApi({ 'run.Dockerfile': 'FROM ghcr.io/acme/app:v1\n' })
    big.truncated = true
    await run(big, { report: report(D1, ['run.Dockerfile']) })
    expect(big.calls).toContain('fileAt')
    expect(big.files('pin/ghcr.io-acme-app').get('run.Dockerfile')).toBe(`FROM ghcr.io/acme/app:v1@${D1}\n`)
  })

  it('refuses a pull request branch that is the base', async () => {
    const { error } = await run(seeded(), { inputs: inputs({ prBranch: 'main' }) })
    expect((error as ActionError).describe()).toContain('is the base branch')
  })
})
