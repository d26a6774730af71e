/**
 * Faults and quirks injected between the action and the real distribution registry (htpasswd auth, so every
 * read-back request carries credentials). The action's `image` names the fault proxy's host, so docker push and
 * the read-back both go through it, like a flaky network path or caching proxy in front of a registry. The rules
 * only match the action's own requests (User-Agent pinned-build-action; docker's are docker/…, checked by the
 * baseline test), so each fault hits the read-back alone and the push stays clean whatever it sends: an engine with
 * the containerd image store HEADs manifests before its PUTs, the classic store never does.
 *
 * Every scenario must end in one of two ways: the right digest (what the registry holds, read directly from the
 * upstream with skopeo), or a clear failure with no outputs. A wrong digest is never acceptable. The table of
 * faults injected and outcomes is printed at the end (and is the closing note's fault table).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readBack } from '../../src/build-push/readback'
import { dockerKeychain } from '../../src/docker/config'
import { createRegistryFactory } from '../../src/registry'
import { writeDockerConfig } from './support/docker-config'
import { dockerBuild, dockerPush, dockerRmi } from './support/docker'
import { startFaultProxy, type FaultProxy, type FaultRule } from './support/fault-proxy'
import { manifestDescriptor, skopeoConfig, skopeoDigest } from './support/inspect'
import { pushIndex } from './support/oci-fixture'
import { makeTempDir, removeDir, sleep } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

const REPO = 'e2e/faults'
let reg: TestRegistry
let proxy: FaultProxy
let ws: Workspace
let configDir: string
const refs: string[] = []

interface Row {
  fault: string
  injected: number
  outcome: 'survived' | 'clear failure'
  wrongDigests: number
  seconds: number
}
const table: Row[] = []
/** The proxy's requests during the last scenario (clear() drops rules, not the request log). */
let seen: FaultProxy['requests'] = []

beforeAll(async () => {
  reg = await startRegistry({ auth: 'htpasswd' })
  proxy = await startFaultProxy(reg)
  ws = await makeWorkspace()
  configDir = await makeTempDir('registry-faults-config')
  const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64')
  writeDockerConfig(configDir, { auths: { [reg.host]: { auth }, [proxy.host]: { auth } } })
})

afterAll(async () => {
  const lines = [
    '| fault injected | times injected | outcome | wrong digests | s |',
    '| --- | ---: | --- | ---: | ---: |',
    ...table.map((r) => `| ${r.fault} | ${r.injected} | ${r.outcome} | ${r.wrongDigests} | ${r.seconds.toFixed(1)} |`),
    `| **total** | **${table.reduce((n, r) => n + r.injected, 0)}** | ${table.filter((r) => r.outcome === 'survived').length} survived, ${table.filter((r) => r.outcome !== 'survived').length} clear failures | **${table.reduce((n, r) => n + r.wrongDigests, 0)}** | |`
  ]
  console.log(`Fault table (${table.length} scenarios):\n${lines.join('\n')}`)
  await proxy?.stop()
  await reg?.stop()
  await ws?.cleanup()
  await removeDir(configDir)
  await cleanupActionRuns()
  await dockerRmi(refs)
})

const creds = () => ({ username: reg.username as string, password: reg.password as string })
const manifestOf = (tag: string) => new RegExp(`^/v2/${REPO}/manifests/${tag}$`)
const byDigest = new RegExp(`^/v2/${REPO}/manifests/sha256:`)
const blobs = new RegExp(`^/v2/${REPO}/blobs/sha256:`)
/** The action's requests (src/registry/transport.ts), never docker's. */
const READ_BACK = /^pinned-build-action/

function printed(run: ActionRun): string {
  return run.stdout.replace(/^::add-mask::.*$/gm, '')
}

/** The digest docker push printed in the action's log. */
function pushedDigest(run: ActionRun, tag: string): string | undefined {
  return new RegExp(`${tag}: digest: (sha256:[0-9a-f]{64})`).exec(run.stdout)?.[1]
}

/**
 * Runs the action against the proxy with `rules` in place. `survive`: the outputs must name what the registry
 * holds (read from the upstream directly). `fail`: a non-zero exit, no outputs, and an ::error:: matching it.
 */
