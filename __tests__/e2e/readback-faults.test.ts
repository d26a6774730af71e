/**
 * The read-back of what was pushed, under faults (issues 9 and 14): image indexes with attestation manifests, a
 * tampering mirror (F3) on the build and resolve actions, and another build's image under our tag (F1, F2).
 *
 * The index scenarios put what buildx pushes for a multi-platform build with provenance into a real distribution
 * registry (pushTestIndex), and run the bundled build action with a stand-in `docker` on PATH whose build writes the
 * image ID (the index digest, as the containerd image store reports it) and whose push prints the index digest (or
 * nothing, as podman-docker does): the push is the fixture's, the read-back is the action's, through the fault proxy.
 * The F1/F2 scenarios use the real docker engine (legacy builder) behind a thin wrapper.
 *
 * Every scenario ends in the right digest (what the registry holds, read upstream with skopeo) or a clear failure
 * with no outputs; the table of outcomes is printed at the end, with the number of wrong digests (must be 0).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeDockerConfig } from './support/docker-config'
import { dockerBuild, dockerRmi, engineStore } from './support/docker'
import { manifestPath, manifestUnknown, startFaultProxy, tamperingMirror, type FaultProxy, type FaultRule } from './support/fault-proxy'
import { skopeoDigest } from './support/inspect'
import { repoRoot } from './support/node24'
import { MEDIA, pushTestImage, pushTestIndex, type TestIndex } from './support/oci-fixture'
import { makeTempDir, removeDir, runOk, sleep } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

const REPO = 'e2e/readback'
const RESOLVE_ENTRY = join(repoRoot, 'dist', 'resolve', 'index.js')
let reg: TestRegistry
let proxy: FaultProxy
let ws: Workspace
let configDir: string
let binDir: string
/** The labels this workspace's build plans (read from a `push: false` run): what the fixtures carry. */
let labels: Record<string, string>
const refs: string[] = []

interface Row {
  scenario: string
  injected: number
  outcome: 'survived' | 'clear failure'
  wrongDigests: number
}
const table: Row[] = []

/**
 * A stand-in for `docker` without buildx on an engine with the containerd image store: build writes $SHIM_IID to the
 * iidfile; push prints $SHIM_PUSH_DIGEST when set.
 */
const SHIM = `#!/bin/bash
case "$1" in
  version) echo 29.0.0 ;;
  info) echo '[["driver-type","io.containerd.snapshotter.v1"]]' ;;
  build)
    while [ $# -gt 0 ]; do
      if [ "$1" = --iidfile ]; then printf '%s' "$SHIM_IID" > "$2"; fi
      shift
    done
    echo "shim: built" ;;
  push)
    if [ -n "$SHIM_PUSH_DIGEST" ]; then echo "\${2##*:}: digest: $SHIM_PUSH_DIGEST size: 1234"; fi ;;
  # what docker says without the buildx plugin: the action takes the docker build + docker push path
  *) echo "docker: unknown command: docker $1" >&2; exit 1 ;;
esac
`

/**
 * The real docker with two race switches: $WRAP_RETAG (an image re-tagged as the pushed reference right before the
 * push: another build on the same daemon replacing our local tag, F1) and $WRAP_NO_DIGEST (push prints no digest
 * line, as podman-docker, F2).
 */
const wrapper = (real: string): string => `#!/bin/bash
if [ "$1" = push ]; then
  if [ -n "$WRAP_RETAG" ]; then "${real}" tag "$WRAP_RETAG" "$2" || exit 1; fi
  if [ -n "$WRAP_NO_DIGEST" ]; then
    "${real}" "$@" | sed '/ digest: sha256:/d'
    exit \${PIPESTATUS[0]}
  fi
fi
exec "${real}" "$@"
`

beforeAll(async () => {
  reg = await startRegistry({ auth: 'htpasswd' })
  proxy = await startFaultProxy(reg)
  ws = await makeWorkspace()
  configDir = await makeTempDir('readback-faults-config')
  binDir = await makeTempDir('readback-faults-bin')
  const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64')
  writeDockerConfig(configDir, { auths: { [reg.host]: { auth }, [proxy.host]: { auth } } })
  for (const [name, text] of [
    ['shim/docker', SHIM],
    ['wrap/docker', wrapper((await runOk('bash', ['-c', 'command -v docker'])).stdout.trim())]
  ] as const) {
    await runOk('mkdir', ['-p', join(binDir, name, '..')])
    writeFileSync(join(binDir, name), text)
    chmodSync(join(binDir, name), 0o755)
  }
  const planned = await build('plan', { push: 'false' }, { SHIM_IID: `sha256:${'0'.repeat(64)}` })
  if (planned.code !== 0) throw new Error(`push: false run failed:\n${actionLog(planned)}`)
  labels = JSON.parse(planned.outputs.labels as string) as Record<string, string>
}, 120_000)

