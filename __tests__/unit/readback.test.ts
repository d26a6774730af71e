import { describe, expect, it } from '@jest/globals'
import { createRegistryFactory } from '../../src/registry'
import { readBack } from '../../src/build-push/readback'
import { captureStdout } from '../helpers/capture'
import { FakeRegistry, REGISTRY } from '../helpers/fake-registry'

const name = { registry: REGISTRY, repository: 'acme/api' }
const client = (reg: FakeRegistry) => createRegistryFactory({ transport: reg, credentials: async () => undefined }).client(name)
/** Requests after authentication (no ping, no token). */
const work = (reg: FakeRegistry) =>
  reg.requests.filter((r) => new URL(r.url).pathname !== '/v2/' && !r.url.includes('auth.example')).map((r) => `${r.method} ${new URL(r.url).pathname.replace(/sha256:\w+/, 'sha256:…')}`)

describe('readBack', () => {
  it('one tag with docker’s digest: GET manifest by that digest beside the HEAD of the tag, then GET config — 3 requests after auth', async () => {
    const reg = new FakeRegistry('bearer')
    const { digest, config } = reg.putImage('acme/api', { 'git-commit': 'abc' }, ['v1'])
    const r = await readBack(client(reg), [{ tag: 'v1', digest }])
    expect(r).toEqual({
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      configDigest: config,
      labels: { 'git-commit': 'abc' },
      platforms: [expect.objectContaining({ platform: 'linux/amd64', digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', configDigest: config, labels: { 'git-commit': 'abc' } })],
      attestations: [],
      movedTags: []
    })
    expect(work(reg)).toEqual(['GET /v2/acme/api/manifests/sha256:…', 'HEAD /v2/acme/api/manifests/v1', 'GET /v2/acme/api/blobs/sha256:…'])
  })

  it('without docker’s digest: the HEAD names it, a GET by digest confirms it (never a header alone), reused for every tag', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', { a: '1' }, ['v1', 'latest'])
    const r = await readBack(client(reg), [{ tag: 'v1' }, { tag: 'latest' }])
    expect(r.digest).toBe(digest)
    expect(work(reg)).toEqual(['HEAD /v2/acme/api/manifests/v1', 'GET /v2/acme/api/manifests/sha256:…', 'HEAD /v2/acme/api/manifests/latest', 'GET /v2/acme/api/blobs/sha256:…'])
  })

  it('HEAD without Docker-Content-Digest: the GET of the tag names it, the GET by digest confirms it', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'HEAD') delete res.headers['docker-content-digest']
      return res
    }
    expect((await readBack(client(reg), [{ tag: 'v1', digest }])).digest).toBe(digest)
    // the GET by digest (docker's claim) confirms what the GET of the tag served: no further request
    expect(work(reg)).toEqual(['GET /v2/acme/api/manifests/sha256:…', 'HEAD /v2/acme/api/manifests/v1', 'GET /v2/acme/api/manifests/v1', 'GET /v2/acme/api/blobs/sha256:…'])
  })

  it('a HEAD by tag naming another digest the registry holds: the digest reported is still ours, confirmed by digest', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const other = reg.putImage('acme/api', { x: 'y' }, []).digest
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'HEAD') res.headers['docker-content-digest'] = other
      return res
    }
    const r = await readBack(client(reg), [{ tag: 'v1', digest }])
    expect(r.digest).toBe(digest)
    expect(r.movedTags).toEqual([{ tag: 'v1', now: other }])
    // ours by digest beside the HEAD; the other digest the tag names is confirmed by a GET of its own
    expect(work(reg)).toEqual(['GET /v2/acme/api/manifests/sha256:…', 'HEAD /v2/acme/api/manifests/v1', 'GET /v2/acme/api/manifests/sha256:…', 'GET /v2/acme/api/blobs/sha256:…'])
  })

  it('the tag moved (someone else pushed): reports our digest, verified by digest, and warns', async () => {
    const reg = new FakeRegistry()
    const ours = reg.putImage('acme/api', { 'git-commit': 'ours' }, ['v1'])
    const theirs = reg.putImage('acme/api', { 'git-commit': 'theirs' }, ['v1', 'latest'])
    const { result, out } = await captureStdout(() => readBack(client(reg), [{ tag: 'v1', digest: ours.digest }, { tag: 'latest', digest: ours.digest }]))
    expect(result?.digest).toBe(ours.digest)
    expect(result?.labels).toEqual({ 'git-commit': 'ours' })
    expect(result?.movedTags).toEqual([
      { tag: 'v1', now: theirs.digest },
      { tag: 'latest', now: theirs.digest }
    ])
    expect(out).toContain(`::warning::Tag 'v1' now points to ${theirs.digest}, not to the ${ours.digest} this step pushed`)
  })

  it('docker’s digest missing from the registry while the tag points elsewhere: digest mismatch error', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    const ghost = `sha256:${'0'.repeat(64)}`
    await expect(readBack(client(reg), [{ tag: 'v1', digest: ghost }])).rejects.toThrow(/digest mismatch: docker push reported sha256:0+ but reg.example\/acme\/api does not hold it/)
  })

  it('an index: reports the index digest, reads labels from the linux/amd64 image', async () => {
    const reg = new FakeRegistry()
    const arm = reg.putImage('acme/api', { arch: 'arm64' }, [])
    const amd = reg.putImage('acme/api', { arch: 'amd64' }, [])
    const desc = (m: { digest: string; size: number }, architecture: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: m.digest, size: m.size, platform: { os: 'linux', architecture } })
    const index = reg.putManifest('acme/api', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [desc(arm, 'arm64'), desc(amd, 'amd64')] }, ['multi'], 'application/vnd.oci.image.index.v1+json')
    const r = await readBack(client(reg), [{ tag: 'multi', digest: index }])
    expect(r).toMatchObject({ digest: index, platformDigest: amd.digest, labels: { arch: 'amd64' }, mediaType: 'application/vnd.oci.image.index.v1+json' })
  })

  it('a Content-Type that says index on an image manifest does not mislead the parser', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', { ok: 'yes' }, ['v1'])
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (url.includes('/manifests/')) res.headers['content-type'] = 'application/vnd.oci.image.index.v1+json'
      return res
    }
    expect((await readBack(client(reg), [{ tag: 'v1', digest }])).labels).toEqual({ ok: 'yes' })
  })

  it('different digests reported for one image is an error', async () => {
    const reg = new FakeRegistry()
    await expect(readBack(client(reg), [{ tag: 'a', digest: `sha256:${'1'.repeat(64)}` }, { tag: 'b', digest: `sha256:${'2'.repeat(64)}` }])).rejects.toThrow(/different digests/)
  })
})
