import { describe, expect, it } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { mergeImages, type MergeDeps, type MergeResult } from '../../src/merge/main'
import { toMergeOutputs, renderMergeSummary } from '../../src/merge/report'
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/manifest'
import { captureStdout } from '../helpers/capture'
import { FakeRegistry, REALM, REGISTRY, digestOf, fakeRegistries } from '../helpers/fake-registry'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const OTHER = 'ffffffffffffffffffffffffffffffffffffffff'
const IMAGE = `${REGISTRY}/acme/api`
const dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'merge-unit-docker-'))

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  GITHUB_ACTIONS: 'true',
  GITHUB_SHA: SHA,
  GITHUB_REF: 'refs/heads/main',
  GITHUB_RUN_NUMBER: '7',
  GITHUB_RUN_ID: '4242',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_EVENT_NAME: 'push',
  DOCKER_CONFIG: dockerConfig,
  ...extra
})

const labels = (commit = SHA, build = '7'): Record<string, string> => ({ 'git-commit': commit, 'build-number': build })
const amd64 = { os: 'linux', architecture: 'amd64' }
const arm64 = { os: 'linux', architecture: 'arm64' }
const armv7 = { os: 'linux', architecture: 'arm', variant: 'v7' }

function deps(reg: FakeRegistry, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): MergeDeps {
  return {
    openRegistries: fakeRegistries(reg),
    readInput: (name) => inputs[name] ?? '',
    env: env(extraEnv),
    cwd: dockerConfig
  }
}

/** Runs the merge with stdout captured (no workflow commands on the console); returns the result or the error. */
async function merge(reg: FakeRegistry, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ result?: MergeResult; error?: Error; out: string }> {
  const r = await captureStdout(() => mergeImages(deps(reg, { image: IMAGE, ...inputs }, extraEnv)))
  return { ...(r.result && { result: r.result }), ...(r.error !== undefined && { error: r.error as Error }), out: r.out }
}