afterAll(async () => {
  const lines = [
    '| scenario | times injected | outcome | wrong digests |',
    '| --- | ---: | --- | ---: |',
    ...table.map((r) => `| ${r.scenario} | ${r.injected} | ${r.outcome} | ${r.wrongDigests} |`),
    `| **total** | **${table.reduce((n, r) => n + r.injected, 0)}** | ${table.filter((r) => r.outcome === 'survived').length} survived, ${table.filter((r) => r.outcome !== 'survived').length} clear failures | **${table.reduce((n, r) => n + r.wrongDigests, 0)}** |`
  ]
  console.log(`Read-back fault table (${table.length} scenarios):\n${lines.join('\n')}`)
  await proxy?.stop()
  await reg?.stop()
  await ws?.cleanup()
  await removeDir(configDir)
  await removeDir(binDir)
  await cleanupActionRuns()
  await dockerRmi(refs)
})

const creds = () => ({ username: reg.username as string, password: reg.password as string })
const upstream = (tag: string) => `${reg.host}/${REPO}:${tag}`

/** The build action on this workspace through the proxy, with the shim (default) or the wrapped real docker. */
function build(tag: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}, docker: 'shim' | 'wrap' = 'shim'): Promise<ActionRun> {
  return runAction({
    workspace: ws.dir,
    inputs: { image: `${proxy.host}/${REPO}`, tags: tag, ...inputs },
    env: { DOCKER_CONFIG: configDir, PATH: `${join(binDir, docker)}:${process.env.PATH}`, ...env }
  })
}

function errors(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => (m[1] as string).replace(/%0A/g, '\n'))
}

/**
 * Runs `act` with `rules` in place and records the row. `survive`: exit 0 and `digest` = what the tag holds upstream
 * (skopeo). `fail`: non-zero, no outputs, one ::error:: matching it. A success with any other digest is counted as a
 * wrong digest before the test fails.
 */
async function scenario(
  name: string,
  tag: string,
  rules: FaultRule[],
  expected: { survive: true } | { fail: RegExp; anyDigestIsWrong?: boolean },
  act: () => Promise<ActionRun>
): Promise<ActionRun> {
  proxy.clear()
  const first = proxy.requests.length
  for (const r of rules) proxy.addRule(r)
  const run = await act()
  const injected = proxy.requests.slice(first).filter((r) => r.fault).length
  const row: Row = { scenario: name, injected, outcome: 'survived', wrongDigests: 0 }
  table.push(row)
  const log = actionLog(run)
  if (rules.length > 0) expect(injected).toBeGreaterThan(0) // the fault really happened
  const held = await skopeoDigest(upstream(tag), creds()).catch(() => undefined)
  // another build's image under our tag: whatever digest is reported, it is not this build's
  const anyWrong = 'fail' in expected && expected.anyDigestIsWrong === true
  if (run.code === 0 && run.outputs.digest !== undefined && (anyWrong || run.outputs.digest !== held)) row.wrongDigests++
  if ('survive' in expected) {
    if (run.code !== 0) throw new Error(`expected ${name} to survive, it failed:\n${log}`)
    expect(run.outputs.digest).toBe(held)
  } else {
    if (run.code === 0) throw new Error(`expected a clear failure for ${name}, it succeeded with ${run.outputs.digest}:\n${log}`)
    row.outcome = 'clear failure'
    expect(run.outputs).toEqual({})
    expect(errors(run)).toHaveLength(1)
    expect(errors(run)[0]).toMatch(expected.fail)
  }
  return run
}

/** The index as buildx pushes it (provenance on), under `tag`, with this workspace's labels on every platform. */
async function pushed(tag: string, opts: { format?: 'oci' | 'docker' } = {}): Promise<TestIndex> {
  return pushTestIndex(reg, REPO, tag, { labels, salt: tag, ...opts })
}

