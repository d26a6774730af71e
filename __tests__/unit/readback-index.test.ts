import { describe, expect, it } from '@jest/globals'
import { createRegistryFactory } from '../../src/registry'
import { attestationKinds } from '../../src/registry/image'
import { checkPlatformLabels, readBack } from '../../src/build-push/readback'
import { DOCKER_MANIFEST, OCI_INDEX } from '../../src/registry/manifest'
import { captureStdout } from '../helpers/capture'
import { FakeRegistry, REGISTRY, digestOf } from '../helpers/fake-registry'

const name = { registry: REGISTRY, repository: 'acme/api' }
const client = (reg: FakeRegistry) => createRegistryFactory({ transport: reg, credentials: async () => undefined }).client(name)
const LABELS = { 'git-commit': 'c0ffee', 'build-number': '42' }
const PROVENANCE = 'https://slsa.dev/provenance/v0.2'
const SPDX = 'https://spdx.dev/Document'

/** Answers `digest`'s manifest requests with this instead (a fault on one child). */
function answer(reg: FakeRegistry, digest: string, res: (method: string) => { status: number; headers?: Record<string, string>; body?: Buffer }) {
  const previous = reg.intercept
  reg.intercept = (url, req) => {
    if (url.pathname.endsWith(`/manifests/${digest}`)) {
      const r = res(req.method)
      return { status: r.status, headers: r.headers ?? {}, body: r.body ?? Buffer.alloc(0), url: '' }
    }
    return previous?.(url, req)
  }
}

