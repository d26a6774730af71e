/**
 * Issue 14, end to end with the bundled actions: every failure in bounded time (the `registry-timeout` budget against
 * a hung `/v2/`, a hung read-back, a hung token service and a credential helper whose wrapper waits on a child),
 * nothing left behind on cancel (SIGINT, SIGTERM, kill -9 + the post step), outputs that survive a failing summary
 * write, no partial secret and no 10k-character value in an error, and labels kept literally.
 *
 * Hung things get a budget of BUDGET_S seconds through the input, so the suite stays fast; the worst times to fail
 * are printed at the end (they go in the closing note).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { alivePids, readCredentialHelperPids, writeDockerConfig, writeInvalidDockerConfig, writeWaitingCredentialHelper } from './support/docker-config'
import { dockerRmi } from './support/docker'
import { startFaultProxy, hungRegistry, type FaultProxy } from './support/fault-proxy'
import { startHungServer, type HungServer } from './support/hung-server'
import { request } from './support/http'
import { repoRoot } from './support/node24'
import { describeOnBuilders } from './support/buildkit'
import { skopeoConfig, skopeoDigest } from './support/inspect'
import { pushTestImage } from './support/oci-fixture'
import { makeTempDir, removeDir } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { cleanupActionRuns, runAction, runPost, startAction, type ActionRun } from './support/run-action'
import { assertNoSecrets, scanRun, scanTree } from './support/secrets'
import { makeWorkspace, type Workspace } from './support/workspace'

const RESOLVE_ENTRY = join(repoRoot, 'dist', 'resolve', 'index.js')
const BUDGET_S = 3
const OURS = /^pinned-build-action/

let htpasswd: TestRegistry
let token: TestRegistry
let proxy: FaultProxy
let tokenProxy: FaultProxy
let hung: HungServer
let ws: Workspace
let scratch: string
let configDir: string
const refs: string[] = []

interface Timing {
  scenario: string
  /** seconds from the moment the budget started (the end of the push; the step's start for resolve) to the exit */
  seconds: number
  budget: number
}
const timings: Timing[] = []

beforeAll(async () => {
  ;[htpasswd, token] = await Promise.all([startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'token', anonymousPull: false })])
  ;[proxy, tokenProxy, hung] = await Promise.all([startFaultProxy(htpasswd), startFaultProxy(token), startHungServer()])
  ws = await makeWorkspace()
  scratch = await makeTempDir('reliability')
  configDir = join(scratch, 'docker-config')
  const auth = (r: TestRegistry): string => Buffer.from(`${r.username}:${r.password}`).toString('base64')
  writeDockerConfig(configDir, {
    auths: { [htpasswd.host]: { auth: auth(htpasswd) }, [proxy.host]: { auth: auth(htpasswd) }, [token.host]: { auth: auth(token) }, [tokenProxy.host]: { auth: auth(token) } }
  })
})

afterAll(async () => {
  if (timings.length > 0) {
    const lines = ['| scenario | budget (s) | time to fail (s) |', '| --- | ---: | ---: |', ...timings.map((t) => `| ${t.scenario} | ${t.budget} | ${t.seconds.toFixed(2)} |`)]
    console.log(`Time to fail (${timings.length} scenarios):\n${lines.join('\n')}`)
  }
  await Promise.all([proxy?.stop(), tokenProxy?.stop(), hung?.stop()])
  await Promise.all([htpasswd?.stop(), token?.stop()])
  await ws?.cleanup()
  await removeDir(scratch)
  await cleanupActionRuns()
  await dockerRmi(refs)
})

/** The one ::error:: of a failed run, decoded. */
function failure(run: ActionRun): string {
  const errors = [...run.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => (m[1] as string).replace(/%0A/g, '\n').replace(/%25/g, '%'))
  if (run.code === 0 || errors.length !== 1) throw new Error(`expected one ::error:: and a non-zero exit (code ${run.code}):\n${run.stdout}\n${run.stderr}`)
  return errors[0] as string
}

