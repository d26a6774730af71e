/**
 * The merge action end to end (issue 10): dist/merge/index.js under Node 24 as the runner runs it, against the real
 * distribution registry (anonymous and token auth), on per-platform images built by the build action (the runner's
 * own platform, legacy builder), by BuildKit (arm64 and multi-platform with provenance, remote builder), or pushed
 * straight through the API (support/oci-fixture.ts). Everything is checked against what the registry holds, read
 * independently: skopeo, raw HTTP, `docker buildx imagetools inspect`, `docker pull --platform`. Failing merges
 * must write nothing (the fault proxy's request log and the tag lists show it); faults on the merge's own requests
 * must never produce a digest the registry does not hold.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import {
  builderUnavailable,
  createRemoteBuilder,
  hungRegistry,
  dockerLogin,
  dockerRmi,
  engineStore,
  imagetoolsInspect,
  inspectPlatform,
  installBuildx,
  makeTempDir,
  makeWorkspace,
  manifestPath,
  pushMultiPlatform,
  pushTestImage,
  pushTestIndex,
  rawManifest,
  removeDir,
  repoRoot,
  runOk,
  startBuildkitd,
  startFaultProxy,
  startRegistry,
  tamperingMirror,
  tooManyRequests,
  unavailable,
  writeDockerConfig,
  type ActionRun,
  type Buildkitd,
  type FaultProxy,
  type TestRegistry,
  type Workspace
} from './support'
import { request } from './support/http'
import { browserTest, renderSummary } from './support/render-summary'
import { cleanupActionRuns, runAction } from './support/run-action'

const MERGE = path.join(repoRoot, 'dist/merge/index.js')
const REQUIRE = process.env.REQUIRE_E2E === '1'

let anon: TestRegistry
let token: TestRegistry
let ws: Workspace
let configDir: string
const localTags: string[] = []

beforeAll(async () => {
  ;[anon, token, ws] = await Promise.all([startRegistry({ auth: 'anonymous' }), startRegistry({ auth: 'token' }), makeWorkspace()])
  configDir = await makeTempDir('merge-docker-config')
  writeDockerConfig(configDir, {})
  await dockerLogin(token, configDir)
})

afterAll(async () => {
  await dockerRmi(localTags).catch(() => undefined)
  await Promise.all([anon?.stop(), token?.stop(), ws?.cleanup(), configDir && removeDir(configDir), cleanupActionRuns()])
})

const short = (): string => ws.sha.slice(0, 7)
const runLabels = (commit = ws.sha): Record<string, string> => ({ 'git-commit': commit, 'build-number': '42' })

function merge(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ entry: MERGE, workspace: ws.dir, inputs: { summary: 'true', ...inputs }, env: { DOCKER_CONFIG: configDir, ...env } })
}

function explain(run: ActionRun): string {
  return `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`
}

async function tagList(reg: TestRegistry, repo: string): Promise<string[]> {
  const r = await request(`${reg.url}/v2/${repo}/tags/list`)
  if (r.status === 404) return []
  return ((JSON.parse(r.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []).sort()
}

async function skopeoRaw(ref: string, creds?: { username?: string; password?: string }): Promise<{ bytes: Buffer; json: { mediaType: string; manifests: Array<{ digest: string; mediaType: string; platform: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }>; annotations?: Record<string, string> } }> {
  const args = ['inspect', '--raw', '--tls-verify=false', ...(creds?.username ? ['--creds', `${creds.username}:${creds.password}`] : []), `docker://${ref}`]
  const r = await runOk('skopeo', args, { timeoutMs: 60_000 })
  const bytes = Buffer.from(r.stdout, 'utf8')
  return { bytes, json: JSON.parse(r.stdout) }
}

const sha256 = async (b: Buffer): Promise<string> => `sha256:${(await import('node:crypto')).createHash('sha256').update(b).digest('hex')}`

/** linux/amd64 built and pushed by the build action itself (legacy builder: the runner's own platform). */
async function buildAmd64(reg: TestRegistry, repo: string): Promise<string> {
  const image = `${reg.host}/${repo}`
  const run = await runAction({ workspace: ws.dir, inputs: { image, tags: 'sha-{{sha}}-linux-amd64', summary: 'false' }, env: { DOCKER_CONFIG: configDir, DOCKER_BUILDKIT: '0' } })
  if (run.code !== 0) throw new Error(`build action failed: ${explain(run)}`)
  localTags.push(`${image}:sha-${short()}-linux-amd64`)
  return run.outputs.digest as string
}

