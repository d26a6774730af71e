import { describe, expect, it } from '@jest/globals'
import { createRegistryFactory } from '../../src/registry'
import { TransportError, type HttpResponse } from '../../src/registry/transport'
import { BASE, FakeRegistry, REGISTRY, digestOf } from '../helpers/fake-registry'

const name = { registry: REGISTRY, repository: 'acme/api' }
const client = (reg: FakeRegistry) => createRegistryFactory({ transport: reg, credentials: async () => undefined }).client(name)
const manifestPath = /\/manifests\//

/** Makes the registry omit a header from its manifest answers to `method`. */
function dropHeader(reg: FakeRegistry, method: string, header: string): void {
  const send = reg.send.bind(reg)
  reg.send = async (url, req) => {
    const res = await send(url, req)
    if (manifestPath.test(url) && req.method === method) delete res.headers[header]
    return res
  }
}

describe('RegistryClient quirks', () => {
  it('HEAD without Docker-Content-Digest: resolve falls back to GET and hashes the body', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    dropHeader(reg, 'HEAD', 'docker-content-digest')
    expect(await client(reg).descriptor('v1')).toEqual({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', source: 'get' })
    // HEAD by tag, GET by tag (hashed), GET by digest (the confirmation: this registry's HEADs name no digest)
    expect(reg.requests.map((r) => r.method)).toEqual(['GET', 'HEAD', 'GET', 'GET'])
  })

  it('HEAD with a malformed digest header is treated as missing', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'HEAD') res.headers['docker-content-digest'] = 'sha256:XYZ'
      return res
    }
    expect((await client(reg).head('v1'))?.digest).toBeUndefined()
  })

  it('GET without the header: the digest is the hash of the bytes', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    dropHeader(reg, 'GET', 'docker-content-digest')
    const m = await client(reg).manifest('v1')
    expect(m.digest).toBe(digest)
    expect(digestOf(m.bytes)).toBe(digest)
  })

  it('GET whose header disagrees with the body fails as inconsistent data', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    const other = reg.putImage('acme/api', { other: 'yes' }, []).digest
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'GET' && manifestPath.test(url)) res.headers['docker-content-digest'] = other
      return res
    }
    await expect(client(reg).manifest('v1')).rejects.toThrow(/returned inconsistent data for reg.example\/acme\/api:v1: Docker-Content-Digest says sha256:/)
  })

  it('GET by digest whose body hashes to something else fails as inconsistent data', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    reg.manifests.set(`acme/api@${digest}`, { bytes: Buffer.from('{"tampered":true}'), mediaType: 'application/json' })
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => {
      const res = await send(url, req)
      delete res.headers['docker-content-digest']
      return res
    }
    await expect(client(reg).manifest(digest)).rejects.toThrow(/inconsistent data: the manifest served for reg.example\/acme\/api@sha256:\w+ hashes to sha256:/)
  })

  it('an index: the digest is the index’s; the media type comes from the body', async () => {
    const reg = new FakeRegistry()
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }
    const digest = reg.putManifest('acme/api', index, ['multi'], 'application/vnd.oci.image.index.v1+json')
    expect(await client(reg).descriptor('multi')).toMatchObject({ digest, mediaType: 'application/vnd.oci.image.index.v1+json' })
    expect(await client(reg).manifest('multi')).toMatchObject({ digest, mediaType: 'application/vnd.oci.image.index.v1+json' })
  })

  it('sends all four manifest media types in Accept', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    let accept = ''
    reg.intercept = (_url, req) => ((accept = req.headers?.accept ?? accept), undefined)
    await client(reg).head('v1')
    for (const t of ['oci.image.index.v1', 'oci.image.manifest.v1', 'docker.distribution.manifest.list.v2', 'docker.distribution.manifest.v2']) {
      expect(accept).toContain(t)
    }
  })
})