async function ok(reg: FakeRegistry, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Promise<MergeResult> {
  const r = await merge(reg, inputs, extraEnv)
  if (r.error) throw r.error
  return r.result as MergeResult
}

function held(reg: FakeRegistry, ref: string): { mediaType: string; manifests: Array<{ digest: string; mediaType: string; platform?: object; annotations?: Record<string, string> }>; annotations?: Record<string, string> } {
  const found = reg.manifests.get(`acme/api@${ref}`)
  if (!found) throw new Error(`registry holds nothing for ${ref}`)
  return JSON.parse(found.bytes.toString('utf8'))
}

/** Two per-platform images in acme/api, tagged as the build action's matrix would push them. */
function twoPlatforms(reg: FakeRegistry, opts: { format?: 'oci' | 'docker'; arm?: Record<string, string> } = {}) {
  const a = reg.putImage('acme/api', labels(), ['sha-a1b2c3d-linux-amd64'], { platform: amd64, format: opts.format, layer: 'amd64 layer' })
  const b = reg.putImage('acme/api', opts.arm ?? labels(), ['sha-a1b2c3d-linux-arm64'], { platform: arm64, format: opts.format, layer: 'arm64 layer' })
  return { a, b }
}

const SOURCES = 'sha-{{sha}}-linux-amd64\nsha-{{sha}}-linux-arm64'

describe('merge: the index', () => {
  it('joins two platform images into one OCI index, PUT once per tag, read back by digest', async () => {
    const reg = new FakeRegistry()
    const { a, b } = twoPlatforms(reg)
    const { report } = await ok(reg, { sources: SOURCES, tags: 'v1.4.2, sha-{{sha}}' })
    const index = held(reg, report.digest)
    expect(index.mediaType).toBe(OCI_INDEX)
    expect(index.manifests).toEqual([
      { mediaType: OCI_MANIFEST, digest: a.digest, size: a.bytes.length, platform: amd64 },
      { mediaType: OCI_MANIFEST, digest: b.digest, size: b.bytes.length, platform: arm64 }
    ])
    expect(index.annotations).toEqual({ 'org.opencontainers.image.revision': SHA, 'org.opencontainers.image.source': 'https://github.com/acme/app' })
    expect(reg.digest('acme/api', 'v1.4.2')).toBe(report.digest)
    expect(reg.digest('acme/api', 'sha-a1b2c3d')).toBe(report.digest)
    expect(report.digest).toBe(digestOf(reg.manifests.get(`acme/api@${report.digest}`)?.bytes ?? ''))

    const outputs = toMergeOutputs(report)
    expect(outputs.pinned).toBe(`${IMAGE}@${report.digest}`)
    expect(JSON.parse(outputs.platforms as string)).toEqual({ 'linux/amd64': a.digest, 'linux/arm64': b.digest })
    expect(outputs.tags).toBe(`${IMAGE}:v1.4.2\n${IMAGE}:sha-a1b2c3d`)
    expect(JSON.parse(outputs.metadata as string)).toMatchObject({ digest: report.digest, commit: SHA, platforms: [{ platform: 'linux/amd64', buildNumber: '7', source: 'sha-{{sha}}-linux-amd64' }, { platform: 'linux/arm64' }] })

    // requests: per source a HEAD of its tag, a GET of the manifest by digest (hashed) and one of its config; one PUT
    // per tag (none by digest: a PUT by tag stores it under its digest too); the read-back: GET of the index by digest
    // (hashed) beside one HEAD per tag (its digest confirmed by that GET)
    const calls = reg.requests.filter((r) => r.url !== `https://${REGISTRY}/v2/`).map((r) => `${r.method} ${new URL(r.url).pathname.replace(/sha256:[a-f0-9]{64}/g, (d) => (d === report.digest ? 'INDEX' : d === a.digest ? 'A' : d === b.digest ? 'B' : d === a.config ? 'CA' : d === b.config ? 'CB' : 'D'))}`)
    expect(calls.sort()).toEqual(
      [
        'HEAD /v2/acme/api/manifests/sha-a1b2c3d-linux-amd64',
        'HEAD /v2/acme/api/manifests/sha-a1b2c3d-linux-arm64',
        'GET /v2/acme/api/manifests/A',
        'GET /v2/acme/api/manifests/B',
        'GET /v2/acme/api/blobs/CA',
        'GET /v2/acme/api/blobs/CB',
        'PUT /v2/acme/api/manifests/v1.4.2',
        'PUT /v2/acme/api/manifests/sha-a1b2c3d',
        'GET /v2/acme/api/manifests/INDEX',
        'HEAD /v2/acme/api/manifests/v1.4.2',
        'HEAD /v2/acme/api/manifests/sha-a1b2c3d'
      ].sort()
    )
    // the same bytes under each tag, and nothing else: the registry stores them under their digest too
    const puts = reg.requests.filter((r) => r.method === 'PUT').map((r) => r.ref)
    expect(puts.sort()).toEqual(['sha-a1b2c3d', 'v1.4.2'])
  })

  it('is idempotent: the same sources give the same bytes and digest, whatever the order of the lines', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    const first = await ok(reg, { sources: SOURCES, tags: 'v1' })
    const second = await ok(reg, { sources: 'sha-{{sha}}-linux-arm64\nsha-{{sha}}-linux-amd64', tags: 'v1' })
    expect(second.report.digest).toBe(first.report.digest)
  })

  it('children are sorted by platform, variants included', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', labels(), ['arm'], { platform: armv7 })
    reg.putImage('acme/api', labels(), ['arm64'], { platform: arm64 })
    reg.putImage('acme/api', labels(), ['amd64'], { platform: amd64 })
    const { report } = await ok(reg, { sources: 'arm\narm64\namd64', tags: 'multi' })
    expect(held(reg, report.digest).manifests.map((m) => m.platform)).toEqual([amd64, armv7, arm64])
    expect(Object.keys(toMergeOutputs(report).platforms ? JSON.parse(toMergeOutputs(report).platforms as string) : {})).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64'])
  })

  it('all Docker v2 children: a Docker manifest list without annotations; explicit annotations make it an OCI index', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg, { format: 'docker' })
    const list = await ok(reg, { sources: SOURCES, tags: 'list' })
    const body = held(reg, list.report.digest)
    expect(body.mediaType).toBe(DOCKER_MANIFEST_LIST)
    expect(body.annotations).toBeUndefined()
    expect(body.manifests.every((m) => m.mediaType === DOCKER_MANIFEST)).toBe(true)
    expect(list.report.mediaType).toBe(DOCKER_MANIFEST_LIST)

    const oci = await ok(reg, { sources: SOURCES, tags: 'oci', annotations: 'org.opencontainers.image.description=The API\norg.opencontainers.image.source=https://github.com/acme/monorepo' })
    const ociBody = held(reg, oci.report.digest)
    expect(ociBody.mediaType).toBe(OCI_INDEX)
    expect(ociBody.annotations).toEqual({
      'org.opencontainers.image.description': 'The API',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': 'https://github.com/acme/monorepo'
    })
  })

  it('org.opencontainers.image.created comes from the sources (the latest), never from the clock', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', { ...labels(), 'org.opencontainers.image.created': '2024-05-01T10:00:00Z' }, ['x'], { platform: amd64 })
    reg.putImage('acme/api', { ...labels(), 'org.opencontainers.image.created': '2024-05-01T10:00:05Z' }, ['y'], { platform: arm64 })
    const { report } = await ok(reg, { sources: 'x\ny', tags: 'v1' })
    expect(held(reg, report.digest).annotations?.['org.opencontainers.image.created']).toBe('2024-05-01T10:00:05Z')
  })

  it('an index source (buildx with provenance) contributes its platforms and keeps their attestation manifests', async () => {
    const reg = new FakeRegistry()
    const amd = reg.putImage('acme/api', labels(), [], { platform: amd64 })
    const arm = reg.putImage('acme/api', labels(), [], { platform: arm64 })
    const att = (forDigest: string) => {
      const d = reg.putManifest('acme/api', { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: digestOf('{}'), size: 2 }, layers: [], for: forDigest })
      return { mediaType: OCI_MANIFEST, digest: d, size: 10, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.digest': forDigest, 'vnd.docker.reference.type': 'attestation-manifest' } }
    }
    const attestations = [att(arm.digest), att(amd.digest)]
    reg.putManifest('acme/api', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [
      { mediaType: OCI_MANIFEST, digest: arm.digest, size: arm.bytes.length, platform: arm64 },
      { mediaType: OCI_MANIFEST, digest: amd.digest, size: amd.bytes.length, platform: amd64 },
      ...attestations
    ] }, ['buildx'], OCI_INDEX)
    const v7 = reg.putImage('acme/api', labels(), ['v7'], { platform: armv7 })
    const { report } = await ok(reg, { sources: 'buildx\nv7', tags: 'all' })
    const index = held(reg, report.digest)
    expect(index.manifests.map((m) => m.digest)).toEqual([amd.digest, v7.digest, arm.digest, attestations[1]?.digest, attestations[0]?.digest])
    expect(index.manifests.slice(3)).toEqual([attestations[1], attestations[0]])
    expect(report.attestations).toBe(2)
  })
})