describe.each(['anonymous', 'token'] as const)('merge two platform images (%s registry)', (mode) => {
  const reg = (): TestRegistry => (mode === 'anonymous' ? anon : token)
  const repo = `e2e/merge-${mode}`
  const image = (): string => `${reg().host}/${repo}`
  const creds = (): { username?: string; password?: string } => (mode === 'token' ? { username: token.username, password: token.password } : {})
  let amd64: string
  let arm64: string
  let run: ActionRun

  beforeAll(async () => {
    amd64 = await buildAmd64(reg(), repo)
    arm64 = (await pushTestImage(reg(), repo, `sha-${short()}-linux-arm64`, { platform: { os: 'linux', architecture: 'arm64' }, labels: runLabels(), format: 'docker' })).digest
    run = await merge(
      { image: image(), sources: 'sha-{{sha}}-linux-amd64\nsha-{{sha}}-linux-arm64', tags: 'v1.4.2, sha-{{sha}}', ...(mode === 'token' ? { username: token.username as string, password: token.password as string } : {}) },
      mode === 'token' ? { DOCKER_CONFIG: path.join(configDir, 'nowhere') } : {}
    )
  }, 180_000)

  it('succeeds, with the index digest the registry serves for every tag', async () => {
    expect(run.code).toBe(0)
    if (run.code !== 0) return console.log(explain(run))
    for (const tag of ['v1.4.2', `sha-${short()}`]) {
      const raw = await skopeoRaw(`${image()}:${tag}`, creds())
      expect(await sha256(raw.bytes)).toBe(run.outputs.digest)
    }
    expect(run.outputs.pinned).toBe(`${image()}@${run.outputs.digest}`)
    expect(run.outputs.tags).toBe(`${image()}:v1.4.2\n${image()}:sha-${short()}`)
    expect(JSON.parse(run.outputs.platforms as string)).toEqual({ 'linux/amd64': amd64, 'linux/arm64': arm64 })
  })

  it('the index lists exactly those two manifests with their platforms (skopeo inspect --raw): a manifest list when both are Docker v2, else an OCI index', async () => {
    const { json } = await skopeoRaw(run.outputs.pinned as string, creds())
    // docker push sends what the engine's store keeps: Docker v2 from the classic store, OCI from the containerd store
    const amd64Type = (await skopeoRaw(`${image()}@${amd64}`, creds())).json.mediaType
    const docker = amd64Type === 'application/vnd.docker.distribution.manifest.v2+json'
    expect(docker).toBe((await engineStore()) === 'classic')
    expect(json.mediaType).toBe(docker ? 'application/vnd.docker.distribution.manifest.list.v2+json' : 'application/vnd.oci.image.index.v1+json')
    expect(json.manifests.map((m) => [m.digest, `${m.platform.os}/${m.platform.architecture}`])).toEqual([
      [amd64, 'linux/amd64'],
      [arm64, 'linux/arm64']
    ])
  })

  it('docker buildx imagetools inspect agrees', async () => {
    const missing = builderUnavailable('buildx-docker')
    if (missing && !REQUIRE) return void process.stderr.write(`[e2e] imagetools check skipped: ${missing}\n`)
    await installBuildx(configDir)
    const view = await imagetoolsInspect(run.outputs.pinned as string, configDir)
    expect(view.digest).toBe(run.outputs.digest)
    expect(view.manifests.map((m) => [m.digest, m.platform])).toEqual([
      [amd64, 'linux/amd64'],
      [arm64, 'linux/arm64']
    ])
  })

  it('the summary starts with the pinned index; metadata carries commit and build numbers', () => {
    expect(run.summary.split('\n').slice(2, 5)).toEqual(['```text', run.outputs.pinned, '```'])
    expect(run.summary).toContain('#### Platforms')
    const meta = JSON.parse(run.outputs.metadata as string)
    expect(meta.platforms).toEqual([
      expect.objectContaining({ platform: 'linux/amd64', commit: ws.sha, buildNumber: '42' }),
      expect.objectContaining({ platform: 'linux/arm64', commit: ws.sha, buildNumber: '42' })
    ])
  })

  it('re-running the same merge is idempotent: same digest', async () => {
    const again = await merge({ image: image(), sources: 'sha-{{sha}}-linux-arm64\nsha-{{sha}}-linux-amd64', tags: 'v1.4.2', ...(mode === 'token' ? { username: token.username as string, password: token.password as string } : {}) })
    expect(again.code).toBe(0)
    expect(again.outputs.digest).toBe(run.outputs.digest)
  })

  if (mode === 'token') {
    it('asks the token service for push on the image (username/password used directly, no docker login)', () => {
      const scopes = (token.tokenIssuer?.requests ?? []).flatMap((r) => r.scope)
      expect(scopes).toContain(`repository:${repo}:pull,push`)
    })
  }

  if (mode === 'anonymous') {
    browserTest('the summary renders as GitHub shows it: no raw markdown, the pinned index copyable, nothing overflows', async () => {
      const r = await renderSummary(run.summary, { name: 'merge' })
      expect(r.artefacts).toEqual([])
      expect(r.pre.find((p) => p.visible)?.text).toBe(run.outputs.pinned)
      // a code block never wraps (the copy button copies it as it is): only the one-line pinned reference may scroll
      expect(r.widths.flatMap((w) => w.overflows).filter((o) => !(o.tag === 'pre' && (run.outputs.pinned as string).startsWith(o.text.slice(0, 40))))).toEqual([])
      expect(r.tables[0]?.headers).toEqual(['Platform', 'Digest', 'Commit', 'Build', 'Source'])
    })

    it('docker pull --platform linux/arm64 <pinned> gets the arm64 manifest', async () => {
      const pinned = run.outputs.pinned as string
      await runOk('docker', ['pull', '--platform', 'linux/arm64', pinned], { timeoutMs: 120_000 })
      localTags.push(pinned)
      const held = await inspectPlatform(pinned, { os: 'linux', architecture: 'arm64' })
      expect(held.architecture).toBe('arm64')
      expect(held.repoDigests.join(' ')).toContain(run.outputs.digest as string)
    }, 180_000)
  }
})

