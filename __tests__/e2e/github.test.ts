/**
 * The pull request with the pinned files and the sticky comment (issue 11), for both bundled actions run as the runner
 * runs them, with GITHUB_API_URL pointing at the fake GitHub REST API (support/fake-github.ts): real git object
 * hashing, request shapes, token and permission checks. The registry is the real distribution registry.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { dockerRmi } from './support/docker'
import { startFakeGitHub, type FakeGitHub } from './support/fake-github'
import { repoRoot } from './support/node24'
import { pushTestImage } from './support/oci-fixture'
import { startRegistry, type TestRegistry } from './support/registry'
import { cleanupActionRuns, runAction, type ActionRun, type RunActionOptions } from './support/run-action'
import { assertNoSecrets, scanRun } from './support/secrets'
import { makeWorkspace, type Workspace } from './support/workspace'

const RESOLVE_ENTRY = join(repoRoot, 'dist', 'resolve', 'index.js')
const BUILD_ENTRY = join(repoRoot, 'dist', 'index.js')
const OWNER = 'acme'
const REPO = 'demo'

let reg: TestRegistry
let gh: FakeGitHub
const cleanups: Array<() => Promise<void>> = []

const k8s = (image: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`

beforeAll(async () => {
  for (const entry of [RESOLVE_ENTRY, BUILD_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run bundle' before the e2e tests`)
  }
  reg = await startRegistry()
  cleanups.push(() => reg.stop())
  gh = await startFakeGitHub()
  cleanups.push(() => gh.stop())
}, 120_000)

afterAll(async () => {
  await cleanupActionRuns()
  for (const c of cleanups.reverse()) await c()
})

async function workspace(files: Record<string, string>): Promise<Workspace> {
  const ws = await makeWorkspace({ files })
  cleanups.push(ws.cleanup)
  return ws
}

function act(entry: string, ws: Workspace, inputs: Record<string, string>, more: Partial<RunActionOptions> = {}): Promise<ActionRun> {
  return runAction({
    entry,
    workspace: ws.dir,
    inputs: { token: gh.token, ...inputs },
    github: { repository: `${OWNER}/${REPO}` },
    ...more,
    env: { GITHUB_API_URL: gh.url, ...more.env }
  })
}

/** An HTML body without its line-break points (`<wbr>`), as its text reads. */
const plain = (body: string | null | undefined): string => (body ?? '').replace(/<wbr>/g, '')

function noSecrets(run: ActionRun): void {
  assertNoSecrets(scanRun(run, [{ name: 'token', value: gh.token }]), 'GitHub token')
  expect(gh.tokenLeaks()).toEqual([])
}

/** The files a branch holds that differ from (or are missing on) `base`. */
function changedAgainst(repo: string, branch: string, base: string): Map<string, string> {
  const b = gh.files(OWNER, repo, base)
  return new Map([...gh.files(OWNER, repo, branch)].filter(([p, c]) => b.get(p) !== c))
}

