import { describe, expect, it } from '@jest/globals'
import { confirmsByHead, headFacts, isSchema1 } from '../../src/registry/confirm'
import { createRegistryFactory } from '../../src/registry'
import { FakeRegistry, REGISTRY, digestOf } from '../helpers/fake-registry'

const client = (reg: FakeRegistry) => createRegistryFactory({ transport: reg, credentials: async () => undefined }).client({ registry: REGISTRY, repository: 'acme/api' })
const D = `sha256:${'a'.repeat(64)}`

describe('confirm.ts: what registries send in place of the standard headers', () => {
  it('reads Artifactory’s X-Checksum-Sha256; a generic Content-Type is no media type', () => {
    expect(headFacts({ headers: { 'x-checksum-sha256': 'A'.repeat(64), 'content-type': 'application/octet-stream', 'content-length': '12' } })).toEqual({ digest: D, size: 12 })
    expect(headFacts({ headers: { 'docker-content-digest': 'sha256:XYZ' } })).toEqual({})
  })

  it('a HEAD by digest confirms only that same digest and size', () => {
    expect(confirmsByHead(D, { digest: D, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 5 }, 5)).toBe(true)
    expect(confirmsByHead(D, { digest: D, size: 5 }, 5)).toBeUndefined()
    expect(confirmsByHead(D, { mediaType: 'application/vnd.oci.image.manifest.v1+json' })).toBeUndefined()
    expect(confirmsByHead(D, { digest: digestOf('x') })).toMatch(/answers with sha256:/)
    expect(confirmsByHead(D, { digest: D, size: 6 }, 5)).toMatch(/size of 6 bytes, the tag's answer 5/)
  })

  it('knows Docker schema 1 by media type or body', () => {
    expect(isSchema1('application/vnd.docker.distribution.manifest.v1+prettyjws')).toBe(true)
    expect(isSchema1('application/json', Buffer.from('{"schemaVersion":1,"fsLayers":[]}'))).toBe(true)
    expect(isSchema1('application/vnd.oci.image.manifest.v1+json', Buffer.from('{"schemaVersion":2}'))).toBe(false)
  })
})

describe('RegistryClient with real registries’ quirks', () => {
  const methods = (reg: FakeRegistry) => reg.manifestRequests().map((r) => `${r.method} ${r.ref?.startsWith('sha256:') ? 'digest' : r.ref}`)

  it('HEAD answered 405: GET by tag and by digest, and no HEAD asked again', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1', 'v2'])
    reg.intercept = (_url, req) => (req.method === 'HEAD' ? { status: 405, headers: {}, body: Buffer.alloc(0), url: '' } : undefined)
    const c = client(reg)
    expect((await c.descriptor('v1')).digest).toBe(digest)
    expect((await c.descriptor('v2')).digest).toBe(digest)
    expect(methods(reg)).toEqual(['HEAD v1', 'GET v1', 'GET digest', 'GET v2'])
  })

  it('Artifactory HEADs: the checksum names the digest, a GET by digest confirms it (octet-stream says nothing)', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'HEAD' && res.headers['docker-content-digest']) {
        res.headers['x-checksum-sha256'] = (res.headers['docker-content-digest'] as string).slice(7)
        delete res.headers['docker-content-digest']
        res.headers['content-type'] = 'application/octet-stream'
      }
      return res
    }
    expect(await client(reg).descriptor('v1')).toMatchObject({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', source: 'get' })
    expect(methods(reg)).toEqual(['HEAD v1', 'HEAD digest', 'GET digest'])
  })

  it('a schema 1 answer is refused, naming it', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    reg.intercept = (url) =>
      url.pathname.includes('/manifests/') ? { status: 200, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, body: Buffer.from('{"schemaVersion":1}'), url: '' } : undefined
    await expect(client(reg).descriptor('v1')).rejects.toThrow(/answered reg\.example\/acme\/api:v1 with a Docker schema 1 manifest/)
  })

  it('413 on a manifest PUT names the size and the 4 MiB floor', async () => {
    const reg = new FakeRegistry()
    reg.intercept = (_url, req) => (req.method === 'PUT' ? { status: 413, headers: {}, body: Buffer.from('{"errors":[{"code":"SIZE_INVALID","message":"limit 1024"}]}'), url: '' } : undefined)
    const c = createRegistryFactory({ transport: reg, credentials: async () => undefined }).client({ registry: REGISTRY, repository: 'acme/api' }, { push: true })
    await expect(c.putManifest('v1', Buffer.alloc(2048, 32), 'application/vnd.oci.image.index.v1+json')).rejects.toThrow(
      /rejected manifest v1 for acme\/api as too large \(HTTP 413: SIZE_INVALID: limit 1024\): it is 2048 bytes/
    )
  })
})