describe('merge: checks before anything is written', () => {
  async function fails(reg: FakeRegistry, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Promise<Error> {
    const r = await merge(reg, inputs, extraEnv)
    if (!r.error) throw new Error('the merge succeeded')
    expect(reg.writes()).toEqual([])
    return r.error
  }

  it('a missing source: named, with the reference it stands for', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', labels(), ['sha-a1b2c3d-linux-amd64'], { platform: amd64 })
    const e = await fails(reg, { sources: SOURCES })
    expect(e.message).toMatch(/^nothing was written: source 'sha-\{\{sha\}\}-linux-arm64' was not found \(reg.example\/acme\/api:sha-a1b2c3d-linux-arm64\)/)
  })

  it('two sources of the same platform: both named', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', labels(), ['one'], { platform: amd64, layer: '1' })
    reg.putImage('acme/api', labels(), ['two'], { platform: amd64, layer: '2' })
    const e = await fails(reg, { sources: 'one\ntwo' })
    expect(e.message).toMatch(/platform linux\/amd64 comes from more than one image: 'one' \(sha256:\w+\), 'two' \(sha256:\w+\)/)
  })

  it('sources built from different commits: each commit with its sources, even with require-same-commit: false', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg, { arm: labels(OTHER) })
    for (const relaxed of ['true', 'false']) {
      const e = await fails(reg, { sources: SOURCES, 'require-same-commit': relaxed })
      expect(e.message).toContain(`the sources were built from different commits: ${SHA} in 'sha-{{sha}}-linux-amd64' (linux/amd64); ${OTHER} in 'sha-{{sha}}-linux-arm64' (linux/arm64)`)
    }
  })

  it('sources of another commit than this run: an error, unless require-same-commit: false', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', labels(OTHER), ['x'], { platform: amd64 })
    reg.putImage('acme/api', labels(OTHER), ['y'], { platform: arm64 })
    const e = await fails(reg, { sources: 'x\ny' })
    expect(e.message).toMatch(new RegExp(`built from commit ${OTHER} \\('x' \\(linux/amd64\\), 'y' \\(linux/arm64\\)\\), but this run is for commit ${SHA}; set 'require-same-commit: false'`))
    const { report } = await ok(reg, { sources: 'x\ny', 'require-same-commit': 'false', tags: 'old' })
    expect(report.commit).toBe(OTHER)
    expect(held(reg, report.digest).annotations?.['org.opencontainers.image.revision']).toBe(OTHER)
  })

  it('a source without git-commit or build-number labels', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', { 'git-commit': SHA }, ['x'], { platform: amd64 })
    reg.putImage('acme/api', {}, ['y'], { platform: arm64 })
    const e = await fails(reg, { sources: 'x\ny' })
    expect(e.message).toMatch(/source 'x' \(linux\/amd64, sha256:\w+\) has no build-number label/)
    expect(e.message).toMatch(/source 'y' \(linux\/arm64, sha256:\w+\) has no git-commit or build-number label/)
  })

  it('every problem at once, one per line', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', labels(OTHER), ['x'], { platform: amd64 })
    const e = await fails(reg, { sources: 'x\nmissing' })
    expect(e.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(2)
  })

  it('another registry: an input error before any request', async () => {
    const reg = new FakeRegistry()
    const e = await fails(reg, { sources: 'sha-{{sha}}-linux-amd64\nghcr.io/acme/api:sha-{{sha}}-linux-arm64' })
    expect(e.message).toBe("Input 'sources': 'ghcr.io/acme/api:sha-{{sha}}-linux-arm64' is in registry ghcr.io, but the index goes to reg.example: a merge references its children, it copies no layers between registries")
    expect(reg.requests).toEqual([])
  })

  it('bad inputs name the input: sources missing, unknown template, a template without a value, a repository without tag', async () => {
    const reg = new FakeRegistry()
    expect((await fails(reg, {})).message).toBe("Input 'sources': is required")
    expect((await fails(reg, { sources: 'sha-{{commit}}' })).message).toMatch(/^Input 'sources': 'sha-\{\{commit\}\}' uses unknown template '\{\{commit\}\}'/)
    expect((await fails(reg, { sources: 'v{{version}}' })).message).toMatch(/^Input 'sources': 'v\{\{version\}\}' uses \{\{version\}\}, which has no value in this run \(ref refs\/heads\/main\)/)
    expect((await fails(reg, { sources: `${REGISTRY}/acme/other` })).message).toMatch(/^Input 'sources': '.*' names the repository reg.example\/acme\/other without a tag or digest/)
    expect((await fails(reg, { sources: 'x', annotations: 'no equals' })).message).toMatch(/^Input 'annotations': 'no equals' is not key=value/)
    expect((await fails(reg, { sources: 'x', 'require-same-commit': 'maybe' })).message).toMatch(/^Input 'require-same-commit'/)
    expect((await fails(reg, { sources: 'x', tags: 'latest', latest: 'forbid' })).message).toMatch(/^Input 'latest': tag 'latest'/)
    expect(reg.requests).toEqual([])
  })
})