describe('RegistryClient blobs', () => {
  it('follows a redirect to another host without Authorization, and keeps it on the same origin', async () => {
    const reg = new FakeRegistry('basic', { username: 'u', password: 'p' })
    const { config } = reg.putImage('acme/api', { a: 'b' }, ['v1'])
    const blob = reg.blobs.get(config) as Buffer
    reg.intercept = (url): HttpResponse | undefined => {
      if (url.pathname === `/v2/acme/api/blobs/${config}`) return { status: 307, headers: { location: '/storage/one' }, body: Buffer.alloc(0), url: '' }
      if (url.pathname === '/storage/one') return { status: 302, headers: { location: 'https://cdn.example/blob?sig=1' }, body: Buffer.alloc(0), url: '' }
      if (url.host === 'cdn.example') return { status: 200, headers: {}, body: blob, url: '' }
      return undefined
    }
    const f = createRegistryFactory({ transport: reg, credentials: async () => ({ username: 'u', password: 'p' }) })
    expect(await f.client(name).blob(config)).toEqual(blob)
    const hops = reg.requests.filter((r) => r.url.includes('blobs') || r.url.includes('storage') || r.url.includes('cdn'))
    expect(hops.map((h) => [new URL(h.url).host, h.authorization !== undefined])).toEqual([
      [REGISTRY, true],
      [REGISTRY, true],
      ['cdn.example', false]
    ])
  })

  it('a corrupted blob fails as inconsistent data; endless redirects are bounded', async () => {
    const reg = new FakeRegistry()
    const { config } = reg.putImage('acme/api', {}, ['v1'])
    reg.blobs.set(config, Buffer.from('corrupted'))
    await expect(client(reg).blob(config)).rejects.toThrow(/inconsistent data: blob sha256:\w+ hashes to/)
    reg.intercept = (url) => (url.pathname.includes('/blobs/') ? { status: 302, headers: { location: url.pathname }, body: Buffer.alloc(0), url: '' } : undefined)
    await expect(client(reg).blob(config)).rejects.toThrow(/too many redirects/)
  })
})

describe('RegistryClient errors', () => {
  it('404 names the manifest and the repository with the registry’s words', async () => {
    const reg = new FakeRegistry()
    await expect(client(reg).head('nope')).rejects.toMatchObject({ status: 404 })
    await expect(client(reg).manifest('nope')).rejects.toThrow('manifest nope was not found in reg.example/acme/api (HTTP 404: MANIFEST_UNKNOWN: manifest unknown)')
  })

  it('5xx and 429 after the transport’s retries say so, with the error body', async () => {
    const reg = new FakeRegistry()
    reg.intercept = (url) =>
      url.pathname === '/v2/'
        ? undefined
        : { status: 503, headers: {}, body: Buffer.from('<html><body>upstream down</body></html>'), url: '', retries: 4 }
    await expect(client(reg).manifest('v1')).rejects.toThrow('registry reg.example did not serve manifest v1 (HTTP 503 after 4 retries: upstream down)')
    reg.intercept = (url) =>
      url.pathname === '/v2/'
        ? undefined
        : { status: 429, headers: {}, body: Buffer.from('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'), url: '', retries: 2 }
    await expect(client(reg).head('v1')).rejects.toMatchObject({
      status: 429,
      code: 'TOOMANYREQUESTS',
      message: 'registry reg.example is rate limiting requests for manifest v1 (HTTP 429 after 2 retries: TOOMANYREQUESTS: slow down)'
    })
  })

  it('a bodiless refusal does not repeat the status', async () => {
    const reg = new FakeRegistry('basic', { username: 'u', password: 'p' })
    reg.putImage('acme/api', {}, ['v1'])
    const send = reg.send.bind(reg)
    reg.send = async (url, req) => ({ ...(await send(url, req)), body: Buffer.alloc(0) })
    await expect(client(reg).head('v1')).rejects.toThrow(/^registry reg.example refused to read manifest v1 \(HTTP 401\)$/)
  })

  it('a transport failure is a RegistryError naming the registry and request', async () => {
    const reg = new FakeRegistry()
    reg.intercept = (url) => {
      if (url.pathname === '/v2/') return undefined
      throw new TransportError('ECONNRESET: socket hang up after 4 retries', 'ECONNRESET', 4)
    }
    await expect(client(reg).head('v1')).rejects.toThrow(
      'registry reg.example could not be reached (HEAD /v2/acme/api/manifests/v1): ECONNRESET: socket hang up after 4 retries'
    )
  })

  it('uses https for remote registries and the Docker Hub API host', () => {
    const f = createRegistryFactory({ transport: new FakeRegistry(), credentials: async () => undefined })
    expect(f.client(name).base).toBe(BASE)
    expect(f.client({ registry: 'docker.io', repository: 'library/nginx' }).base).toBe('https://registry-1.docker.io')
    expect(f.client({ registry: '127.0.0.1:5000', repository: 'demo' }).base).toBe('http://127.0.0.1:5000')
    expect(f.client({ registry: 'localhost:5000', repository: 'demo' }).base).toBe('http://localhost:5000')
  })
})

