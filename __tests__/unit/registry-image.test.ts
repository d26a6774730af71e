import { describe, expect, it } from '@jest/globals'
import { createRegistryFactory } from '../../src/registry'
import { attestationKinds, imageExists, readImage, resolveImage } from '../../src/registry/image'
import { ATTESTATION_ARTIFACT_TYPE, OCI_INDEX } from '../../src/registry/manifest'
import { FakeRegistry, REGISTRY, digestOf } from '../helpers/fake-registry'

const name = { registry: REGISTRY, repository: 'acme/api' }
const client = (reg: FakeRegistry) => createRegistryFactory({ transport: reg, credentials: async () => undefined }).client(name)
const LABELS = { 'git-commit': 'c0ffee', 'build-number': '42' }
const SLSA1 = 'https://slsa.dev/provenance/v1'
const SPDX = 'https://spdx.dev/Document'

const paths = (reg: FakeRegistry, part: string): string[] => reg.requests.filter((r) => r.url.includes(part)).map((r) => `${r.method} ${new URL(r.url).pathname}`)

describe('readImage: attestations as OCI 1.1 artifacts (artifactType, subject, empty config)', () => {
  it('listed in the index with artifactType: attestations, never platforms; predicate types, kinds and the manifest each describes', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putArtifactIndex('acme/api', ['v1'], LABELS, { inIndex: true, predicates: [SLSA1, SPDX] })
    const view = await readImage(client(reg), pushed.digest)
    expect(view).toMatchObject({ digest: pushed.digest, mediaType: OCI_INDEX, index: true })
    expect(view.platforms.map((p) => [p.platform, p.digest, p.configDigest, p.labels])).toEqual(pushed.images.map((i) => [i.platform, i.digest, i.config, LABELS]))
    expect(view.attestations).toMatchObject(
      pushed.attestations.map((digest, n) => ({
        digest,
        form: 'artifact',
        foundIn: 'index',
        artifactType: ATTESTATION_ARTIFACT_TYPE,
        for: pushed.images[n]?.digest,
        platform: pushed.images[n]?.platform,
        predicateTypes: [SLSA1, SPDX],
        kinds: ['provenance', 'sbom'],
        state: 'read'
      }))
    )
    expect(attestationKinds(view.attestations)).toEqual({ provenance: true, sbom: true })
    // one config blob per image; an artifact's empty config is never fetched
    expect(paths(reg, '/blobs/')).toHaveLength(2)
  })

  it('an entry that names a platform and no artifactType is still an attestation when its manifest is an artifact', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putArtifactIndex('acme/api', ['v1'], LABELS, { inIndex: true, describeEntries: false })
    const view = await readImage(client(reg), pushed.digest)
    expect(view.platforms.map((p) => p.digest)).toEqual(pushed.images.map((i) => i.digest))
    expect(view.attestations.map((a) => [a.digest, a.for, a.form])).toEqual(pushed.attestations.map((a, n) => [a, pushed.images[n]?.digest, 'artifact']))
  })

  it('reachable only through the referrers API: found with `referrers`, each read by digest and hashed; not asked without it', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putArtifactIndex('acme/api', ['v1'], LABELS)
    const plain = await readImage(client(reg), pushed.digest)
    expect(plain.attestations).toEqual([])
    expect(paths(reg, '/referrers/')).toEqual([])

    const view = await readImage(client(reg), pushed.digest, { referrers: true })
    expect(view.platforms).toHaveLength(2)
    expect(view.attestations).toMatchObject(pushed.attestations.map((digest, n) => ({ digest, foundIn: 'referrers', for: pushed.images[n]?.digest, predicateTypes: [SLSA1], state: 'read' })))
    expect(paths(reg, '/referrers/').sort()).toEqual(pushed.images.map((i) => `GET /v2/acme/api/referrers/${i.digest}`).sort())
    expect(reg.manifestRequests().filter((r) => r.method === 'GET' && pushed.attestations.includes(r.ref as string))).toHaveLength(2)
  })

  it('a registry without the referrers API (404): no attestations, no failure', async () => {
    const reg = new FakeRegistry()
    reg.referrersApi = false
    const pushed = reg.putArtifactIndex('acme/api', ['v1'], LABELS)
    const view = await readImage(client(reg), pushed.digest, { referrers: true })
    expect(view.platforms).toHaveLength(2)
    expect(view.attestations).toEqual([])
  })

  it('a referrer whose bytes do not hash to the digest the answer named is inconsistent data', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putArtifactIndex('acme/api', ['v1'], LABELS)
    const target = pushed.attestations[0] as string
    reg.intercept = (url, req) =>
      req.method === 'GET' && url.pathname.endsWith(`/manifests/${target}`) ? { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: Buffer.from('{"schemaVersion":2}'), url: '' } : undefined
    await expect(readImage(client(reg), pushed.digest, { referrers: true })).rejects.toThrow(/inconsistent data/)
  })
})

describe('readImage: the annotated form and the reads', () => {
  it("attestations: 'list' keeps the descriptors and fetches no attestation manifest", async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS)
    const view = await readImage(client(reg), pushed.digest, { attestations: 'list' })
    expect(view.attestations).toMatchObject(pushed.attestations.map((digest, n) => ({ digest, form: 'annotated', for: pushed.images[n]?.digest, state: 'listed', predicateTypes: [] })))
    expect(reg.manifestRequests().filter((r) => pushed.attestations.includes(r.ref as string))).toEqual([])
  })

  it('reads that do not wait on each other run side by side', async () => {
    const reg = new FakeRegistry()
    const pushed = reg.putBuildxIndex('acme/api', ['v1'], LABELS, { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] })
    reg.delayMs = 20
    await readImage(client(reg), pushed.digest)
    // three platform manifests and three attestation manifests, all after the index
    expect(reg.maxInFlight).toBeGreaterThanOrEqual(6)
  })

  it('a config blob whose size is not its descriptor’s is inconsistent data', async () => {
    const reg = new FakeRegistry()
    const configBytes = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: { Labels: LABELS } }))
    const config = reg.putBlob('acme/api', configBytes)
    const digest = reg.putManifest('acme/api', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 3 }, layers: [] })
    await expect(readImage(client(reg), digest)).rejects.toThrow(new RegExp(`gives its config ${config} a size of 3 bytes, the blob has ${configBytes.length}`))
  })

  it('a single image: its platform, labels and created from the config', async () => {
    const reg = new FakeRegistry()
    const img = reg.putImage('acme/api', LABELS, ['v1'], { platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, extra: { created: '2025-01-02T03:04:05Z' } })
    const view = await resolveImage(client(reg), 'v1')
    expect(view).toMatchObject({ digest: img.digest, index: false, size: img.size, attestations: [] })
    expect(view.platforms).toMatchObject([{ platform: 'linux/arm/v7', configPlatform: { os: 'linux', architecture: 'arm', variant: 'v7' }, labels: LABELS, created: '2025-01-02T03:04:05Z', configDigest: img.config }])
  })
})

describe('imageExists', () => {
  it('one HEAD: true when held, false on a 404', async () => {
    const reg = new FakeRegistry()
    const img = reg.putImage('acme/api', LABELS, ['v1'])
    expect(await imageExists(client(reg), img.digest)).toBe(true)
    expect(await imageExists(client(reg), digestOf('nothing'))).toBe(false)
    expect(reg.manifestRequests().map((r) => r.method)).toEqual(['HEAD', 'HEAD'])
  })
})