/** Runs the build action whose (stand-in) build and push produced `index`. */
const buildIndex = (index: TestIndex, tag: string) => () => build(tag, {}, { SHIM_IID: index.digest, SHIM_PUSH_DIGEST: index.digest })

/** The index's children as `skopeo inspect --raw` shows them: platform → digest, and the attestation digests. */
async function skopeoChildren(tag: string): Promise<{ platforms: Record<string, string>; attestations: string[] }> {
  const { stdout } = await runOk('skopeo', ['inspect', '--tls-verify=false', '--raw', `--creds=${reg.username}:${reg.password}`, `docker://${upstream(tag)}`], { timeoutMs: 60_000 })
  const index = JSON.parse(stdout) as { manifests: Array<{ digest: string; platform?: { os: string; architecture: string; variant?: string } }> }
  const platforms: Record<string, string> = {}
  const attestations: string[] = []
  for (const m of index.manifests) {
    if (m.platform?.os === 'unknown') attestations.push(m.digest)
    else if (m.platform) platforms[[m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/')] = m.digest
  }
  return { platforms, attestations }
}

describe('index read-back', () => {
  test('no fault: index digest, every platform digest (= skopeo --raw), attestations listed apart, labels on every platform', async () => {
    const index = await pushed('i-ok')
    const run = await scenario('index with provenance, no fault', 'i-ok', [], { survive: true }, buildIndex(index, 'i-ok'))
    const children = await skopeoChildren('i-ok')
    expect(run.outputs.digest).toBe(index.digest)
    expect(JSON.parse(run.outputs.platforms as string)).toEqual(children.platforms)
    expect(Object.keys(children.platforms)).toEqual(['linux/amd64', 'linux/arm64'])
    expect(children.attestations).toHaveLength(2)
    const metadata = JSON.parse(run.outputs.metadata as string) as Record<string, unknown>
    expect(metadata['containerimage.digest']).toBe(index.digest)
    expect(metadata['containerimage.config.digest']).toBe(index.platforms[0]?.config.digest)
    expect(metadata.mediaType).toBe(MEDIA.ociIndex)
    expect(run.summary).toContain('Attestations: provenance attached, SBOM not attached (2 attestation manifests in the index, not platforms).')
    expect(run.summary).not.toContain('unknown/unknown')
    for (const a of children.attestations) expect(run.stdout).toMatch(new RegExp(`attestation ${a} for linux/(amd64|arm64): https://slsa.dev/provenance/v0.2`))
    // every child was read by digest through the proxy, and every platform's config
    const paths = proxy.requests.map((r) => `${r.method} ${r.path}`)
    for (const d of [...index.platforms.map((p) => p.digest), ...index.attestations.map((a) => a.digest)]) expect(paths).toContain(`GET /v2/${REPO}/manifests/${d}`)
    for (const p of index.platforms) expect(paths).toContain(`GET /v2/${REPO}/blobs/${p.config.digest}`)
  })

  test('a Docker manifest list (provenance off): platforms, no attestations', async () => {
    const index = await pushed('i-list', { format: 'docker' })
    const run = await scenario('manifest list without attestations, no fault', 'i-list', [], { survive: true }, buildIndex(index, 'i-list'))
    expect(JSON.parse(run.outputs.platforms as string)).toEqual((await skopeoChildren('i-list')).platforms)
    expect(run.summary).toContain('Attestations: none (no provenance, no SBOM attached).')
  })

  test('a platform manifest that 404s (GET and HEAD): clear failure naming it', async () => {
    const index = await pushed('i-404')
    const arm = index.platforms[1]?.digest as string
    await scenario('platform manifest (linux/arm64) answers 404', 'i-404', [{ path: manifestPath(REPO, arm), fault: manifestUnknown(), times: Infinity }], {
      fail: new RegExp(`index ${index.digest} in 127\\.0\\.0\\.1:\\d+/${REPO} lists the linux/arm64 manifest ${arm}, which the registry does not hold \\(HTTP 404\\)`)
    }, buildIndex(index, 'i-404'))
  })

  test('an attestation manifest that 404s: survives (the images are intact), with a warning naming it', async () => {
    const index = await pushed('i-att404')
    const att = index.attestations[0]?.digest as string
    const run = await scenario('attestation manifest answers 404', 'i-att404', [{ path: manifestPath(REPO, att), fault: manifestUnknown(), times: Infinity }], { survive: true }, buildIndex(index, 'i-att404'))
    expect(run.stdout).toContain(`::warning::Attestation manifest ${att} (for linux/amd64) is listed in index ${index.digest} but`)
    expect(JSON.parse(run.outputs.platforms as string)).toEqual((await skopeoChildren('i-att404')).platforms)
  })

  test('a platform child whose bytes do not match its descriptor: inconsistent data', async () => {
    const index = await pushed('i-corrupt')
    const amd = index.platforms[0]?.digest as string
    await scenario('platform manifest bytes ≠ descriptor (header keeps the true digest)', 'i-corrupt', [{ method: 'GET', path: manifestPath(REPO, amd), fault: { corruptBody: true } }], {
      fail: /returned inconsistent data/
    }, buildIndex(index, 'i-corrupt'))
  })

  test('an attestation child whose bytes do not match its descriptor: inconsistent data', async () => {
    const index = await pushed('i-attcorrupt')
    const att = index.attestations[1]?.digest as string
    await scenario('attestation manifest bytes ≠ descriptor', 'i-attcorrupt', [{ method: 'GET', path: manifestPath(REPO, att), fault: { corruptBody: true } }], {
      fail: /returned inconsistent data/
    }, buildIndex(index, 'i-attcorrupt'))
  })

  test('an index whose Content-Type lies (a single-image type, on HEAD and GET): still read as an index', async () => {
    const index = await pushed('i-ctype')
    const lie = { setHeaders: { 'content-type': MEDIA.dockerManifest } }
    const run = await scenario('index served as a single-image Content-Type', 'i-ctype', [
      { method: 'HEAD', path: manifestPath(REPO, 'i-ctype'), fault: lie, times: Infinity },
      { method: 'GET', path: manifestPath(REPO, index.digest), fault: lie, times: Infinity }
    ], { survive: true }, buildIndex(index, 'i-ctype'))
    expect(JSON.parse(run.outputs.metadata as string)).toMatchObject({ mediaType: MEDIA.ociIndex })
    expect(Object.keys(JSON.parse(run.outputs.platforms as string))).toEqual(['linux/amd64', 'linux/arm64'])
  })

  test('no push digest and no Docker-Content-Digest anywhere on the tag: the index is confirmed by digest', async () => {
    const index = await pushed('i-nohdr')
    const drop = { dropHeaders: ['docker-content-digest'] }
    const run = await scenario('no push digest, tag answers without Docker-Content-Digest', 'i-nohdr', [
      { path: manifestPath(REPO, 'i-nohdr'), fault: drop, times: Infinity }
    ], { survive: true }, () => build('i-nohdr', {}, { SHIM_IID: index.digest }))
    expect(proxy.requests.some((r) => r.method === 'GET' && r.path === `/v2/${REPO}/manifests/${index.digest}`)).toBe(true)
    expect(run.outputs.digest).toBe(index.digest)
  })
})

describe('F3: a tampering mirror (GET by tag: `\\n` appended, no Docker-Content-Digest)', () => {
  test('build, no push digest: a clear failure, not the hash of the altered bytes', async () => {
    const img = await pushTestImage(reg, REPO, 'f3-build', { labels, salt: 'f3-build' })
    await scenario('F3 build: tampering mirror, no push digest', 'f3-build', tamperingMirror({ repo: REPO }), {
      fail: /answered 127\.0\.0\.1:\d+\/e2e\/readback:f3-build with sha256:\w+, but holds no manifest under that digest \(GET by digest: HTTP 404/
    }, () => build('f3-build', {}, { SHIM_IID: img.config.digest }))
  })

  test('resolve: a clear failure (also with fail-on-missing: false: it is not a missing image)', async () => {
    await pushTestImage(reg, REPO, 'f3-resolve', { labels, salt: 'f3-resolve' })
    const resolve = (extra: Record<string, string> = {}) => () =>
      runAction({ entry: RESOLVE_ENTRY, workspace: ws.dir, inputs: { images: `${proxy.host}/${REPO}:f3-resolve`, ...extra }, env: { DOCKER_CONFIG: configDir } })
    const variants: Array<Record<string, string>> = [{}, { 'fail-on-missing': 'false' }]
    for (const extra of variants) {
      const run = await scenario(`F3 resolve: tampering mirror${extra['fail-on-missing'] ? ', fail-on-missing: false' : ''}`, 'f3-resolve', tamperingMirror({ repo: REPO }), {
        fail: /f3-resolve: registry 127\.0\.0\.1:\d+ answered .* but holds no manifest under that digest/
      }, resolve(extra))
      expect(run.stdout).not.toMatch(/::set-output|digest=sha256/)
    }
  })

  test('resolve through a mirror that only drops the header (bytes intact): the right digest, confirmed by digest', async () => {
    const img = await pushTestImage(reg, REPO, 'f3-ok', { labels, salt: 'f3-ok' })
    const run = await scenario('resolve: tag answers without Docker-Content-Digest, bytes intact', 'f3-ok', [
      { path: manifestPath(REPO, 'f3-ok'), fault: { dropHeaders: ['docker-content-digest'] }, times: Infinity }
    ], { survive: true }, () => runAction({ entry: RESOLVE_ENTRY, workspace: ws.dir, inputs: { images: `${proxy.host}/${REPO}:f3-ok` }, env: { DOCKER_CONFIG: configDir } }))
    expect(run.outputs.digest).toBe(img.digest)
  })
})

describe('the built image is the pushed image (real docker engine)', () => {
  test('F1: another build re-tags our reference before the push: fails naming both image IDs', async () => {
    const other = await makeWorkspace({ files: { 'hello.txt': 'the other build\n' } })
    const theirsRef = `${reg.host}/${REPO}:f1-theirs`
    refs.push(theirsRef, `${proxy.host}/${REPO}:f1`)
    try {
      const theirsId = await dockerBuild(other.dir, theirsRef, { labels })
      // the message names what it compared: their config on the classic store, their manifest on the containerd store
      const holds = (await engineStore()) === 'containerd' ? `manifest ${theirsId}` : `sha256:\\w+ \\(config ${theirsId}\\)`
      const kind = (await engineStore()) === 'containerd' ? 'manifest' : 'config'
      const run = await scenario('F1: local tag replaced by another build before docker push', 'f1', [], {
        fail: new RegExp(`the image in the registry is not the image this step built: 127\\.0\\.0\\.1:\\d+/${REPO}:f1 holds ${holds}, but the build produced image ID sha256:\\w+, a ${kind} digest`),
        anyDigestIsWrong: true
      }, () => build('f1', {}, { WRAP_RETAG: theirsRef }, 'wrap'))
      expect(errors(run)[0]).not.toContain(`image ID ${theirsId}`)
    } finally {
      await other.cleanup()
    }
  })

  test('F2: no push digest, the tag re-pointed to a build with identical labels before the read-back: not exit 0', async () => {
    const other = await makeWorkspace({ files: { 'hello.txt': 'another build, same labels\n' } })
    const theirsRef = upstream('f2')
    refs.push(`${proxy.host}/${REPO}:f2`)
    try {
      await dockerBuild(other.dir, `${reg.host}/${REPO}:f2-theirs`, { labels })
      refs.push(`${reg.host}/${REPO}:f2-theirs`)
      const run = await scenario('F2: no push digest, tag re-pointed (identical labels) before the read-back', 'f2', [
        // hold the read-back's HEAD of the tag while the other build is pushed over it upstream (the action's own
        // request: on the containerd image store docker push HEADs the tag too, before its PUT)
        { method: 'HEAD', userAgent: /^pinned-build-action/, path: manifestPath(REPO, 'f2'), fault: { delayMs: 4_000 } }
      ], { fail: /the image in the registry is not the image this step built: .* but the build produced image ID sha256:\w+/, anyDigestIsWrong: true }, async () => {
        const pending = build('f2', {}, { WRAP_NO_DIGEST: '1', REGISTRY_TIMEOUT_MS: '20000' }, 'wrap')
        const from = proxy.requests.length
        for (let i = 0; i < 1200 && !proxy.requests.slice(from).some((r) => r.fault?.startsWith('delay')); i++) await sleep(50)
        await runOk('docker', ['--config', configDir, 'tag', `${reg.host}/${REPO}:f2-theirs`, theirsRef])
        await runOk('docker', ['--config', configDir, 'push', theirsRef], { timeoutMs: 120_000 })
        refs.push(theirsRef)
        return pending
      })
      expect(run.stdout).not.toMatch(/ digest: sha256:\w+ size:/)
    } finally {
      await other.cleanup()
    }
  })
})