describe('merge: other repositories of the same registry', () => {
  it('mounts every blob of a child in another repository, copies its manifest by digest, then writes the index under its tag', async () => {
    const reg = new FakeRegistry('bearer', { username: 'ci', password: 's3cret' })
    reg.blobsPerRepository = true
    const a = reg.putImage('acme/api', labels(), ['sha-a1b2c3d-linux-amd64'], { platform: amd64, layer: 'amd' })
    const b = reg.putImage('acme/api-arm', labels(), ['sha-a1b2c3d'], { platform: arm64, layer: 'arm' })
    const { report } = await ok(reg, { sources: `sha-{{sha}}-linux-amd64\n${REGISTRY}/acme/api-arm:sha-{{sha}}`, tags: 'v1', username: 'ci', password: 's3cret' })
    expect(held(reg, report.digest).manifests.map((m) => m.digest)).toEqual([a.digest, b.digest])
    expect(reg.digest('acme/api', b.digest)).toBe(b.digest)
    for (const blob of [b.config, ...b.layers]) expect(reg.hasBlob('acme/api', blob)).toBe(true)
    const mounts = reg.writes().filter((r) => r.method === 'POST')
    expect(mounts).toHaveLength(2)
    const scopes = reg.requests.filter((r) => r.url.startsWith(REALM)).map((r) => new URL(r.url).searchParams.getAll('scope').join(' '))
    expect(scopes).toContain('repository:acme/api:pull,push repository:acme/api-arm:pull')
    // order: mounts, then the child manifest, then the index, then the tag
    const writes = reg.writes().map((r) => (r.method === 'POST' ? 'mount' : r.ref === b.digest ? 'child' : r.ref === report.digest ? 'index' : `tag ${r.ref}`))
    expect(writes).toEqual(['mount', 'mount', 'child', 'tag v1'])
  })

  it('an index source in another repository: its attestation manifests are copied with their blobs too', async () => {
    const reg = new FakeRegistry()
    reg.blobsPerRepository = true
    const amd = reg.putImage('acme/build', labels(), [], { platform: amd64, layer: 'l' })
    const emptyConfig = reg.putBlob('acme/build', Buffer.from('{}'))
    const statement = reg.putBlob('acme/build', Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}'))
    const attBody = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: emptyConfig, size: 2 }, layers: [{ mediaType: 'application/vnd.in-toto+json', digest: statement, size: 45 }] }
    const att = reg.putManifest('acme/build', attBody)
    reg.putManifest('acme/build', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [
      { mediaType: OCI_MANIFEST, digest: amd.digest, size: amd.bytes.length, platform: amd64 },
      { mediaType: OCI_MANIFEST, digest: att, size: JSON.stringify(attBody).length, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.digest': amd.digest, 'vnd.docker.reference.type': 'attestation-manifest' } }
    ] }, ['x'], OCI_INDEX)
    const { report } = await ok(reg, { sources: `${REGISTRY}/acme/build:x`, tags: 'v1' })
    expect(held(reg, report.digest).manifests.map((m) => m.digest)).toEqual([amd.digest, att])
    expect(reg.digest('acme/api', att)).toBe(att)
    expect(reg.hasBlob('acme/api', statement)).toBe(true)
  })

  it('a refused mount of a small blob: the blob is copied through the runner (verified) and the merge goes on', async () => {
    const reg = new FakeRegistry()
    reg.blobsPerRepository = true
    reg.refuseMounts = true
    reg.putImage('acme/api', labels(), ['amd'], { platform: amd64 })
    const b = reg.putImage('acme/api-arm', labels(), ['arm'], { platform: arm64, layer: 'arm layer' })
    const r = await merge(reg, { sources: `amd\n${REGISTRY}/acme/api-arm:arm`, tags: 'v1' })
    expect(r.error).toBeUndefined()
    expect(r.out).toMatch(/declined to mount sha256:\w+ from acme\/api-arm; copying it/)
    for (const blob of [b.config, ...b.layers]) expect(reg.hasBlob('acme/api', blob)).toBe(true)
  })

  it('a refused mount of a large layer: fails naming the blob, with no manifest written', async () => {
    const reg = new FakeRegistry()
    reg.blobsPerRepository = true
    reg.refuseMounts = true
    reg.putImage('acme/api', labels(), ['amd'], { platform: amd64 })
    const configBytes = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'arm64', config: { Labels: labels() } }))
    const config = reg.putBlob('acme/api-arm', configBytes)
    const layer = reg.putBlob('acme/api-arm', Buffer.from('pretend this is large'))
    reg.putManifest('acme/api-arm', { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 200 * 1024 * 1024 }] }, ['arm'])
    const r = await merge(reg, { sources: `amd\n${REGISTRY}/acme/api-arm:arm`, tags: 'v1' })
    expect(r.error?.message).toMatch(new RegExp(`refused to mount blob ${layer} \\(209715200 bytes\\) from acme/api-arm into acme/api, and this step copies no image layers; no manifest was written`))
    expect(reg.writes().filter((w) => w.method === 'PUT' && w.repo !== undefined)).toEqual([])
  })
})

