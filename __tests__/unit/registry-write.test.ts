import { describe, expect, it } from '@jest/globals'
import { createRegistryFactory } from '../../src/registry'
import { mountScope, pushScope } from '../../src/registry/auth'
import { OCI_INDEX, OCI_MANIFEST } from '../../src/registry/manifest'
import { FakeRegistry, REALM, REGISTRY, digestOf } from '../helpers/fake-registry'
import { captureStdout } from '../helpers/capture'

const target = { registry: REGISTRY, repository: 'acme/api' }
const factory = (reg: FakeRegistry, creds = reg.creds) => createRegistryFactory({ transport: reg, credentials: async () => creds })

/** Runs fn with stdout captured (auth masks secrets with ::add-mask::), rethrowing its error. */
async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const r = await captureStdout(fn)
  if (r.error) throw r.error
  return r.result as T
}

const tokenScopes = (reg: FakeRegistry): string[] =>
  reg.requests.filter((r) => r.url.startsWith(REALM)).map((r) => new URL(r.url).searchParams.getAll('scope').join(' '))

describe('registry writes: putManifest', () => {
  it('PUTs the bytes with their media type and returns their digest; the registry then serves them', async () => {
    const reg = new FakeRegistry('bearer', { username: 'u', password: 'p' })
    const image = reg.putImage('acme/api', { a: '1' }, [])
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: image.digest, size: image.bytes.length }] }))
    const client = factory(reg).client(target, { push: true })
    const put = await quiet(() => client.putManifest('v1', index, OCI_INDEX))
    expect(put.digest).toBe(digestOf(index))
    expect(reg.digest('acme/api', 'v1')).toBe(put.digest)
    const sent = reg.requests.find((r) => r.method === 'PUT')
    expect(sent?.body).toBe(index.toString())
    expect(tokenScopes(reg)).toEqual([pushScope('acme/api')])
  })

  it('refuses to PUT bytes under a digest they do not hash to (no request)', async () => {
    const reg = new FakeRegistry()
    const client = factory(reg).client(target, { push: true })
    await expect(client.putManifest(digestOf('other'), Buffer.from('{}'), OCI_MANIFEST)).rejects.toThrow(/hash to sha256:\w+, not to the digest/)
    expect(reg.requests).toEqual([])
  })

  it('an answer whose Docker-Content-Digest is not the hash of the bytes sent is inconsistent data', async () => {
    const reg = new FakeRegistry()
    reg.intercept = (url, req) =>
      req.method === 'PUT' ? { status: 201, headers: { 'docker-content-digest': digestOf('else') }, body: Buffer.alloc(0), url: url.toString() } : undefined
    const client = factory(reg).client(target, { push: true })
    await expect(client.putManifest('v1', Buffer.from('{"schemaVersion":2}'), OCI_MANIFEST)).rejects.toThrow(/answered the PUT of reg.example\/acme\/api:v1 with Docker-Content-Digest sha256:\w+, but the bytes sent hash to/)
  })

  it('a token without push: fails naming the repository and the permission to grant', async () => {
    const reg = new FakeRegistry('bearer') // anonymous: the token service grants pull only
    const client = factory(reg, undefined).client(target, { push: true })
    const error = (await captureStdout(() => client.putManifest('v1', Buffer.from('{"schemaVersion":2,"manifests":[]}'), OCI_INDEX))).error as Error
    expect(error.message).toMatch(/refused to write manifest v1 to acme\/api \(HTTP 401/)
    expect((error as { hint?: string }).hint).toMatch(/may push to acme\/api .*packages: write/)
  })

  it('a manifest whose blobs are not in the repository is rejected with the registry’s words', async () => {
    const reg = new FakeRegistry()
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: digestOf('nope'), size: 4 }, layers: [] }))
    const client = factory(reg).client(target, { push: true })
    await expect(client.putManifest(digestOf(manifest), manifest, OCI_MANIFEST)).rejects.toThrow(/rejected manifest sha256:\w+ for acme\/api \(HTTP 400: MANIFEST_BLOB_UNKNOWN/)
  })
})

describe('registry writes: blobs', () => {
  it('mountBlob: 201 when the source repository has the blob, with a token for push here and pull there', async () => {
    const reg = new FakeRegistry('bearer', { username: 'u', password: 'p' })
    reg.blobsPerRepository = true
    const digest = reg.putBlob('acme/api-arm', Buffer.from('layer'))
    const client = factory(reg).client(target, { push: true })
    expect(await quiet(() => client.blobExists(digest))).toBe(false)
    expect(await quiet(() => client.mountBlob(digest, 'acme/api-arm'))).toEqual({ mounted: true })
    expect(await quiet(() => client.blobExists(digest))).toBe(true)
    expect(reg.hasBlob('acme/api', digest)).toBe(true)
    const post = reg.requests.find((r) => r.method === 'POST' && !r.url.startsWith(REALM))
    expect(new URL(post?.url ?? '').search).toBe(`?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent('acme/api-arm')}`)
    expect(tokenScopes(reg)).toContain(mountScope('acme/api', 'acme/api-arm'))
    expect(mountScope('acme/api', 'acme/api-arm')).toBe('repository:acme/api:pull,push repository:acme/api-arm:pull')
  })

  it('mountBlob: 202 (mount refused) returns the upload session; uploadBlob completes it with the bytes, digest checked', async () => {
    const reg = new FakeRegistry()
    reg.blobsPerRepository = true
    reg.refuseMounts = true
    const bytes = Buffer.from('config')
    const digest = reg.putBlob('acme/other', bytes)
    const client = factory(reg).client(target, { push: true })
    const mount = await client.mountBlob(digest, 'acme/other')
    expect(mount).toEqual({ mounted: false, location: expect.stringMatching(/^\/v2\/acme\/api\/blobs\/uploads\/session-/) })
    if (mount.mounted) throw new Error('unreachable')
    await expect(client.uploadBlob(mount.location, Buffer.from('other'), digest)).rejects.toThrow(/hash to sha256:\w+, not to/)
    await client.uploadBlob(mount.location, bytes, digest)
    expect(reg.hasBlob('acme/api', digest)).toBe(true)
  })

  it('uploadBlob never sends credentials to an upload session on another host', async () => {
    const reg = new FakeRegistry()
    const client = factory(reg).client(target, { push: true })
    await expect(client.uploadBlob('https://elsewhere.example/upload/1', Buffer.from('x'), digestOf('x'))).rejects.toThrow(/another host \(https:\/\/elsewhere.example\)/)
    expect(reg.requests).toEqual([])
  })

  it('mountBlob: a registry error (403) fails naming the blob and the source repository', async () => {
    const reg = new FakeRegistry()
    reg.intercept = (url, req) =>
      req.method === 'POST' ? { status: 403, headers: {}, body: Buffer.from('{"errors":[{"code":"DENIED","message":"no"}]}'), url: url.toString() } : undefined
    const client = factory(reg).client(target, { push: true })
    await expect(client.mountBlob(digestOf('x'), 'acme/other')).rejects.toThrow(/refused to write blob sha256:\w+ \(mounted from acme\/other\) to acme\/api \(HTTP 403: DENIED: no\)/)
  })
})