async function scenario(
  fault: string,
  tag: string,
  rules: FaultRule[],
  expected: { survive: true } | { survive: 'moved' } | { fail: RegExp },
  opts: { env?: Record<string, string>; during?: (run: Promise<ActionRun>) => Promise<void> } = {}
): Promise<ActionRun> {
  proxy.clear()
  const first = proxy.requests.length
  for (const r of rules) proxy.addRule({ userAgent: READ_BACK, ...r })
  refs.push(`${proxy.host}/${REPO}:${tag}`)
  const started = Date.now()
  const pending = runAction({ workspace: ws.dir, inputs: { image: `${proxy.host}/${REPO}`, tags: tag }, env: { DOCKER_CONFIG: configDir, ...opts.env } })
  await opts.during?.(pending)
  const run = await pending
  seen = proxy.requests.slice(first).filter((r) => READ_BACK.test(r.userAgent))
  const injected = seen.filter((r) => r.fault).length
  const row: Row = { fault, injected, outcome: 'survived', wrongDigests: 0, seconds: (Date.now() - started) / 1000 }
  table.push(row)
  const log = actionLog(run)
  expect(injected).toBeGreaterThan(0) // the fault really happened
  if ('survive' in expected) {
    if (run.code !== 0) throw new Error(`expected the action to survive ${fault}, it failed:\n${log}`)
    const held = await skopeoDigest(`${reg.host}/${REPO}:${tag}`, creds())
    const ours = pushedDigest(run, tag)
    // the right digest: what the tag holds, or, when someone pushed over the tag, what this run pushed
    const right = expected.survive === 'moved' ? ours : held
    if (run.outputs.digest !== right) row.wrongDigests++
    expect(run.outputs.digest).toBe(right)
    expect(run.outputs.digest).toBe(ours)
    if (expected.survive === 'moved') expect(held).not.toBe(ours)
  } else {
    row.outcome = 'clear failure'
    if (run.code === 0) {
      // a wrong digest would be the worst outcome: count it before failing
      const held = await skopeoDigest(`${reg.host}/${REPO}:${tag}`, creds())
      if (run.outputs.digest !== held) row.wrongDigests++
      throw new Error(`expected a clear failure for ${fault}, the action succeeded with ${run.outputs.digest}:\n${log}`)
    }
    expect(run.outputs).toEqual({})
    const errors = [...run.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => (m[1] as string).replace(/%0A/g, '\n'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(expected.fail)
  }
  return run
}

describe('baseline', () => {
  test('no fault: 3 read-back requests after the push, told from docker push by their User-Agent', async () => {
    proxy.clear()
    const first = proxy.requests.length
    const run = await runAction({ workspace: ws.dir, inputs: { image: `${proxy.host}/${REPO}`, tags: 'base' }, env: { DOCKER_CONFIG: configDir } })
    refs.push(`${proxy.host}/${REPO}:base`)
    expect(run.code).toBe(0)
    expect(run.outputs.digest).toBe(await skopeoDigest(`${reg.host}/${REPO}:base`, creds()))
    const requests = proxy.requests.slice(first)
    const push = requests.findIndex((r) => r.method === 'PUT' && r.path === `/v2/${REPO}/manifests/base`)
    expect(push).toBeGreaterThan(-1)
    // every request is either docker's or the action's: the rules below (User-Agent pinned-build-action) hit the
    // read-back alone, whatever the push sends (the containerd store HEADs manifests before its PUTs)
    const ours = requests.filter((r) => READ_BACK.test(r.userAgent))
    expect(requests.filter((r) => !READ_BACK.test(r.userAgent)).every((r) => /^docker\//.test(r.userAgent))).toBe(true)
    expect(requests.slice(0, push + 1).filter((r) => READ_BACK.test(r.userAgent) && r.path !== '/v2/')).toEqual([])
    // the action pings /v2/ during the build; once the push is done the read-back is exactly 3 requests: the manifest
    // by docker's digest beside the HEAD of the tag (in either order), then the config
    const readBack = ours.filter((r) => r.path !== '/v2/').map((r) => `${r.method} ${r.path.replace(/sha256:\w+/, 'sha256:…')}`)
    expect(readBack.slice(0, 2).sort()).toEqual([`GET /v2/${REPO}/manifests/sha256:…`, `HEAD /v2/${REPO}/manifests/base`])
    expect(readBack.slice(2)).toEqual([`GET /v2/${REPO}/blobs/sha256:…`])
  })
})

describe('quirks', () => {
  test('HEAD without Docker-Content-Digest → GET and hash', async () => {
    const run = await scenario('HEAD manifest without Docker-Content-Digest', 'q-head-nodigest', [{ method: 'HEAD', path: manifestOf('q-head-nodigest'), fault: { dropHeaders: ['docker-content-digest'] } }], { survive: true })
    expect(seen.some((r) => r.method === 'GET' && r.path === `/v2/${REPO}/manifests/q-head-nodigest`)).toBe(true)
    expect(run.code).toBe(0)
  })

  test('GET without Docker-Content-Digest → hash', async () => {
    await scenario('GET manifest without Docker-Content-Digest', 'q-get-nodigest', [{ method: 'GET', path: byDigest, fault: { dropHeaders: ['docker-content-digest'] } }], { survive: true })
  })

  test('HEAD without Content-Type and Content-Length (old Harbor)', async () => {
    await scenario('HEAD manifest without Content-Type/Content-Length', 'q-head-bare', [{ method: 'HEAD', path: manifestOf('q-head-bare'), fault: { dropHeaders: ['content-type', 'content-length'] } }], { survive: true })
  })

  test('Content-Type says index → fine, the body decides', async () => {
    await scenario('GET manifest labelled as an OCI index', 'q-ctype-index', [{ method: 'GET', path: byDigest, fault: { setHeaders: { 'content-type': 'application/vnd.oci.image.index.v1+json' } } }], { survive: true })
  })

  test('GET header disagreeing with the body → inconsistent data', async () => {
    await scenario('GET manifest with a wrong Docker-Content-Digest', 'q-get-wrong', [{ method: 'GET', path: byDigest, fault: { setHeaders: { 'docker-content-digest': `sha256:${'e'.repeat(64)}` } } }], {
      fail: /returned inconsistent data .*Docker-Content-Digest says sha256:e{64} but the manifest bytes hash to/
    })
  })

  test('HEAD by tag naming a digest the registry does not hold → a clear failure (confirmed by digest, never trusted)', async () => {
    await scenario('HEAD manifest with a wrong Docker-Content-Digest', 'q-head-wrong', [{ method: 'HEAD', path: manifestOf('q-head-wrong'), fault: { setHeaders: { 'docker-content-digest': `sha256:${'d'.repeat(64)}` } } }], {
      fail: /answered 127\.0\.0\.1:\d+\/e2e\/faults:q-head-wrong with sha256:d{64}, but holds no manifest under that digest \(GET by digest: HTTP 404/
    })
  })

  test('manifest body corrupted in transit → inconsistent data', async () => {
    await scenario('GET manifest body corrupted', 'q-corrupt-manifest', [{ method: 'GET', path: byDigest, fault: { corruptBody: true } }], { fail: /returned inconsistent data/ })
  })

  test('config blob corrupted in transit → inconsistent data', async () => {
    await scenario('GET config blob corrupted', 'q-corrupt-blob', [{ method: 'GET', path: blobs, fault: { corruptBody: true } }], { fail: /returned inconsistent data: blob sha256:\w+ hashes to/ })
  })

  test('blob redirected to another host: followed, without Authorization', async () => {
    await scenario('GET config blob redirected to another host', 'q-redirect', [{ method: 'GET', path: blobs, fault: { redirectTo: 'other-host' } }], { survive: true })
    const other = seen.filter((r) => r.path.startsWith('/other-host/'))
    expect(other).toHaveLength(1)
    expect(other[0]?.authorization).toBe(false)
    expect(seen.find((r) => r.fault === 'redirect:other-host')?.authorization).toBe(true)
  })
})

describe('retries', () => {
  test('429 with Retry-After in seconds', async () => {
    const run = await scenario('HEAD 429 Retry-After: 1 (twice)', 'r-429-seconds', [{ method: 'HEAD', path: manifestOf('r-429-seconds'), fault: { status: 429, headers: { 'retry-after': '1' } }, times: 2 }], { survive: true })
    expect(printed(run)).toMatch(/Retrying HEAD 127\.0\.0\.1:\d+\/v2\/e2e\/faults\/manifests\/r-429-seconds after HTTP 429 \(retry 1, in 1\.0 s\)/)
    expect(printed(run)).toMatch(/after HTTP 429 \(retry 2, in 1\.0 s\)/)
  })

  test('429 with Retry-After as an HTTP date', async () => {
    const when = () => new Date(Date.now() + 2_000).toUTCString()
    const run = await scenario('GET manifest 429 Retry-After: <HTTP date +2 s>', 'r-429-date', [{ method: 'GET', path: byDigest, fault: { status: 429, headers: { 'retry-after': when() } } }], { survive: true })
    expect(printed(run)).toMatch(/after HTTP 429 \(retry 1, in [0-2]\.\d s\)/)
  })

  test('429 asking for an hour: the wait is capped at 10 s', async () => {
    const run = await scenario('GET blob 429 Retry-After: 3600', 'r-429-cap', [{ method: 'GET', path: blobs, fault: { status: 429, headers: { 'retry-after': '3600' } } }], { survive: true })
    expect(printed(run)).toMatch(/after HTTP 429 \(retry 1, in 10\.0 s\)/)
    expect(run.durationMs).toBeLessThan(40_000)
  })

  test('500, 502, 503 and 504 on HEAD, GET manifest and GET blob', async () => {
    const run = await scenario('500/504 on HEAD, 502 on GET manifest, 503 on GET blob', 'r-5xx', [
      { method: 'HEAD', path: manifestOf('r-5xx'), fault: { status: 500 } },
      { method: 'HEAD', path: manifestOf('r-5xx'), fault: { status: 504, body: '<html><body>Gateway Timeout</body></html>' } },
      { method: 'GET', path: byDigest, fault: { status: 502 } },
      { method: 'GET', path: blobs, fault: { status: 503 } }
    ], { survive: true })
    for (const s of [500, 504, 502, 503]) expect(printed(run)).toContain(`after HTTP ${s}`)
  })

  test('503 that never ends → bounded retries, then the registry’s own error', async () => {
    const run = await scenario('GET manifest 503 forever', 'r-503-forever', [{ method: 'GET', path: byDigest, fault: { status: 503 }, times: Infinity }], {
      fail: /did not serve manifest sha256:\w+ \(HTTP 503 after 4 retries: INJECTED_FAULT: fault proxy injected status 503\)/
    })
    expect(seen.filter((r) => r.fault === 'status:503')).toHaveLength(5)
    expect(run.durationMs).toBeLessThan(30_000)
  })

  test('connection reset before any answer → retried', async () => {
    await scenario('HEAD manifest connection reset (twice)', 'r-reset-head', [{ method: 'HEAD', path: manifestOf('r-reset-head'), fault: { reset: true }, times: 2 }], { survive: true })
  })

  test('connection reset mid-blob → resumed with a Range request and verified', async () => {
    await scenario('GET config blob reset mid-body', 'r-reset-blob', [{ method: 'GET', path: blobs, fault: { reset: true } }], { survive: true })
  })

  test('connection reset mid-manifest → the GET starts over (a manifest cannot be resumed with Range)', async () => {
    const run = await scenario('GET manifest reset mid-body', 'r-reset-manifest', [{ method: 'GET', path: byDigest, fault: { reset: true } }], { survive: true })
    expect(printed(run)).toMatch(/mid-body/)
  })

  test('connection reset mid-manifest every time → one restart, then a clear error', async () => {
    await scenario('GET manifest reset mid-body forever', 'r-reset-manifest-forever', [{ method: 'GET', path: byDigest, fault: { reset: true }, times: Infinity }], {
      fail: /could not be reached \(GET \/v2\/e2e\/faults\/manifests\/sha256:\w+\): the connection broke mid-response and the server could not resume it/
    })
  })

  test('connection resets that never end → bounded retries, then a clear error', async () => {
    await scenario('HEAD manifest reset forever', 'r-reset-forever', [{ method: 'HEAD', path: manifestOf('r-reset-forever'), fault: { reset: true }, times: Infinity }], {
      fail: /registry 127\.0\.0\.1:\d+ could not be reached \(HEAD \/v2\/e2e\/faults\/manifests\/r-reset-forever\): .*after 4 retries/
    })
  })

  test('a response slower than the timeout → timed out and retried', async () => {
    const run = await scenario('HEAD manifest delayed 2.5 s (timeout 1 s)', 'r-slow', [{ method: 'HEAD', path: manifestOf('r-slow'), fault: { delayMs: 2_500 } }], { survive: true }, { env: { REGISTRY_TIMEOUT_MS: '1000' } })
    expect(printed(run)).toContain('after UND_ERR_HEADERS_TIMEOUT (retry 1')
  })
})

describe('error bodies', () => {
  test('JSON errors[]: the registry’s code and message are shown', async () => {
    const body = JSON.stringify({ errors: [{ code: 'DENIED', message: 'repository is quarantined by policy', detail: null }] })
    // on GET: a HEAD answer has no body to carry the error
    await scenario('GET manifest 403 with distribution error JSON', 'e-json', [{ method: 'GET', path: byDigest, fault: { status: 403, body, headers: { 'content-type': 'application/json' } } }], {
      fail: /refused to read manifest sha256:\w+ \(HTTP 403: DENIED: repository is quarantined by policy\)\nFix: make sure the runner is logged in/
    })
  })

  test('text errors: trimmed to one line', async () => {
    await scenario('GET manifest 404 with an HTML page', 'e-text', [{ method: 'GET', path: byDigest, fault: { status: 404, body: '<html>\n<body>\n  <h1>Not here</h1>\n  <p>ask   the admin</p>\n</body></html>\n' } }], {
      fail: /holds no manifest under that digest \(GET by digest: HTTP 404: Not here ask the admin\)/
    })
  })
})

describe('races', () => {
  test('the tag moved between our push and the read-back: our digest, verified by digest, and a warning', async () => {
    const tag = 'x-moved'
    // someone else's image, built and tagged for the upstream registry directly
    const otherWs = await makeWorkspace()
    const otherRef = `${reg.host}/${REPO}:${tag}`
    refs.push(otherRef)
    await dockerBuild(otherWs.dir, otherRef)
    let theirs = ''
    const run = await scenario('tag re-pushed by someone else during the read-back (HEAD held 6 s)', tag, [{ method: 'HEAD', path: manifestOf(tag), fault: { delayMs: 6_000 } }], { survive: 'moved' }, {
      env: { REGISTRY_TIMEOUT_MS: '20000' },
      during: async () => {
        // wait until the read-back's HEAD is held at the proxy, then push over the tag upstream
        const from = proxy.requests.length
        for (let i = 0; i < 600 && !proxy.requests.slice(from).some((r) => r.fault?.startsWith('delay')); i++) await sleep(50)
        theirs = await dockerPush(otherRef, { configDir })
      }
    })
    await otherWs.cleanup()
    const ours = run.outputs.digest as string
    expect(theirs).toMatch(/^sha256:/)
    expect(await skopeoDigest(`${reg.host}/${REPO}:${tag}`, creds())).toBe(theirs)
    // ours is what this run built: the registry holds it by digest, with this workspace's commit
    const config = (await skopeoConfig(`${reg.host}/${REPO}@${ours}`, creds())) as { config?: { Labels?: Record<string, string> } }
    expect(config.config?.Labels?.['git-commit']).toBe(ws.sha)
    expect(run.stdout).toContain(`::warning::Tag '${tag}' now points to ${theirs}, not to the ${ours} this step pushed`)
    expect(JSON.parse(run.outputs.metadata ?? '{}')).toMatchObject({ digest: ours })
  })
})

describe('indexes through the proxy (registry layer)', () => {
  test('a multi-arch tag: the digest is the index’s, labels from linux/amd64', async () => {
    const desc = await manifestDescriptor(reg, REPO, 'base')
    const index = await pushIndex(reg, REPO, 'multi', [
      { ...desc, platform: { os: 'linux', architecture: 'arm64' } },
      { ...desc, platform: { os: 'linux', architecture: 'amd64' } }
    ])
    proxy.clear()
    const first = proxy.requests.length
    proxy.addRule({ method: 'HEAD', path: manifestOf('multi'), fault: { dropHeaders: ['docker-content-digest', 'content-type'] } })
    const registries = createRegistryFactory({ credentials: dockerKeychain({ DOCKER_CONFIG: configDir, PATH: process.env.PATH }) })
    try {
      const client = registries.client({ registry: proxy.host, repository: REPO })
      const resolved = await client.descriptor('multi')
      expect(resolved).toMatchObject({ digest: index, source: 'get', mediaType: 'application/vnd.oci.image.index.v1+json' })
      const held = await readBack(client, [{ tag: 'multi' }])
      expect(held).toMatchObject({ digest: index, platformDigest: desc.digest })
      expect(held.labels['git-commit']).toBe(ws.sha)
      expect(await skopeoDigest(`${reg.host}/${REPO}:multi`, creds())).toBe(index)
      table.push({ fault: 'HEAD of an index tag without Docker-Content-Digest/Content-Type (registry layer)', injected: proxy.requests.slice(first).filter((r) => r.fault).length, outcome: 'survived', wrongDigests: 0, seconds: 0 })
    } finally {
      await registries.close()
    }
  })
})
