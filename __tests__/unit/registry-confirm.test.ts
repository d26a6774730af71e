import { describe, expect, it } from '@jest/globals'
import { readBack } from '../../src/build-push/readback'
import { createRegistryFactory } from '../../src/registry'
import { resolveAll, resolveOne } from '../../src/resolve/resolver'
import { FakeRegistry, REGISTRY, digestOf } from '../helpers/fake-registry'

const name = { registry: REGISTRY, repository: 'acme/api' }
const client = (reg: FakeRegistry) => createRegistryFactory({ transport: reg, credentials: async () => undefined }).client(name)
const methods = (reg: FakeRegistry) => reg.manifestRequests().map((r) => `${r.method} ${r.ref?.startsWith('sha256:') ? (r.ref === digestOf(Buffer.alloc(0)) ? '?' : 'digest') : r.ref}`)

/**
 * A tampering mirror (issue 14, F3): manifests by tag come back with `\n` appended and without Docker-Content-Digest
 * (HEADs by tag lose the header too); by digest the registry answers as it is.
 */
function tamperingMirror(reg: FakeRegistry, opts: { alter?: boolean } = {}): void {
  const send = reg.send.bind(reg)
  reg.send = async (url, req) => {
    const res = await send(url, req)
    const m = /\/manifests\/([^/]+)$/.exec(new URL(url).pathname)
    if (!m || (m[1] as string).includes(':') || res.status !== 200) return res
    delete res.headers['docker-content-digest']
    if (req.method === 'GET' && opts.alter !== false) res.body = Buffer.concat([res.body, Buffer.from('\n')])
    return res
  }
}

describe('F3: a digest hashed from a GET by tag is confirmed by digest', () => {
  it('altered bytes without a header: HEAD by digest answers 404, a clear failure and no digest', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    tamperingMirror(reg)
    const altered = digestOf(Buffer.concat([reg.manifests.get(`acme/api@v1`)?.bytes as Buffer, Buffer.from('\n')]))
    const error = await client(reg).manifest('v1').catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe(
      `registry reg.example answered reg.example/acme/api:v1 with ${altered}, but holds no manifest under that digest (HEAD by digest: HTTP 404: MANIFEST_UNKNOWN: manifest unknown): the answer was altered on the way, or the tag moved while it was read`
    )
    expect((error as { status?: number }).status).toBeUndefined()
    expect(altered).not.toBe(digest)
  })

  it('genuine bytes without a header: one HEAD by digest confirms them, and they are kept', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    tamperingMirror(reg, { alter: false })
    const c = client(reg)
    expect((await c.manifest('v1')).digest).toBe(digest)
    expect((await c.manifest(digest)).digest).toBe(digest)
    expect(methods(reg)).toEqual(['GET v1', 'HEAD digest'])
  })

  it('a header on an answer by tag is never the registry’s word for the digest: it is confirmed by digest', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    await client(reg).manifest('v1')
    expect(methods(reg)).toEqual(['GET v1', 'HEAD digest'])
    const reg2 = new FakeRegistry()
    reg2.putImage('acme/api', {}, ['v1'])
    const send = reg2.send.bind(reg2)
    reg2.send = async (url, req) => {
      const res = await send(url, req)
      if (req.method === 'GET') delete res.headers['docker-content-digest']
      return res
    }
    // verified: the HEAD by tag names the digest, the GET by digest (hashed, no header needed) confirms it
    expect(await client(reg2).descriptor('v1', { verified: true })).toMatchObject({ digest, source: 'get' })
    expect(methods(reg2)).toEqual(['HEAD v1', 'GET digest'])
  })

  it('resolve (HEAD without digest, GET altered): fails as inconsistent data, never reported missing', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    tamperingMirror(reg)
    await expect(resolveOne(client(reg), { ...name, tag: 'v1' }, {})).rejects.toThrow(/holds no manifest under that digest/)
    const c = client(reg)
    const [outcome] = await resolveAll([{ input: 'reg.example/acme/api:v1', ref: { ...name, tag: 'v1' } }], { client: () => c, concurrency: 1 })
    expect(outcome?.status).toBe('failed')
  })

  it('the build read-back without a push digest: fails, and a genuine mirror passes with a GET by digest more', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    tamperingMirror(reg)
    await expect(readBack(client(reg), [{ tag: 'v1' }])).rejects.toThrow(/holds no manifest under that digest/)
    const ok = new FakeRegistry()
    const { digest, config } = ok.putImage('acme/api', {}, ['v1'])
    tamperingMirror(ok, { alter: false })
    expect(await readBack(client(ok), [{ tag: 'v1' }], { imageId: config })).toMatchObject({ digest })
    expect(methods(ok)).toEqual(['HEAD v1', 'GET v1', 'GET digest'])
  })

  it('a registry that does not answer HEAD: the GET by digest is the proof, hashed', async () => {
    const reg = new FakeRegistry()
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    tamperingMirror(reg, { alter: false })
    const previous = reg.intercept
    reg.intercept = (url, req) =>
      req.method === 'HEAD' && url.pathname.includes('/manifests/sha256:') ? { status: 405, headers: {}, body: Buffer.alloc(0), url: '' } : previous?.(url, req)
    expect((await client(reg).manifest('v1')).digest).toBe(digest)
    expect(methods(reg)).toEqual(['GET v1', 'HEAD digest', 'GET digest'])
    // and through a tampering mirror the GET by digest does not hash to it: inconsistent
    const bad = new FakeRegistry()
    bad.putImage('acme/api', {}, ['v1'])
    tamperingMirror(bad)
    bad.intercept = (url, req) =>
      url.pathname.includes('/manifests/sha256:') ? (req.method === 'HEAD' ? { status: 405, headers: {}, body: Buffer.alloc(0), url: '' } : { status: 404, headers: {}, body: Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'), url: '' }) : undefined
    await expect(client(bad).manifest('v1')).rejects.toThrow(/holds no manifest under that digest \(GET by digest: HTTP 404: MANIFEST_UNKNOWN: manifest unknown\)/)
  })

  it('a HEAD by digest that names another digest is inconsistent data', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    tamperingMirror(reg, { alter: false })
    reg.intercept = (url, req) =>
      req.method === 'HEAD' && url.pathname.includes('/manifests/sha256:') ? { status: 200, headers: { 'docker-content-digest': digestOf('else') }, body: Buffer.alloc(0), url: '' } : undefined
    await expect(client(reg).manifest('v1')).rejects.toThrow(/returned inconsistent data for reg.example\/acme\/api:v1: HEAD by sha256:\w+ answers with sha256:/)
  })

  it('a HEAD by digest refused (401/403 after re-challenge) says so', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/api', {}, ['v1'])
    tamperingMirror(reg, { alter: false })
    reg.intercept = (url, req) =>
      req.method === 'HEAD' && url.pathname.includes('/manifests/sha256:') ? { status: 403, headers: {}, body: Buffer.alloc(0), url: '' } : undefined
    await expect(client(reg).manifest('v1')).rejects.toThrow(/refused to read manifest sha256:\w+ \(HTTP 403\)/)
  })
})