describe('RegistryClient.descriptor', () => {
  const methods = (reg: FakeRegistry) => reg.manifestRequests().map((r) => `${r.method} ${r.ref?.startsWith('sha256:') ? 'digest' : r.ref}`)

  it('by default: one HEAD when the header is there', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    expect(await client(reg).descriptor('v1')).toEqual({ digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', source: 'head' })
    // the HEAD by tag names the digest, the HEAD by digest confirms it
    expect(methods(reg)).toEqual(['HEAD v1', 'HEAD digest'])
  })

  it('verified: the digest the HEAD names is confirmed by a GET by digest, hashed', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    expect(await client(reg).descriptor('v1', { verified: true })).toMatchObject({ digest, source: 'get' })
    expect(methods(reg)).toEqual(['HEAD v1', 'GET digest'])
  })

  it('a manifest it fetched is not fetched again by digest', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const c = client(reg)
    await c.descriptor('v1', { verified: true })
    expect((await c.manifest(digest)).digest).toBe(digest)
    expect(methods(reg)).toEqual(['HEAD v1', 'GET digest'])
  })

  it('a pinned reference whose HEAD names another digest is an error', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    reg.intercept = (url, req) => (req.method === 'HEAD' && url.pathname.includes('/manifests/') ? { status: 200, headers: { 'docker-content-digest': `sha256:${'f'.repeat(64)}` }, body: Buffer.alloc(0), url: '' } : undefined)
    await expect(client(reg).descriptor(digest)).rejects.toThrow(/returned inconsistent data: HEAD by sha256:\w+ answers with sha256:f+/)
  })

  it('with platform: the platform manifest inside an index, or PlatformNotFoundError listing what the index has', async () => {
    const reg = new FakeRegistry()
    const amd = reg.putImage('acme/api', { a: 'amd' }, []).digest
    const arm = reg.putImage('acme/api', { a: 'arm' }, []).digest
    const index = reg.putIndex('acme/api', ['multi'], [
      { digest: amd, os: 'linux', architecture: 'amd64' },
      { digest: arm, os: 'linux', architecture: 'arm64', variant: 'v8' },
      { digest: amd, os: 'unknown', architecture: 'unknown' }
    ])
    expect(await client(reg).descriptor('multi', { platform: { os: 'linux', architecture: 'arm64' } })).toMatchObject({
      digest: arm,
      index: { digest: index, platforms: ['linux/amd64', 'linux/arm64/v8'] }
    })
    await expect(client(reg).descriptor('multi', { platform: { os: 'linux', architecture: 's390x' } })).rejects.toMatchObject({
      name: 'PlatformNotFoundError',
      platforms: ['linux/amd64', 'linux/arm64/v8']
    })
  })
})
