/**
 * Labels and tags end to end: dist/index.js under Node 24 the runner's way, a real dockerd and a real distribution
 * registry; every claim is checked against what the registry holds (skopeo), not against the action's own outputs.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dockerRmi } from './support/docker'
import { skopeoConfig, skopeoDigest } from './support/inspect'
import { repoRoot } from './support/node24'
import { run } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

const MERGE_SHA = '9'.repeat(40)
/** makeWorkspace commits at this fixed date, so the commit's time is known. */
const COMMIT_TIME = '2024-01-01T12:00:00Z'
const prPayload = JSON.parse(readFileSync(join(repoRoot, '__tests__/fixtures/events/pull_request.json'), 'utf8')) as {
  pull_request: { head: { sha: string } }
}

let reg: TestRegistry
const workspaces: Workspace[] = []
const localRefs: string[] = []

beforeAll(async () => {
  reg = await startRegistry({ auth: 'anonymous' })
})

afterAll(async () => {
  await dockerRmi(localRefs)
  await Promise.all(workspaces.map((w) => w.cleanup()))
  await cleanupActionRuns()
  await reg?.stop()
})

async function workspace(): Promise<Workspace> {
  const ws = await makeWorkspace()
  workspaces.push(ws)
  return ws
}

/** Fails with the action's own log, so a red test says why. */
function expectSuccess(r: ActionRun): void {
  if (r.code !== 0) throw new Error(`action failed (${r.code})\n${actionLog(r)}`)
}

function track(r: ActionRun): void {
  localRefs.push(...(r.outputs.tags ?? '').split('\n').filter(Boolean))
}

type Config = { config?: { Labels?: Record<string, string> } }