describe('resolve: pull request with the pinned files', () => {
  const repoName = REPO
  let ws: Workspace
  let image: string
  let d1: string

  beforeAll(async () => {
    image = `${reg.host}/e2e/app`
    d1 = (await pushTestImage(reg, 'e2e/app', 'v1', { salt: 'one' })).digest
    const files = { 'deploy/k8s.yaml': k8s(`${image}:v1`), 'deploy/static.yaml': k8s('nginx:1.27'), 'README.md': '# demo\n' }
    gh.seedRepo({ owner: OWNER, repo: repoName, files })
    ws = await workspace(files)
  }, 60_000)

  test('opens one pull request whose commit holds exactly the changed file, pinned, on top of the base head', async () => {
    const baseHead = gh.branchSha(OWNER, repoName, 'main') as string
    const run = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, files: 'deploy/*.yaml', 'pull-request': 'true', 'pr-labels': 'deploy' })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.outputs['pull-request-operation']).toBe('created')
    const pulls = [...gh.repo(OWNER, repoName).pulls.values()]
    expect(pulls).toHaveLength(1)
    const pr = pulls[0] as (typeof pulls)[number]
    expect(run.outputs['pull-request-number']).toBe(String(pr.number))
    expect(run.outputs['pull-request-url']).toBe(`https://github.com/${OWNER}/${repoName}/pull/${pr.number}`)
    expect(pr).toMatchObject({ head: 'pin/images', base: 'main', state: 'open', title: `Pin ${image}:v1 to ${d1.slice(0, 19)}` })
    expect(gh.repo(OWNER, repoName).labels.get(pr.number)).toEqual(['deploy'])

    expect(changedAgainst(repoName, 'pin/images', 'main')).toEqual(new Map([['deploy/k8s.yaml', k8s(`${image}:v1@${d1}`)]]))
    const head = gh.branchSha(OWNER, repoName, 'pin/images') as string
    const commit = gh.repo(OWNER, repoName).git.commit(head)
    expect(commit?.parents).toEqual([baseHead])
    expect(commit?.message).toContain(`${image}:v1@${d1}`)
    expect(commit?.message).toContain('https://github.com/acme/demo/actions/runs/4242424242')
    expect(plain(pr.body)).toContain(`<tr><td><code>deploy/k8s.yaml</code></td><td>10</td><td><code>${image}:v1</code></td><td><code>${image}:v1@${d1}</code></td></tr>`)
    expect(run.summary).toContain(`Pull request [#${pr.number}](https://github.com/${OWNER}/${repoName}/pull/${pr.number}) created`)
    noSecrets(run)
  })

  test('a second run with a new digest updates the same pull request; the same digest again writes no commit', async () => {
    const before = [...gh.repo(OWNER, repoName).pulls.values()][0]
    const d2 = (await pushTestImage(reg, 'e2e/app', 'v1', { salt: 'two' })).digest
    expect(d2).not.toBe(d1)
    const run = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, files: 'deploy/*.yaml', 'pull-request': 'true' })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ 'pull-request-operation': 'updated', 'pull-request-number': String(before?.number) })
    expect(gh.repo(OWNER, repoName).pulls.size).toBe(1)
    expect(changedAgainst(repoName, 'pin/images', 'main')).toEqual(new Map([['deploy/k8s.yaml', k8s(`${image}:v1@${d2}`)]]))
    expect(gh.repo(OWNER, repoName).git.commit(gh.branchSha(OWNER, repoName, 'pin/images') as string)?.parents).toEqual([gh.branchSha(OWNER, repoName, 'main')])
    expect(gh.repo(OWNER, repoName).pulls.get(before?.number as number)?.body).toContain(d2)

    const head = gh.branchSha(OWNER, repoName, 'pin/images')
    gh.clearLog()
    const again = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, files: 'deploy/*.yaml', 'pull-request': 'true' })
    expect(again.code).toBe(0)
    expect(gh.branchSha(OWNER, repoName, 'pin/images')).toBe(head)
    expect(gh.writes().map((w) => w.route).filter((r) => !/git\/(blobs|trees)$/.test(r))).toEqual(
      // the run link in the body changed (another run): the body is updated, nothing else
      again.outputs['pull-request-operation'] === 'updated' ? ['PATCH /repos/{owner}/{repo}/pulls/{number}'] : []
    )
    noSecrets(again)
  })

  test('nothing to change on the base: no write request at all, and the step says so', async () => {
    const d = (await pushTestImage(reg, 'e2e/app', 'v1', { salt: 'three' })).digest
    gh.commitFiles(OWNER, repoName, 'main', { 'deploy/k8s.yaml': k8s(`${image}:v1@${d}`) }, 'pin by hand')
    gh.clearLog()
    const run = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, files: 'deploy/*.yaml', 'pull-request': 'true' })
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({ 'pull-request-operation': 'none', 'pull-request-url': '', 'pull-request-number': '' })
    expect(run.stdout).toContain('No pull request: the deploy files on main already pin this digest')
    expect(gh.writes()).toEqual([])
    expect(gh.requests.length).toBeGreaterThan(0)
  })

  test('403 (contents: read) fails with the permissions the job needs, sets no outputs, leaves no branch', async () => {
    gh.seedRepo({ owner: OWNER, repo: 'readonly', files: { 'deploy/k8s.yaml': k8s(`${image}:v1`) } })
    gh.permissions.contents = 'read'
    try {
      const run = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, files: 'deploy/k8s.yaml', 'pull-request': 'true' }, { github: { repository: `${OWNER}/readonly` } })
      expect(run.code).toBe(1)
      expect(run.stdout).toContain('GitHub answered 403 Resource not accessible by integration to POST /repos/{owner}/{repo}/git/blobs')
      expect(run.stdout).toContain('contents: write%0A  pull-requests: write')
      expect(run.stdout).toContain('GITHUB_TOKEN is read-only')
      expect(run.outputs).toEqual({})
      expect(gh.branchSha(OWNER, 'readonly', 'pin/images')).toBeUndefined()
      noSecrets(run)
    } finally {
      gh.permissions.contents = 'write'
    }
  })
})