describe.each(['anonymous', 'token'] as const)('the matrix workflow: linux/amd64 and linux/arm64 built by the build action (remote builder), merged (%s registry)', (mode) => {
  const reg = (): TestRegistry => (mode === 'anonymous' ? anon : token)
  const repo = `e2e/matrix-${mode}`
  const image = (): string => `${reg().host}/${repo}`
  const creds = (): { username?: string; password?: string } => (mode === 'token' ? { username: token.username, password: token.password } : {})
  let daemon: Buildkitd | undefined
  let builds: ActionRun[] = []
  let run: ActionRun | undefined
  let why: string | undefined

  beforeAll(async () => {
    why = builderUnavailable('buildx-remote')
    if (why) {
      if (REQUIRE) throw new Error(why)
      process.stderr.write(`[e2e] matrix merge skipped: ${why}\n`)
      return
    }
    await installBuildx(configDir)
    daemon = await startBuildkitd()
    const builder = await createRemoteBuilder(configDir, `e2e-matrix-${mode}`, daemon.addr)
    // the two matrix jobs, one after the other here: same commit, same run number, one platform each
    builds = []
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      builds.push(
        await runAction({
          workspace: ws.dir,
          inputs: { image: image(), tags: 'sha-{{sha}}-{{platform}}', platforms: platform, summary: 'false' },
          env: { DOCKER_CONFIG: configDir, BUILDX_BUILDER: builder }
        })
      )
    }
    for (const b of builds) if (b.code !== 0) throw new Error(`build action failed: ${explain(b)}`)
    run = await merge({ image: image(), sources: 'sha-{{sha}}-linux-amd64\nsha-{{sha}}-linux-arm64', tags: 'v1.4.2, sha-{{sha}}' })
  }, 300_000)
  afterAll(async () => {
    await daemon?.stop()
  })

  it('the index lists exactly the two images the build action reported, with their platforms, and keeps their attestations', async () => {
    if (why) return
    const r = run as ActionRun
    if (r.code !== 0) console.log(explain(r))
    expect(r.code).toBe(0)
    const built = builds.map((b) => JSON.parse(b.outputs.platforms as string) as Record<string, string>)
    const expected = { ...built[0], ...built[1] }
    expect(Object.keys(expected)).toEqual(['linux/amd64', 'linux/arm64'])
    expect(JSON.parse(r.outputs.platforms as string)).toEqual(expected)
    const { bytes, json } = await skopeoRaw(`${image()}:v1.4.2`, creds())
    expect(await sha256(bytes)).toBe(r.outputs.digest)
    const images = json.manifests.filter((m) => m.platform.os !== 'unknown')
    expect(images.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest])).toEqual(Object.entries(expected))
    // provenance (buildx's default on this builder): one attestation manifest per image, pointing at it
    const attestations = json.manifests.filter((m) => m.platform.os === 'unknown')
    for (const a of attestations) expect(images.map((m) => m.digest)).toContain(a.annotations?.['vnd.docker.reference.digest'])
    const sourceAttestations = await Promise.all(
      builds.map(async (b) => (await skopeoRaw(`${image()}@${b.outputs.digest}`, creds())).json.manifests.filter((m) => m.platform.os === 'unknown').length)
    )
    expect(attestations.length).toBeGreaterThan(0)
    expect(attestations).toHaveLength(sourceAttestations.reduce((a, b) => a + b, 0))
  })

  it('docker buildx imagetools inspect shows the same platforms', async () => {
    if (why) return
    const view = await imagetoolsInspect((run as ActionRun).outputs.pinned as string, configDir)
    expect(view.digest).toBe((run as ActionRun).outputs.digest)
    expect(view.manifests.filter((m) => m.platform !== 'unknown/unknown').map((m) => m.platform)).toEqual(['linux/amd64', 'linux/arm64'])
  })

  if (mode === 'anonymous') {
    it('docker pull --platform linux/arm64 <pinned> on the engine gets the arm64 manifest', async () => {
      if (why) return
      const r = run as ActionRun
      const pinned = r.outputs.pinned as string
      await runOk('docker', ['pull', '--platform', 'linux/arm64', pinned], { timeoutMs: 120_000 })
      localTags.push(pinned)
      expect((await inspectPlatform(pinned, { os: 'linux', architecture: 'arm64' })).architecture).toBe('arm64')
    }, 180_000)
  }
})