describe('merge: what the registry answers', () => {
  it('a HEAD without Docker-Content-Digest and altered bytes on the GET by tag: caught by a HEAD by digest, nothing written', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    reg.omitHeadDigest = true
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'GET' && /manifests\/sha-/.test(url)) {
        delete res.headers['docker-content-digest']
        res.body = Buffer.concat([res.body, Buffer.from('\n')])
      }
      return res
    }
    const r = await merge(reg, { sources: SOURCES, tags: 'v1' })
    expect(r.error?.message).toMatch(/answered reg.example\/acme\/api:sha-a1b2c3d-linux-\w+ with sha256:\w+, but holds no manifest under that digest/)
    expect(reg.writes()).toEqual([])
  })

  it('a HEAD without Docker-Content-Digest and true bytes: confirmed by a HEAD by digest, merged', async () => {
    const reg = new FakeRegistry()
    const { a } = twoPlatforms(reg)
    reg.omitHeadDigest = true
    const { report } = await ok(reg, { sources: SOURCES, tags: 'v1' })
    expect(report.images.map((i) => i.digest)).toContain(a.digest)
  })

  it('a PUT answered 201 that stored nothing: the read-back fails, no digest is reported', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    reg.intercept = (url, req) =>
      req.method === 'PUT' ? { status: 201, headers: { 'docker-content-digest': digestOf(Buffer.from(req.body ?? '')) }, body: Buffer.alloc(0), url: url.toString() } : undefined
    const r = await merge(reg, { sources: SOURCES, tags: 'v1' })
    expect(r.error?.message).toMatch(/accepted the index but does not serve reg.example\/acme\/api@sha256:\w+: nothing was stored/)
    expect(r.result).toBeUndefined()
  })

  it('a tag PUT accepted but not stored: fails naming the tag', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    reg.intercept = (url, req) =>
      req.method === 'PUT' && url.pathname.endsWith('/manifests/v2') ? { status: 201, headers: {}, body: Buffer.alloc(0), url: url.toString() } : undefined
    const r = await merge(reg, { sources: SOURCES, tags: 'v1, v2' })
    expect(r.error?.message).toMatch(/accepted tag 'v2' but does not serve reg.example\/acme\/api:v2/)
  })

  it('… also on a registry whose HEAD names no digest (the tag is then read by GET)', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    reg.omitHeadDigest = true
    reg.intercept = (url, req) =>
      req.method === 'PUT' && url.pathname.endsWith('/manifests/v2') ? { status: 201, headers: {}, body: Buffer.alloc(0), url: url.toString() } : undefined
    const r = await merge(reg, { sources: SOURCES, tags: 'v1, v2' })
    expect(r.error?.message).toMatch(/accepted tag 'v2' but does not serve reg.example\/acme\/api:v2/)
  })

  it('a tag moved by another push between our PUT and the read-back: a warning, the index digest stands', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    const other = reg.putImage('acme/api', labels(), [], { platform: amd64, layer: 'someone else' })
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'PUT' && url.endsWith('/manifests/v1')) reg.putManifest('acme/api', other.bytes.toString(), ['v1'], other.mediaType)
      return res
    }
    const r = await merge(reg, { sources: SOURCES, tags: 'v1' })
    expect(r.error).toBeUndefined()
    expect(r.result?.report.movedTags).toEqual([{ tag: 'v1', now: other.digest }])
    expect(r.out).toMatch(/::warning::Tag 'v1' now points to sha256:\w+, not to the index/)
  })

  it("username/password go to the registry's auth directly (no docker), masked", async () => {
    const reg = new FakeRegistry('basic', { username: 'ci', password: 'pa55word' })
    twoPlatforms(reg)
    const r = await merge(reg, { sources: SOURCES, tags: 'v1', username: 'ci', password: 'pa55word' })
    expect(r.error).toBeUndefined()
    expect(r.out).toContain('::add-mask::pa55word')
    expect(r.out.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('pa55word')
  })
})