/** When docker push finished: the last manifest PUT the proxy answered. */
function pushEnd(p: FaultProxy, since: number): number {
  const puts = p.timeline.slice(since).filter((t) => t.request.method === 'PUT' && /\/manifests\//.test(t.request.path) && t.respondedAt)
  if (puts.length === 0) throw new Error('docker push made no manifest PUT through the proxy')
  return Math.max(...puts.map((t) => t.respondedAt as number))
}

async function buildThrough(p: FaultProxy, repo: string): Promise<{ run: ActionRun; exitedAt: number; since: number }> {
  const image = `${p.host}/${repo}`
  refs.push(`${image}:v1`)
  const since = p.timeline.length
  const run = await runAction({ workspace: ws.dir, inputs: { image, tags: 'v1', 'registry-timeout': String(BUDGET_S) }, env: { DOCKER_CONFIG: configDir } })
  return { run, exitedAt: Date.now(), since }
}

describe('time to fail: the registry-timeout budget', () => {
  test('build: /v2/ hangs for the action (docker pushes fine) → one ping, fails within the budget after the push, naming the host', async () => {
    proxy.clear()
    proxy.addRule(hungRegistry({ userAgent: OURS }))
    const { run, exitedAt, since } = await buildThrough(proxy, 'e2e/ttf-ping')
    proxy.clear()
    const error = failure(run)
    expect(error).toContain(`registry ${proxy.host} did not answer GET /v2/ within the ${BUDGET_S} s registry-timeout`)
    expect(error).toMatch(/Fix: .*raise the 'registry-timeout' input/)
    expect(run.outputs).toEqual({})
    // the failed warm-up ping is remembered: no second ping with a fresh budget
    expect(proxy.requests.slice(since).filter((r) => r.fault === 'hang')).toHaveLength(1)
    const seconds = (exitedAt - pushEnd(proxy, since)) / 1000
    timings.push({ scenario: 'build: hung /v2/ (warm-up ping during the push)', seconds, budget: BUDGET_S })
    expect(seconds).toBeLessThan(BUDGET_S)
  })

  test('build: the read-back hangs after a good ping → fails within the budget after the push, naming the host', async () => {
    proxy.clear()
    proxy.addRule({ path: /\/manifests\//, userAgent: OURS, fault: { hang: true }, times: Infinity })
    const { run, exitedAt, since } = await buildThrough(proxy, 'e2e/ttf-readback')
    proxy.clear()
    const error = failure(run)
    expect(error).toMatch(new RegExp(`registry ${proxy.host} did not answer (HEAD|GET) /v2/e2e/ttf-readback/manifests/v1 within the ${BUDGET_S} s registry-timeout`))
    expect(run.outputs).toEqual({})
    const seconds = (exitedAt - pushEnd(proxy, since)) / 1000
    timings.push({ scenario: 'build: hung manifest read-back', seconds, budget: BUDGET_S })
    expect(seconds).toBeLessThan(BUDGET_S)
  })

  test('build: a hung token service (token registry) → fails within the budget after the push, naming the token service', async () => {
    const challenge = (await request(`${token.url}/v2/`)).headers['www-authenticate'] as string
    const service = /service="([^"]*)"/.exec(challenge)?.[1] ?? ''
    tokenProxy.clear()
    tokenProxy.addRule({
      path: /^\/v2\/$/,
      userAgent: OURS,
      fault: { setHeaders: { 'www-authenticate': `Bearer realm="${hung.url}/token",service="${service}"` } },
      times: Infinity
    })
    const before = hung.connections.length
    const { run, exitedAt, since } = await buildThrough(tokenProxy, 'e2e/ttf-token')
    tokenProxy.clear()
    const error = failure(run)
    expect(error).toContain(`token service ${hung.url} did not answer GET /token within the ${BUDGET_S} s registry-timeout`)
    expect(error).toContain(`Fix: check that ${hung.host} is reachable`)
    expect(run.outputs).toEqual({})
    // one token request (undici may open and drop an idle connection as the request is aborted: no request on it)
    expect(hung.connections.slice(before).filter((c) => c.requestLine !== '')).toHaveLength(1)
    const seconds = (exitedAt - pushEnd(tokenProxy, since)) / 1000
    timings.push({ scenario: 'build: hung token service', seconds, budget: BUDGET_S })
    expect(seconds).toBeLessThan(BUDGET_S)
  })

  describe('resolve', () => {
    beforeAll(async () => {
      await pushTestImage(htpasswd, 'e2e/resolve-ttf', 'v1')
      await pushTestImage(token, 'e2e/resolve-ttf', 'v1')
    })

    async function resolveThrough(host: string, env: Record<string, string> = {}): Promise<{ run: ActionRun; seconds: number }> {
      const started = Date.now()
      const run = await runAction({
        entry: RESOLVE_ENTRY,
        workspace: ws.dir,
        inputs: { images: `${host}/e2e/resolve-ttf:v1`, 'registry-timeout': String(BUDGET_S) },
        env: { DOCKER_CONFIG: configDir, ...env }
      })
      return { run, seconds: (Date.now() - started) / 1000 }
    }

    test('a hung /v2/ → fails within the budget (whole step, process start included), naming the host', async () => {
      proxy.clear()
      proxy.addRule(hungRegistry())
      const { run, seconds } = await resolveThrough(proxy.host)
      proxy.clear()
      expect(failure(run)).toContain(`registry ${proxy.host} did not answer GET /v2/ within the ${BUDGET_S} s registry-timeout`)
      expect(run.outputs).toEqual({})
      timings.push({ scenario: 'resolve: hung /v2/ (whole step)', seconds, budget: BUDGET_S })
      expect(seconds).toBeLessThan(BUDGET_S) // from the process start, Node's own start included
    })

    test('a hung token service → fails within the budget, naming the token service', async () => {
      tokenProxy.clear()
      tokenProxy.setRealm(`${hung.url}/token`)
      try {
        const { run, seconds } = await resolveThrough(tokenProxy.host)
        expect(failure(run)).toContain(`token service ${hung.url} did not answer GET /token within the ${BUDGET_S} s registry-timeout`)
        expect(run.outputs).toEqual({})
        timings.push({ scenario: 'resolve: hung token service (whole step)', seconds, budget: BUDGET_S })
        expect(seconds).toBeLessThan(BUDGET_S) // from the process start, Node's own start included
      } finally {
        tokenProxy.setRealm(undefined)
      }
    })

    test('F4: a credential helper whose wrapper waits on a child → stopped with its whole group at the budget, naming the helper', async () => {
      const bin = join(scratch, 'waiting-bin')
      writeWaitingCredentialHelper(bin, 'gcloudish', { seconds: 300 })
      const helperConfig = join(scratch, 'waiting-config')
      writeDockerConfig(helperConfig, { credsStore: 'gcloudish' })
      const { run, seconds } = await resolveThrough(htpasswd.host, { DOCKER_CONFIG: helperConfig, PATH: `${bin}:${process.env.PATH}` })
      const error = failure(run)
      expect(error).toContain(`the docker credential helper docker-credential-gcloudish did not answer for ${htpasswd.host} within the ${BUDGET_S} s registry-timeout`)
      expect(run.outputs).toEqual({})
      timings.push({ scenario: 'resolve: credential helper waiting on a child (whole step)', seconds, budget: BUDGET_S })
      expect(seconds).toBeLessThan(BUDGET_S) // from the process start, Node's own start included
      const pids = readCredentialHelperPids(bin, 'gcloudish')
      expect(pids).toHaveLength(2) // the script and its sleep
      expect(alivePids(pids)).toEqual([])
    })
  })
})

describe('F5: cancellation leaves no credentials on disk (username/password, the real bundled action and its post step)', () => {
  const password = (): string => htpasswd.password as string

  async function start(repo: string, hold: 'read-back' | 'push') {
    proxy.clear()
    if (hold === 'read-back') proxy.addRule(hungRegistry({ all: true, userAgent: OURS }))
    else proxy.addRule({ method: 'PUT', path: /\/manifests\//, fault: { delayMs: 60_000 } })
    const image = `${proxy.host}/${repo}`
    refs.push(`${image}:v1`)
    const s = await startAction({
      workspace: ws.dir,
      inputs: { image, tags: 'v1', username: htpasswd.username as string, password: password() },
      timeoutMs: 120_000
    })
    const configDir = await s.waitForEntry(/^pinned-build-docker-config-/)
    await s.waitForOutput(hold === 'read-back' ? /: digest: sha256:[0-9a-f]{64} size: / : /^::group::docker push/, 60_000)
    // the credentials really are on disk at this point (docker login wrote them into the private DOCKER_CONFIG)
    expect(scanTree([configDir], [password()]).length).toBeGreaterThan(0)
    return { s, configDir }
  }

  test.each([
    ['SIGINT', 'read-back', 130],
    ['SIGTERM', 'push', 143]
  ] as const)('%s during the %s: the step exits at once, the private DOCKER_CONFIG is gone, nothing left anywhere', async (signal, hold, code) => {
    const { s, configDir } = await start(`e2e/cancel-${signal.toLowerCase()}`, hold)
    const t0 = Date.now()
    s.kill(signal)
    const done = await s.finished
    proxy.clear()
    expect(done.exitedAt - t0).toBeLessThan(2_000)
    expect(done.code).toBe(code)
    expect(done.stdout).toContain(`::error::The step was stopped (${signal}); its docker login was removed`)
    expect(done.outputs).toEqual({})
    expect(existsSync(configDir)).toBe(false)
    assertNoSecrets(scanTree([s.runnerTemp, s.home], [password()]))
    // the post step has nothing left to do, and says nothing
    const post = await runPost(done)
    expect(post.code).toBe(0)
    expect(post.stdout).not.toContain('Removed')
  })

  test('kill -9 of the main step: the credentials stay behind, then the post step removes them', async () => {
    const { s, configDir } = await start('e2e/cancel-sigkill', 'read-back')
    s.kill('SIGKILL')
    const done = await s.finished
    proxy.clear()
    expect(done.signal).toBe('SIGKILL')
    expect(done.state).toEqual({ 'docker-config': configDir })
    expect(scanTree([s.runnerTemp], [password()]).length).toBeGreaterThan(0) // what a SIGKILL leaves
    const post = await runPost(done)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(`Removed the step's docker login left behind by the main step (${configDir})`)
    expect(existsSync(configDir)).toBe(false)
    assertNoSecrets(scanTree([s.runnerTemp, s.home], [password()]))
  })
})

describe('order of reporting: a summary that cannot be written never loses the outputs', () => {
  const auth = (): { username: string; password: string } => ({ username: htpasswd.username as string, password: htpasswd.password as string })

  test('build with GITHUB_STEP_SUMMARY on a full disk (/dev/full): digest outputs set, a warning, exit 0', async () => {
    const image = `${htpasswd.host}/e2e/summary-full`
    refs.push(`${image}:v1`)
    const run = await runAction({ workspace: ws.dir, inputs: { image, tags: 'v1' }, env: { DOCKER_CONFIG: configDir, GITHUB_STEP_SUMMARY: '/dev/full' } })
    if (run.code !== 0) throw new Error(`the step failed:\n${run.stdout}\n${run.stderr}`)
    const held = await skopeoDigest(`${image}:v1`, auth())
    expect(run.outputs.digest).toBe(held)
    expect(run.outputs.pinned).toBe(`${image}@${held}`)
    expect(run.stdout).toMatch(/^::warning title=Job summary not written::The job summary could not be written \(.*ENOSPC.*\); the outputs are set$/m)
  })

  test('resolve with GITHUB_STEP_SUMMARY in a directory that does not exist: outputs set, a warning, exit 0', async () => {
    const pushed = await pushTestImage(htpasswd, 'e2e/summary-missing', 'v1')
    const run = await runAction({
      entry: RESOLVE_ENTRY,
      workspace: ws.dir,
      inputs: { images: `${htpasswd.host}/e2e/summary-missing:v1` },
      env: { DOCKER_CONFIG: configDir, GITHUB_STEP_SUMMARY: join(scratch, 'no-such-dir', 'summary') }
    })
    if (run.code !== 0) throw new Error(`the step failed:\n${run.stdout}\n${run.stderr}`)
    expect(run.outputs.digest).toBe(pushed.digest)
    expect(run.stdout).toMatch(/^::warning title=Job summary not written::The job summary could not be written/m)
  })
})

describe('errors quote no partial secret and no 10k-character value', () => {
  test('invalid config.json (unquoted auth): the error gives the file and position only, no piece of the credential anywhere', async () => {
    const password = 'Unquoted-Secret-Value-1234'
    const dir = join(scratch, 'invalid-config')
    const { path, auth } = writeInvalidDockerConfig(dir, htpasswd.host, 'ci-user', password)
    const run = await runAction({ entry: RESOLVE_ENTRY, workspace: ws.dir, inputs: { images: `${htpasswd.host}/e2e/resolve-ttf:v1` }, env: { DOCKER_CONFIG: dir } })
    expect(failure(run)).toContain(`docker config ${path} is not valid JSON: syntax error at line 4, column 15\nFix: fix or remove the file (DOCKER_CONFIG names its directory)`)
    expect(run.outputs).toEqual({})
    assertNoSecrets(scanRun(run, [{ name: 'auth', value: auth }, { name: 'password', value: password }], { fragment: 8, keepMaskCommands: true }))
  })

  const LONG = 'x'.repeat(10_000)
  test.each([
    ['image', { image: `${'a'.repeat(10_000)}/api` }],
    ['context', { image: '127.0.0.1:5000/e2e/long', context: LONG }],
    ['file', { image: '127.0.0.1:5000/e2e/long', file: LONG }]
  ])('a 10k-character %s is cut in the error, before docker runs', async (input, inputs) => {
    const run = await runAction({ workspace: ws.dir, inputs, env: { DOCKER_CONFIG: configDir } })
    const error = failure(run)
    expect(error.startsWith(`Input '${input}': `)).toBe(true)
    expect(error).toContain('…')
    expect(error.length).toBeLessThan(500)
    expect(run.stdout.length + run.stderr.length).toBeLessThan(3_000)
    expect(run.stdout).not.toContain('docker build')
    expect(run.outputs).toEqual({})
  })
})

describe('F6: label values are kept literally', () => {
  let anon: TestRegistry
  beforeAll(async () => {
    anon = await startRegistry({ auth: 'anonymous' })
  })
  afterAll(async () => {
    await anon?.stop()
  })

  // a padded value on the first and the last line too: the runner's own trimming of an input would eat those
  const LABELS = 'sp=  padded  \ntab=\tx\t\nlead= a\nquery=a=b \nlast=  end  '
  const EXPECTED = { sp: '  padded  ', tab: '\tx\t', lead: ' a', query: 'a=b ', last: '  end  ' }

  describeOnBuilders('labels', (builder, kind) => {
    test('the registry-held label values equal the input byte for byte, and so does the labels output', async () => {
      const image = `${anon.host}/e2e/labels-literal-${kind}`
      refs.push(`${image}:v1`)
      const run = await runAction({ workspace: ws.dir, inputs: { image, tags: 'v1', labels: LABELS }, env: builder().env })
      if (run.code !== 0) throw new Error(`the step failed:\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`)
      const config = (await skopeoConfig(`${image}@${run.outputs.digest}`, undefined, { os: 'linux', architecture: 'amd64' })) as { config?: { Labels?: Record<string, string> } }
      const held = config.config?.Labels ?? {}
      for (const [key, value] of Object.entries(EXPECTED)) expect([key, Buffer.from(held[key] ?? '<missing>')]).toEqual([key, Buffer.from(value)])
      const output = JSON.parse(run.outputs.labels ?? '{}') as Record<string, string>
      for (const [key, value] of Object.entries(EXPECTED)) expect([key, output[key]]).toEqual([key, value])
    })
  })
})