describe('comment on the pull request', () => {
  let ws: Workspace
  let image: string
  let number: number

  beforeAll(async () => {
    image = `${reg.host}/e2e/commented`
    await pushTestImage(reg, 'e2e/commented', 'v1', { salt: 'c1' })
    gh.seedRepo({ owner: OWNER, repo: 'commented', files: { 'README.md': '# x\n' } })
    gh.commitFiles(OWNER, 'commented', 'feature', { 'a.txt': 'a\n' })
    number = gh.openPull(OWNER, 'commented', { head: 'feature', title: 'Feature' }).number
    gh.addComment(OWNER, 'commented', number, 'looks good')
    ws = await workspace({})
  }, 60_000)

  const prEvent = (): RunActionOptions['event'] => ({
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number,
      pull_request: { number, head: { sha: ws.sha, ref: 'feature', repo: { full_name: `${OWNER}/commented` } }, base: { ref: 'main', repo: { full_name: `${OWNER}/commented` } } },
      repository: { full_name: `${OWNER}/commented`, default_branch: 'main' }
    }
  })

  test('created once, then updated in place (never a second one), the pinned reference in a copyable block', async () => {
    const opts = { github: { repository: `${OWNER}/commented`, ref: `refs/pull/${number}/merge` }, event: prEvent(), env: { GITHUB_HEAD_REF: 'feature' } }
    const first = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, comment: 'true' }, opts)
    expect(first.code).toBe(0)
    const mine = (): Array<{ id: number; body: string }> => [...gh.repo(OWNER, 'commented').comments.values()].filter((c) => c.body.includes('pinned-build:comment'))
    expect(mine()).toHaveLength(1)
    const id = mine()[0]?.id
    expect(first.outputs['comment-url']).toContain(`#issuecomment-${id}`)
    const d2 = (await pushTestImage(reg, 'e2e/commented', 'v1', { salt: 'c2' })).digest
    const second = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, comment: 'true' }, opts)
    expect(second.code).toBe(0)
    expect(mine()).toHaveLength(1)
    expect(mine()[0]?.id).toBe(id)
    expect(mine()[0]?.body).toContain(`\`\`\`text\n${image}:v1@${d2}\n\`\`\``)
    expect([...gh.repo(OWNER, 'commented').comments.values()].map((c) => c.body)).toContain('looks good')
    noSecrets(second)
  })

  test('on a push event: a notice, not a failure', async () => {
    const run = await act(RESOLVE_ENTRY, ws, { images: `${image}:v1`, comment: 'true' }, { github: { repository: `${OWNER}/commented` } })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/::notice title=No pull request comment::'comment' applies to pull_request events only/)
  })
})

describe('build: pull request with the pinned files', () => {
  const built: string[] = []
  afterAll(async () => {
    await dockerRmi(built)
  })

  test('build → push → read back → pull request with the digest the registry holds', async () => {
    const image = `${reg.host}/e2e/built`
    const files = { 'deploy/k8s.yaml': k8s(`${image}:old`), 'README.md': '# built\n' }
    gh.seedRepo({ owner: OWNER, repo: 'built', files })
    const ws = await workspace(files)
    const run = await act(BUILD_ENTRY, ws, { image, tags: 'v1', files: 'deploy/k8s.yaml', 'pull-request': 'true' }, { github: { repository: `${OWNER}/built` } })
    built.push(`${image}:v1`)
    expect(run.code).toBe(0)
    const digest = run.outputs.digest as string
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(run.outputs['pull-request-operation']).toBe('created')
    const branch = `pin/${reg.host.replace(':', '-')}-e2e-built`
    expect(changedAgainst('built', branch, 'main')).toEqual(new Map([['deploy/k8s.yaml', k8s(`${image}:v1@${digest}`)]]))
    const pr = [...gh.repo(OWNER, 'built').pulls.values()][0]
    expect(pr?.head).toBe(branch)
    expect(plain(pr?.body)).toContain(`<tr><td><code>git-commit</code></td><td><a href="https://github.com/${OWNER}/built/commit/${ws.sha}"><code>${ws.sha}</code></a></td></tr>`)
    expect(plain(pr?.body)).toContain('<tr><td><code>build-number</code></td><td><a href="https://github.com/acme/built/actions/runs/4242424242"><code>42</code></a></td></tr>')
    noSecrets(run)
  }, 180_000)
})