describe('merge: registry-timeout', () => {
  it('one budget for the whole merge: a registry slower than it fails the step naming the input, nothing written', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    reg.delayMs = 1_500
    const started = Date.now()
    const r = await merge(reg, { sources: SOURCES, tags: 'v1', 'registry-timeout': '1' })
    expect(Date.now() - started).toBeLessThan(1_400)
    expect(r.error?.message).toMatch(/registry-timeout/)
    expect(reg.writes()).toEqual([])
  })

  it('a registry-timeout that is not a number of seconds is an input error', async () => {
    const reg = new FakeRegistry()
    const r = await merge(reg, { sources: 'x', 'registry-timeout': 'soon' })
    expect(r.error?.message).toMatch(/^Input 'registry-timeout': 'soon' is not a number of seconds/)
  })
})

describe('merge: summary', () => {
  it('the pinned index first in a fenced block, then the platform table and the tags', async () => {
    const reg = new FakeRegistry()
    twoPlatforms(reg)
    const { report } = await ok(reg, { sources: SOURCES, tags: 'v1' })
    const md = renderMergeSummary(report)
    const lines = md.split('\n')
    expect(lines.slice(0, 6)).toEqual([`### Merged \`${IMAGE}\``, '', '```text', report.pinned, '```', ''])
    expect(md).toContain('<thead><tr><th>Platform</th><th>Digest</th><th>Commit</th><th>Build</th><th>Source</th></tr></thead>')
    const arm = report.images.find((i) => i.platformText === 'linux/arm64')
    const row = md.split('\n').find((l) => l.includes('<code>linux/arm64</code>')) ?? ''
    expect(row.replace(/<wbr>/g, '')).toContain(`<code>${arm?.digest}</code>`)
    expect(row).toContain(`<a href="https://github.com/acme/app/commit/${SHA}"><code>${SHA.slice(0, 12)}</code></a>`)
    expect(row).toContain('<a href="https://github.com/acme/app/actions/runs/4242">#7</a>')
    expect(row).toContain(`<code>sha-${SHA.slice(0, 7)}-linux-arm64</code>`)
    expect(md).toContain(`**Tags** \`${IMAGE}:v1\``)
  })
})