describe('merge: sources with provenance (BuildKit, remote builder) keep their attestations', () => {
  let buildkitd: Buildkitd | undefined
  const unavailable = (): string | undefined => builderUnavailable('buildx-remote')
  afterAll(async () => {
    await buildkitd?.stop()
  })

  it('an index source with provenance + an arm/v7 image: every platform and both attestation manifests, pointing at the right digests', async () => {
    const why = unavailable()
    if (why) {
      if (REQUIRE) throw new Error(why)
      return void process.stderr.write(`[e2e] provenance merge skipped: ${why}\n`)
    }
    await installBuildx(configDir)
    buildkitd = await startBuildkitd()
    const builder = await createRemoteBuilder(configDir, 'e2e-merge-remote', buildkitd.addr)
    const repo = 'e2e/merge-provenance'
    const pushed = await pushMultiPlatform({ configDir, builder, tags: [`${anon.host}/${repo}:multi`], provenance: true, labels: runLabels() })
    const v7 = await pushTestImage(anon, repo, 'v7', { platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, labels: runLabels() })
    const source = await skopeoRaw(`${anon.host}/${repo}@${pushed.digest}`)
    const attestations = source.json.manifests.filter((m) => m.platform.os === 'unknown')
    expect(attestations).toHaveLength(2)

    const run = await merge({ image: `${anon.host}/${repo}`, sources: 'multi\nv7', tags: 'all' })
    expect(run.code).toBe(0)
    if (run.code !== 0) return console.log(explain(run))
    const merged = await skopeoRaw(run.outputs.pinned as string)
    expect(merged.json.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    const images = merged.json.manifests.filter((m) => m.platform.os !== 'unknown')
    expect(images.map((m) => `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}`)).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64'])
    expect(images.find((m) => m.platform.variant === 'v7')?.digest).toBe(v7.digest)
    const kept = merged.json.manifests.filter((m) => m.platform.os === 'unknown')
    expect(kept.map((m) => m.digest).sort()).toEqual(attestations.map((m) => m.digest).sort())
    for (const a of kept) {
      const target = a.annotations?.['vnd.docker.reference.digest']
      expect(images.map((m) => m.digest)).toContain(target)
      expect(a.annotations?.['vnd.docker.reference.type']).toBe('attestation-manifest')
    }
    const view = await imagetoolsInspect(run.outputs.pinned as string, configDir)
    expect(view.manifests.map((m) => m.platform)).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64', 'unknown/unknown', 'unknown/unknown'])
  }, 300_000)
})

describe('merge: failures write nothing', () => {
  let proxy: FaultProxy
  const repo = 'e2e/merge-fail'
  const image = (): string => `${proxy.host}/${repo}`
  beforeAll(async () => {
    proxy = await startFaultProxy(anon)
    await pushTestImage(anon, repo, 'amd', { platform: { os: 'linux', architecture: 'amd64' }, labels: runLabels() })
    await pushTestImage(anon, repo, 'arm', { platform: { os: 'linux', architecture: 'arm64' }, labels: runLabels() })
    await pushTestImage(anon, repo, 'arm-old', { platform: { os: 'linux', architecture: 'arm64' }, labels: runLabels('1'.repeat(40)), salt: 'old' })
    await pushTestImage(anon, repo, 'amd-too', { platform: { os: 'linux', architecture: 'amd64' }, labels: runLabels(), salt: 'too' })
  })
  afterAll(async () => {
    await proxy?.stop()
  })

  async function failsWithoutWriting(sources: string, message: RegExp): Promise<ActionRun> {
    const before = await tagList(anon, repo)
    proxy.requests.length = 0
    const run = await merge({ image: image(), sources, tags: 'never' })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toMatch(message)
    expect(run.outputs).toEqual({})
    expect(proxy.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([])
    expect(await tagList(anon, repo)).toEqual(before)
    return run
  }

  it('mismatched commits', async () => {
    await failsWithoutWriting('amd\narm-old', /the sources were built from different commits/)
  })
  it('a duplicate platform', async () => {
    await failsWithoutWriting('amd\namd-too\narm', /platform linux\/amd64 comes from more than one image: 'amd' \(sha256:\w+\), 'amd-too'/)
  })
  it('a missing source', async () => {
    await failsWithoutWriting('amd\nsha-{{sha}}-linux-s390x', /source 'sha-\{\{sha\}\}-linux-s390x' was not found/)
  })
  it('another registry: a clear error before any request', async () => {
    await failsWithoutWriting(`amd\n${anon.host}/${repo}:arm`, /is in registry 127\.0\.0\.1:\d+, but the index goes to 127\.0\.0\.1:\d+: a merge references its children, it copies no layers between registries/)
    expect(proxy.requests).toEqual([])
  })
})

describe('merge: a source in another repository of the registry is mounted', () => {
  it('mounts its blobs, copies its manifest by digest, and the index is complete in the target repository', async () => {
    const proxy = await startFaultProxy(token)
    try {
      const armRepo = 'e2e/merge-src-arm'
      const repo = 'e2e/merge-target'
      await pushTestImage(token, repo, 'amd', { platform: { os: 'linux', architecture: 'amd64' }, labels: runLabels() })
      const arm = await pushTestIndex(token, armRepo, 'arm', { platforms: [{ os: 'linux', architecture: 'arm64' }], commit: ws.sha, buildNumber: '42' })
      const run = await merge({ image: `${proxy.host}/${repo}`, sources: `amd\n${proxy.host}/${armRepo}:arm`, tags: 'v1', username: token.username as string, password: token.password as string })
      expect(run.code).toBe(0)
      if (run.code !== 0) return console.log(explain(run))
      const mounts = proxy.requests.filter((r) => r.method === 'POST' && r.path.includes('mount='))
      expect(mounts.length).toBeGreaterThanOrEqual(3)
      expect(mounts.every((m) => m.status === 201)).toBe(true)
      for (const digest of [arm.platforms[0]?.digest, arm.attestations[0]?.digest]) {
        expect((await rawManifest(token, repo, digest as string)).status).toBe(200)
      }
      const merged = await skopeoRaw(`${token.host}/${repo}@${run.outputs.digest}`, { username: token.username, password: token.password })
      expect(merged.json.manifests.map((m) => m.digest)).toContain(arm.platforms[0]?.digest)
      const scopes = (token.tokenIssuer?.requests ?? []).flatMap((r) => r.scope)
      expect(scopes).toContain(`repository:${armRepo}:pull`)
    } finally {
      await proxy.stop()
    }
  })
})

describe('merge: faults on its own requests (0 wrong digests)', () => {
  let proxy: FaultProxy
  const repo = 'e2e/merge-faults'
  const image = (): string => `${proxy.host}/${repo}`
  const sources = 'amd\narm'
  let expected: string
  beforeAll(async () => {
    proxy = await startFaultProxy(anon)
    await pushTestImage(anon, repo, 'amd', { platform: { os: 'linux', architecture: 'amd64' }, labels: runLabels() })
    await pushTestImage(anon, repo, 'arm', { platform: { os: 'linux', architecture: 'arm64' }, labels: runLabels() })
    await pushTestImage(anon, 'e2e/merge-faults-src', 'arm', { platform: { os: 'linux', architecture: 'arm64' }, labels: runLabels(), salt: 'elsewhere' })
    const clean = await merge({ image: image(), sources, tags: 'clean' })
    if (clean.code !== 0) throw new Error(explain(clean))
    expected = clean.outputs.digest as string
  })
  afterAll(async () => {
    await proxy?.stop()
  })
  beforeEach(() => {
    proxy.clear()
    proxy.requests.length = 0
  })

  /** The run either fails with no outputs, or reports exactly the digest the registry serves for its tag. */
  async function noWrongDigest(run: ActionRun, tag: string): Promise<'ok' | 'failed'> {
    if (run.code !== 0) {
      expect(run.outputs).toEqual({})
      return 'failed'
    }
    const raw = await rawManifest(anon, repo, tag)
    expect(raw.digest).toBe(run.outputs.digest)
    return 'ok'
  }

  it('429 twice on the PUT of the index: retried, the right digest', async () => {
    proxy.addRule({ method: 'PUT', path: manifestPath(repo, 'r429'), fault: tooManyRequests('0'), times: 2 })
    const run = await merge({ image: image(), sources, tags: 'r429' })
    expect(await noWrongDigest(run, 'r429')).toBe('ok')
    expect(run.outputs.digest).toBe(expected)
    expect(proxy.requests.filter((r) => r.fault?.startsWith('status:429'))).toHaveLength(2)
  })

  it('503 on a tag PUT: retried, the right digest', async () => {
    proxy.addRule({ method: 'PUT', path: manifestPath(repo, 'r503'), fault: unavailable('0'), times: 1 })
    const run = await merge({ image: image(), sources, tags: 'r503' })
    expect(await noWrongDigest(run, 'r503')).toBe('ok')
    expect(run.outputs.digest).toBe(expected)
  })

  it('every PUT answered 201 without storing: the read-back fails, no digest', async () => {
    proxy.addRule({ method: 'PUT', path: manifestPath(repo, 'digest'), fault: { acceptWithoutStoring: true }, times: Infinity })
    proxy.addRule({ method: 'PUT', path: manifestPath(repo, 'ghost'), fault: { acceptWithoutStoring: true }, times: Infinity })
    const salted = await pushTestImage(anon, repo, 'arm-ghost', { platform: { os: 'linux', architecture: 'arm64' }, labels: runLabels(), salt: 'ghost' })
    expect(salted.digest).toBeDefined()
    const run = await merge({ image: image(), sources: 'amd\narm-ghost', tags: 'ghost' })
    expect(await noWrongDigest(run, 'ghost')).toBe('failed')
    expect(run.stdout).toMatch(/accepted the index but does not serve .*: nothing was stored/)
  })

  it('a mount answered 201 that mounted nothing: the child manifest PUT is refused, no index, no digest', async () => {
    proxy.addRule({ method: 'POST', path: /\/blobs\/uploads\/\?(.*&)?mount=/, fault: { acceptWithoutStoring: true }, times: Infinity })
    const run = await merge({ image: image(), sources: `amd\n${proxy.host}/e2e/merge-faults-src:arm`, tags: 'fake-mount' })
    expect(await noWrongDigest(run, 'fake-mount')).toBe('failed')
    expect(await tagList(anon, repo)).not.toContain('fake-mount')
  })

  it('mounts refused (202): small blobs are copied through the runner, the right digest', async () => {
    proxy.addRule({ method: 'POST', path: /\/blobs\/uploads\/\?(.*&)?mount=/, fault: { refuseMount: true }, times: Infinity })
    const run = await merge({ image: image(), sources: `amd\n${proxy.host}/e2e/merge-faults-src:arm`, tags: 'refused-mount' })
    expect(await noWrongDigest(run, 'refused-mount')).toBe('ok')
    expect(run.stdout).toMatch(/declined to mount sha256:\w+ from e2e\/merge-faults-src; copying it/)
  })

  it('a registry that stops answering: the step fails within registry-timeout, naming the host, with no outputs', async () => {
    proxy.addRule(hungRegistry({ all: true }))
    const run = await merge({ image: image(), sources, tags: 'hung', 'registry-timeout': '2' })
    expect(run.code).not.toBe(0)
    expect(run.outputs).toEqual({})
    expect(run.durationMs).toBeLessThan(2_000 + 3_000)
    expect(run.stdout).toContain(proxy.host)
    expect(run.stdout).toMatch(/registry-timeout/)
  })

  it('a mirror that alters GETs by tag (F3), HEADs intact: the HEAD’s digest and a GET by digest give the right index', async () => {
    proxy.addRule({ method: 'GET', path: manifestPath(repo, 'tag'), fault: { appendNewline: true }, times: Infinity })
    const run = await merge({ image: image(), sources, tags: 'mirror' })
    expect(await noWrongDigest(run, 'mirror')).toBe('ok')
    expect(run.outputs.digest).toBe(expected)
  })

  it('a tampering mirror on the sources’ tags, HEADs without digest too (F3): a clear failure, nothing written', async () => {
    for (const r of tamperingMirror({ repo })) proxy.addRule(r)
    const run = await merge({ image: image(), sources, tags: 'mirror2' })
    expect(await noWrongDigest(run, 'mirror2')).toBe('failed')
    expect(run.stdout).toMatch(/with sha256:\w+, but holds no manifest under that digest/)
    expect(proxy.requests.filter((r) => r.method === 'PUT' || r.method === 'POST')).toEqual([])
  })
})