describe('readBack of an index', () => {
  it('hashes the index and every child, reads every platform’s config, lists attestations apart', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS)
    const r = await readBack(client(reg), [{ tag: 'v1', digest: pushed.digest }])
    expect(r.digest).toBe(pushed.digest)
    expect(r.mediaType).toBe(OCI_INDEX)
    expect(r.platforms.map((p) => [p.platform, p.digest, p.configDigest])).toEqual(pushed.images.map((i) => [i.platform, i.digest, i.config]))
    for (const p of r.platforms) expect(p.labels).toEqual(LABELS)
    expect(r.attestations).toMatchObject([
      { digest: pushed.attestations[0], for: pushed.images[0]?.digest, platform: 'linux/amd64', predicateTypes: [PROVENANCE], kinds: ['provenance'], state: 'read', form: 'annotated' },
      { digest: pushed.attestations[1], for: pushed.images[1]?.digest, platform: 'linux/arm64', predicateTypes: [PROVENANCE], kinds: ['provenance'], state: 'read', form: 'annotated' }
    ])
    expect(r.platforms.map((p) => p.platform)).not.toContain('unknown/unknown')
    // labels and configDigest of linux/amd64, the index digest on top
    expect(r).toMatchObject({ platformDigest: pushed.images[0]?.digest, configDigest: pushed.images[0]?.config, labels: LABELS })
    expect(attestationKinds(r.attestations)).toEqual({ provenance: true, sbom: false })
    // every child by digest, every config; nothing twice
    const gets = reg.manifestRequests().filter((q) => q.method === 'GET').map((q) => q.ref)
    expect(gets.sort()).toEqual([pushed.digest, ...pushed.images.map((i) => i.digest), ...pushed.attestations].sort())
    expect(reg.requests.filter((q) => q.url.includes('/blobs/')).length).toBe(2)
  })

  it('requires the labels on every platform, not only linux/amd64', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS, { platformLabels: { 'linux/arm64': { 'build-number': '41' } } })
    const r = await readBack(client(reg), [{ tag: 'v1', digest: pushed.digest }])
    expect(() => checkPlatformLabels(r, LABELS)).toThrow(/the image for linux\/arm64 in the registry does not carry the labels[\s\S]*build-number: expected '42', registry holds '41'/)
    const missing = reg.putBuildxIndex('acme/api', ['v2'], { 'git-commit': 'c0ffee' }, { platformLabels: { 'linux/amd64': { 'build-number': '42' } } })
    const m = await readBack(client(reg), [{ tag: 'v2', digest: missing.digest }])
    expect(() => checkPlatformLabels(m, LABELS)).toThrow(/linux\/arm64[\s\S]*build-number: expected '42', registry holds nothing/)
    // a single image names no platform in the message
    const single = reg.putImage('acme/api', {}, ['v3'])
    const s = await readBack(client(reg), [{ tag: 'v3', digest: single.digest }])
    expect(() => checkPlatformLabels(s, LABELS)).toThrow(/^the image in the registry does not carry/)
  })

  it('a platform manifest the registry does not hold fails, naming it', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS)
    reg.manifests.delete(`acme/api@${pushed.images[1]?.digest}`)
    await expect(readBack(client(reg), [{ tag: 'v1', digest: pushed.digest }])).rejects.toThrow(
      new RegExp(`index ${pushed.digest} in reg.example/acme/api lists the linux/arm64 manifest ${pushed.images[1]?.digest}, which the registry does not hold \\(HTTP 404\\)`)
    )
  })

  it('an attestation manifest the registry does not hold: the images are read back, the attestation is unreadable, with a warning', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS)
    const gone = pushed.attestations[1] as string
    reg.manifests.delete(`acme/api@${gone}`)
    const { result, out } = await captureStdout(() => readBack(client(reg), [{ tag: 'v1', digest: pushed.digest }]))
    expect(result?.digest).toBe(pushed.digest)
    expect(result?.platforms).toHaveLength(2)
    expect(result?.attestations[1]).toMatchObject({ digest: gone, for: pushed.images[1]?.digest, platform: 'linux/arm64', predicateTypes: [], state: 'missing' })
    expect(out).toContain(`::warning::Attestation manifest ${gone} (for linux/arm64) is listed in index ${pushed.digest} but reg.example does not hold it`)
  })

  it('a child whose bytes do not hash to its descriptor’s digest is inconsistent data (platform or attestation)', async () => {
    for (const which of ['platform', 'attestation'] as const) {
      const reg = new FakeRegistry()
      const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS)
      const target = (which === 'platform' ? pushed.images[1]?.digest : pushed.attestations[0]) as string
      const stored = reg.manifests.get(`acme/api@${target}`)?.bytes as Buffer
      const altered = Buffer.from(stored.toString('utf8').replace(/"size":\d+/, '"size":1'))
      // the header still claims the true digest, as a tampering cache would leave it
      answer(reg, target, () => ({ status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': target }, body: altered }))
      await expect(readBack(client(reg), [{ tag: 'v1', digest: pushed.digest }])).rejects.toThrow(/returned inconsistent data/)
    }
  })

  it('a descriptor whose size differs from the child’s bytes is inconsistent data', async () => {
    const reg = new FakeRegistry()
    const amd = reg.putImage('acme/api', LABELS, [])
    const index = reg.putIndex('acme/api', ['v1'], [{ digest: amd.digest, os: 'linux', architecture: 'amd64', size: amd.size + 1 }])
    await expect(readBack(client(reg), [{ tag: 'v1', digest: index }])).rejects.toThrow(
      new RegExp(`index ${index} gives the linux/amd64 manifest ${amd.digest} a size of ${amd.size + 1} bytes, the manifest has ${amd.size}`)
    )
  })

  it('an index whose Content-Type lies is still read as an index, and reported as one', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS)
    // a body without its own mediaType, served as a single-image manifest
    const amd = pushed.images[0] as { digest: string }
    const bare = reg.putManifest('acme/api', JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd.digest, size: reg.manifests.get(`acme/api@${amd.digest}`)?.bytes.length, platform: { os: 'linux', architecture: 'amd64' } }] }), ['bare'], DOCKER_MANIFEST)
    for (const [tag, digest] of [['v1', pushed.digest], ['bare', bare]] as const) {
      const r = await readBack(client(reg), [{ tag, digest }])
      expect(r.mediaType).toBe(OCI_INDEX)
      expect(r.platforms[0]?.digest).toBe(amd.digest)
    }
  })

  it('a Docker manifest list without attestations; an SBOM attestation is told apart from provenance', async () => {
    const reg = new FakeRegistry()
    const plain = reg.putBuildxIndex('acme/api', ['v1'], LABELS, { attestations: [] })
    const r = await readBack(client(reg), [{ tag: 'v1', digest: plain.digest }])
    expect(r.attestations).toEqual([])
    expect(r.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    const both = reg.putBuildxIndex('acme/api', ['v2'], LABELS, { platforms: ['linux/arm/v7'], attestations: [PROVENANCE, SPDX] })
    const b = await readBack(client(reg), [{ tag: 'v2', digest: both.digest }])
    expect(b.platforms.map((p) => p.platform)).toEqual(['linux/arm/v7'])
    expect(b.attestations[0]?.predicateTypes).toEqual([PROVENANCE, SPDX])
    expect(attestationKinds(b.attestations)).toEqual({ provenance: true, sbom: true })
    // labels come from the only platform when there is no linux/amd64
    expect(b.configDigest).toBe(both.images[0]?.config)
  })

  it('a platform listed twice is an error (a `platforms` output could not say which one a pull gets)', async () => {
    const reg = new FakeRegistry()
    const a = reg.putImage('acme/api', { n: '1' }, [])
    const b = reg.putImage('acme/api', { n: '2' }, [])
    const index = reg.putIndex('acme/api', ['v1'], [
      { digest: a.digest, os: 'linux', architecture: 'amd64' },
      { digest: b.digest, os: 'linux', architecture: 'amd64' }
    ])
    await expect(readBack(client(reg), [{ tag: 'v1', digest: index }])).rejects.toThrow(/lists linux\/amd64 more than once/)
  })

  it('an entry without a sha256 digest, an index of no images, a nested index: clear errors', async () => {
    const reg = new FakeRegistry()
    const idx = (manifests: object[], tag: string) => reg.putManifest('acme/api', { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, [tag], OCI_INDEX)
    const bad = idx([{ mediaType: DOCKER_MANIFEST, digest: 'md5:abc', size: 1, platform: { os: 'linux', architecture: 'amd64' } }], 'bad')
    await expect(readBack(client(reg), [{ tag: 'bad', digest: bad }])).rejects.toThrow(/has an entry without a sha256 digest \("md5:abc"\)/)
    const att = idx([{ mediaType: DOCKER_MANIFEST, digest: digestOf('x'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } }], 'att')
    await expect(readBack(client(reg), [{ tag: 'att', digest: att }])).rejects.toThrow(/lists no image manifest/)
    const inner = reg.putBuildxIndex('acme/api', [], LABELS, { attestations: [] }).digest
    const nested = idx([{ mediaType: OCI_INDEX, digest: inner, size: reg.manifests.get(`acme/api@${inner}`)?.bytes.length, platform: { os: 'linux', architecture: 'amd64' } }], 'nested')
    await expect(readBack(client(reg), [{ tag: 'nested', digest: nested }])).rejects.toThrow(/is itself an index/)
  })

  it('a single image is one platform, named from its config', async () => {
    const reg = new FakeRegistry()
    const img = reg.putImage('acme/api', LABELS, ['v1'], { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } })
    const r = await readBack(client(reg), [{ tag: 'v1', digest: img.digest }])
    expect(r.platforms).toEqual([
      expect.objectContaining({
        platform: 'linux/arm64/v8',
        configPlatform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        digest: img.digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        configDigest: img.config,
        labels: LABELS
      })
    ])
    expect(r.platformDigest).toBeUndefined()
  })
})