describe('labels and tags, against the registry', () => {
  test('pull_request event: the registry-held labels name the PR head, not GitHub merge commit', async () => {
    const ws = await workspace()
    const image = `${reg.host}/labels/pr`
    const payload = { ...prPayload, pull_request: { ...prPayload.pull_request, head: { ...prPayload.pull_request.head, sha: ws.sha } } }
    const r = await runAction({
      workspace: ws.dir,
      inputs: { image },
      event: { name: 'pull_request', payload },
      github: { sha: MERGE_SHA, ref: 'refs/pull/17/merge', runNumber: '314', runAttempt: '2', runId: '777' },
      env: { GITHUB_HEAD_REF: 'feature/login' }
    })
    track(r)
    expectSuccess(r)

    const tag = `sha-${ws.sha.slice(0, 7)}`
    expect(r.outputs.tags).toBe(`${image}:${tag}`)
    const held = ((await skopeoConfig(`${image}:${tag}`)) as Config).config?.Labels ?? {}
    expect(held).toEqual({
      'git-commit': ws.sha,
      'build-number': '314',
      'build-attempt': '2',
      'org.opencontainers.image.created': COMMIT_TIME,
      'org.opencontainers.image.revision': ws.sha,
      'org.opencontainers.image.source': 'https://github.com/acme/demo',
      'org.opencontainers.image.url': 'https://github.com/acme/demo'
    })
    expect(JSON.stringify(held)).not.toContain(MERGE_SHA)
    expect(r.outputs.digest).toBe(await skopeoDigest(`${image}:${tag}`))
    expect(JSON.parse(r.outputs.labels ?? '{}')).toEqual(held)
    // the summary's label table is the registry-held one, with links to the commit and the run attempt
    expect(r.summary).toContain('#### Labels (as held by the registry)')
    expect(r.summary).toContain(`<a href="https://github.com/acme/demo/commit/${ws.sha}"><code>${ws.sha}</code></a></td><td>action</td>`)
    expect(r.summary).toContain('<a href="https://github.com/acme/demo/actions/runs/777/attempts/2"><code>2</code></a>')
  })

  test('latest: forbid fails before anything is built or pushed', async () => {
    const ws = await workspace()
    const image = `${reg.host}/labels/forbid`
    localRefs.push(`${image}:latest`, `${image}:v1`)
    const r = await runAction({ workspace: ws.dir, inputs: { image, tags: 'v1\nlatest', latest: 'forbid' } })
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain("::error::Input 'latest': tag 'latest' (from 'tags') is not allowed: 'latest: forbid' is set")
    expect(r.outputs).toEqual({})
    // nothing was built: docker knows no image by either tag, and the registry has no such repository
    for (const ref of [`${image}:latest`, `${image}:v1`]) {
      const inspect = await run('docker', ['image', 'inspect', ref], { timeoutMs: 30_000 })
      expect(inspect.code).not.toBe(0)
    }
    const tags = await fetch(`${reg.url}/v2/labels/forbid/tags/list`)
    expect(tags.status).toBe(404)
    expect(r.stdout).not.toMatch(/Step \d+\/\d+|Successfully built/)
  })

  test('latest by default: a warning annotation, and still pushed', async () => {
    const ws = await workspace()
    const image = `${reg.host}/labels/warn`
    const r = await runAction({
      workspace: ws.dir,
      inputs: { image, tags: 'latest\nbuild-{{run_number}}', labels: 'org.opencontainers.image.source=https://example.com/mono\ncom.example.team=payments' },
      github: { runNumber: '58' }
    })
    track(r)
    expectSuccess(r)
    expect(r.stdout).toMatch(/::warning title=Pushing the moving tag 'latest'::.*labels\/warn:latest will point to whatever is pushed next.*'pinned' output/)
    expect(r.stdout).toMatch(/::notice title=Label overridden::Label 'org.opencontainers.image.source' from 'labels' replaces/)
    expect(r.outputs.tags).toBe(`${image}:latest\n${image}:build-58`)
    const digest = await skopeoDigest(`${image}:latest`)
    expect(await skopeoDigest(`${image}:build-58`)).toBe(digest)
    expect(r.outputs.pinned).toBe(`${image}@${digest}`)
    const held = ((await skopeoConfig(`${image}:latest`)) as Config).config?.Labels ?? {}
    expect(held['org.opencontainers.image.source']).toBe('https://example.com/mono')
    expect(held['com.example.team']).toBe('payments')
    expect(held['git-commit']).toBe(ws.sha)
    expect(r.summary).toMatch(/<code>org\.opencontainers\.image\.source<\/code><\/td><td>.*<\/td><td>user \(overrides action\)<\/td>/)
  })

  test('tag ref v1.2.3: version tags all point to the pushed digest; labels identical when rebuilt', async () => {
    const ws = await workspace()
    const image = `${reg.host}/labels/release`
    const opts = {
      workspace: ws.dir,
      inputs: { image },
      github: { ref: 'refs/tags/v1.2.3', runNumber: '90', runAttempt: '1' }
    }
    const first = await runAction(opts)
    track(first)
    expectSuccess(first)
    const tags = [`sha-${ws.sha.slice(0, 7)}`, '1.2.3', '1.2', '1']
    expect(first.outputs.tags).toBe(tags.map((t) => `${image}:${t}`).join('\n'))
    for (const t of tags) expect(await skopeoDigest(`${image}:${t}`)).toBe(first.outputs.digest)
    const held = ((await skopeoConfig(`${image}:1.2.3`)) as Config).config?.Labels ?? {}
    expect(held['org.opencontainers.image.version']).toBe('1.2.3')
    expect(held['org.opencontainers.image.created']).toBe(COMMIT_TIME)

    // the same commit and run again, later: our labels must be exactly the same
    const second = await runAction(opts)
    expectSuccess(second)
    const heldAgain = ((await skopeoConfig(`${image}:1.2.3`)) as Config).config?.Labels ?? {}
    expect(heldAgain).toEqual(held)
    console.log(
      `rebuild of the same commit: digest ${second.outputs.digest === first.outputs.digest ? 'unchanged' : 'changed'} ` +
        `(${first.outputs.digest} → ${second.outputs.digest}); runs took ${first.durationMs} ms and ${second.durationMs} ms`
    )
  })
})