describe('readBack: the built image is the pushed image', () => {
  it('the image ID may name the config (classic store), the manifest or the index (containerd store)', async () => {
    const reg = new FakeRegistry()
    const img = reg.putImage('acme/api', LABELS, ['v1'])
    for (const imageId of [img.config, img.digest]) {
      await expect(readBack(client(reg), [{ tag: 'v1', digest: img.digest }], { imageId })).resolves.toMatchObject({ digest: img.digest })
    }
    const multi = reg.putBuildxIndex('acme/api', ['multi'], LABELS)
    for (const imageId of [multi.digest, multi.images[1]?.config as string]) {
      await expect(readBack(client(reg), [{ tag: 'multi' }], { imageId })).resolves.toMatchObject({ digest: multi.digest })
    }
  })

  it('F1: docker push printed another build’s digest (the local tag was replaced): fails naming both IDs', async () => {
    const reg = new FakeRegistry()
    const ours = reg.putImage('acme/api', LABELS, [], { extra: { created: 'ours' } })
    const theirs = reg.putImage('acme/api', LABELS, ['v1'], { extra: { created: 'theirs' } })
    await expect(readBack(client(reg), [{ tag: 'v1', digest: theirs.digest }], { imageId: ours.config })).rejects.toThrow(
      new RegExp(`not the image this step built: reg.example/acme/api:v1 holds ${theirs.digest} \\(config ${theirs.config}\\), but the build produced image ID ${ours.config}`)
    )
  })

  it('F1 says what it compared: a config digest on the classic store, a manifest digest on the containerd store', async () => {
    const reg = new FakeRegistry()
    const ours = reg.putImage('acme/api', LABELS, [], { extra: { created: 'ours' } })
    const theirs = reg.putImage('acme/api', LABELS, ['v1'], { extra: { created: 'theirs' } })
    await expect(readBack(client(reg), [{ tag: 'v1', digest: theirs.digest }], { imageId: ours.config, imageIdKind: 'config' })).rejects.toThrow(
      new RegExp(`holds ${theirs.digest} \\(config ${theirs.config}\\), but the build produced image ID ${ours.config}, a config digest \\(the engine's classic image store names images by config\\)`)
    )
    const thrown = await readBack(client(reg), [{ tag: 'v1', digest: theirs.digest }], { imageId: ours.digest, imageIdKind: 'manifest' }).catch((e: Error) => e.message)
    expect(thrown).toContain(`holds manifest ${theirs.digest}, but the build produced image ID ${ours.digest}, a manifest digest (the engine's containerd image store names images by manifest)`)
    expect(thrown).not.toContain(theirs.config)
    const multi = reg.putBuildxIndex('acme/api', ['multi'], LABELS)
    const onIndex = await readBack(client(reg), [{ tag: 'multi' }], { imageId: ours.digest, imageIdKind: 'manifest' }).catch((e: Error) => e.message)
    expect(onIndex).toContain(`holds manifest ${multi.digest} (platform manifests ${multi.images.map((i) => i.digest).join(', ')}), but the build produced image ID ${ours.digest}, a manifest digest`)
  })

  it('F2: no push digest, tag re-pointed to a build with identical labels: fails instead of reporting it', async () => {
    const reg = new FakeRegistry()
    const ours = reg.putImage('acme/api', LABELS, ['v1', 'latest'], { extra: { created: 'ours' } })
    const theirs = reg.putImage('acme/api', LABELS, ['v1', 'latest'], { extra: { created: 'theirs' } })
    const run = readBack(client(reg), [{ tag: 'v1' }, { tag: 'latest' }], { imageId: ours.config })
    await expect(run).rejects.toThrow(new RegExp(`holds ${theirs.digest} .*image ID ${ours.config}`))
    // labels alone could not tell: they are identical
    expect(reg.digest('acme/api', 'v1')).toBe(theirs.digest)
  })

  it('the builder’s claimed config digest must be what the registry holds', async () => {
    const reg = new FakeRegistry()
    const img = reg.putImage('acme/api', LABELS, ['v1'])
    await expect(readBack(client(reg), [{ tag: 'v1', digest: img.digest }], { configDigest: img.config, claimedBy: 'buildx' })).resolves.toMatchObject({ configDigest: img.config })
    const other = digestOf('another config')
    await expect(readBack(client(reg), [{ tag: 'v1', digest: img.digest }], { configDigest: other, claimedBy: 'buildx' })).rejects.toThrow(
      new RegExp(`buildx reported config ${other}, but reg.example/acme/api:v1 holds ${img.digest} \\(config ${img.config}\\)`)
    )
  })

  it('a claimed digest the registry does not hold fails naming the claimant, the claim and what the tags hold', async () => {
    const reg = new FakeRegistry()
    const img = reg.putImage('acme/api', LABELS, ['v1'])
    const ghost = digestOf('ghost')
    await expect(readBack(client(reg), [{ tag: 'v1', digest: ghost }], { claimedBy: 'buildx' })).rejects.toThrow(
      new RegExp(`digest mismatch: buildx reported ${ghost} but reg.example/acme/api does not hold it \\(the tags point to ${img.digest}\\)`)
    )
  })
})
