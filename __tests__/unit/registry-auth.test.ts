import { describe, expect, it } from '@jest/globals'
import { RegistryAuth, pullScope, type Credentials } from '../../src/registry/auth'
import { createRegistryFactory } from '../../src/registry'
import { TokenCache } from '../../src/registry/token-cache'
import { captureStdout, maskedValues } from '../helpers/capture'
import { BASE, FakeRegistry, REALM, REGISTRY } from '../helpers/fake-registry'

const USER = { username: 'octo', password: 'hunter2-secret' }

function factory(reg: FakeRegistry, credentials?: Credentials) {
  return createRegistryFactory({ transport: reg, credentials: async () => credentials })
}
const paths = (reg: FakeRegistry) => reg.requests.map((r) => `${r.method} ${new URL(r.url).host}${new URL(r.url).pathname}`)

describe('RegistryAuth: challenge-driven', () => {
  it('anonymous registry: one ping, no Authorization anywhere', async () => {
    const reg = new FakeRegistry('anonymous')
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const client = factory(reg).client({ registry: REGISTRY, repository: 'acme/api' })
    expect((await client.descriptor('v1')).digest).toBe(digest)
    expect(paths(reg)).toEqual([`GET ${REGISTRY}/v2/`, `HEAD ${REGISTRY}/v2/acme/api/manifests/v1`, `HEAD ${REGISTRY}/v2/acme/api/manifests/${digest}`])
    expect(reg.requests.every((r) => r.authorization === undefined)).toBe(true)
  })

  it('Basic: sends the credentials to the registry itself, masked', async () => {
    const reg = new FakeRegistry('basic', USER)
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const { result, out } = await captureStdout(() => factory(reg, USER).client({ registry: REGISTRY, repository: 'acme/api' }).descriptor('v1'))
    expect(result?.digest).toBe(digest)
    const basic = Buffer.from('octo:hunter2-secret').toString('base64')
    expect(reg.requests[1]?.authorization).toBe(`Basic ${basic}`)
    expect(maskedValues(out)).toContain(basic)
  })

  it('Basic without credentials fails with a hint to log in', async () => {
    const reg = new FakeRegistry('basic', USER)
    reg.putImage('acme/api', {}, ['v1'])
    await expect(factory(reg).client({ registry: REGISTRY, repository: 'acme/api' }).descriptor('v1')).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/refused to read manifest v1 \(HTTP 401: UNAUTHORIZED: authentication required\)/),
      hint: expect.stringMatching(/logged in to reg.example/)
    })
  })

  it('Bearer anonymous: token from the realm with service and pull scope, no credentials sent', async () => {
    const reg = new FakeRegistry('bearer')
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const { result, out } = await captureStdout(() => factory(reg).client({ registry: REGISTRY, repository: 'acme/api' }).descriptor('v1'))
    expect(result?.digest).toBe(digest)
    const token = reg.requests[1]
    expect(new URL(token?.url ?? '').origin + new URL(token?.url ?? '').pathname).toBe(REALM)
    expect(new URL(token?.url ?? '').searchParams.get('service')).toBe(REGISTRY)
    expect(new URL(token?.url ?? '').searchParams.getAll('scope')).toEqual(['repository:acme/api:pull'])
    expect(token?.authorization).toBeUndefined()
    expect(reg.requests[2]?.authorization).toBe('Bearer tok-1')
    expect(maskedValues(out)).toContain('tok-1')
  })

  it('Bearer with credentials: Basic to the realm; access_token accepted', async () => {
    const reg = new FakeRegistry('bearer', USER, false)
    reg.tokenField = 'access_token'
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const client = factory(reg, USER).client({ registry: REGISTRY, repository: 'acme/api' })
    expect((await client.manifest('v1')).digest).toBe(digest)
    expect(reg.requests[1]?.authorization).toMatch(/^Basic /)
  })

  it('Bearer with an identity token: OAuth2 refresh-token POST', async () => {
    const reg = new FakeRegistry('bearer', { username: '<token>', password: 'refresh-xyz' }, false)
    reg.putImage('acme/api', {}, ['v1'])
    const client = factory(reg, { identityToken: 'refresh-xyz' }).client({ registry: REGISTRY, repository: 'acme/api' })
    await client.head('v1')
    const post = reg.requests[1]
    expect(post?.method).toBe('POST')
    const form = new URLSearchParams(post?.body)
    expect(form.get('grant_type')).toBe('refresh_token')
    expect(form.get('refresh_token')).toBe('refresh-xyz')
    expect(form.get('scope')).toBe('repository:acme/api:pull')
    expect(form.get('service')).toBe(REGISTRY)
  })

  it('identity token against a realm without OAuth2 (404 on POST) falls back to GET', async () => {
    const reg = new FakeRegistry('bearer', { username: '<token>', password: 'refresh-xyz' }, false)
    reg.putImage('acme/api', {}, ['v1'])
    reg.intercept = (url, req) => (url.origin === new URL(REALM).origin && req.method === 'POST' ? { status: 404, headers: {}, body: Buffer.alloc(0), url: '' } : undefined)
    await factory(reg, { identityToken: 'refresh-xyz' }).client({ registry: REGISTRY, repository: 'acme/api' }).head('v1')
    expect(reg.requests.map((r) => r.method).slice(1, 3)).toEqual(['POST', 'GET'])
  })

  it('token service refusal is a clear error without the password', async () => {
    const reg = new FakeRegistry('bearer', USER, false)
    reg.putImage('acme/api', {}, ['v1'])
    const error = await factory(reg, { username: 'octo', password: 'wrong-password' })
      .client({ registry: REGISTRY, repository: 'acme/api' })
      .head('v1')
      .catch((e: Error & { hint?: string }) => e)
    expect((error as Error).message).toMatch(/token service https:\/\/auth.example refused the credentials docker uses for repository:acme\/api:pull \(HTTP 401/)
    expect(`${(error as Error).message} ${(error as { hint?: string }).hint}`).not.toMatch(/wrong-password/)
  })

  it('caches tokens per registry+scope and shares one ping per registry across repositories', async () => {
    const reg = new FakeRegistry('bearer')
    reg.putImage('acme/api', {}, ['v1'])
    reg.putImage('acme/web', {}, ['v1'])
    const f = factory(reg)
    const api = f.client({ registry: REGISTRY, repository: 'acme/api' })
    const web = f.client({ registry: REGISTRY, repository: 'acme/web' })
    await api.head('v1')
    await web.head('v1')
    await api.manifest('v1')
    await web.descriptor('v1')
    expect(reg.tokensIssued).toBe(2)
    expect(paths(reg).filter((p) => p.endsWith('/v2/'))).toHaveLength(1)
    // ping, two tokens, two HEADs by tag, the GET by tag and the HEAD by digest confirming it, web's confirming HEAD
    expect(reg.requests.length).toBe(1 + 2 + 6)
  })

  it('re-challenges once on a 401 (expired token) and then succeeds', async () => {
    const reg = new FakeRegistry('bearer')
    reg.putImage('acme/api', {}, ['v1'])
    const client = factory(reg).client({ registry: REGISTRY, repository: 'acme/api' })
    await client.head('v1')
    reg.validTokens.clear() // the registry no longer accepts tok-1
    await client.head('v1')
    expect(reg.requests.map((r) => r.authorization ?? '-').slice(-3)).toEqual(['Bearer tok-1', '-', 'Bearer tok-2'])
  })

  it('re-challenges only once: a registry that keeps saying 401 fails', async () => {
    const reg = new FakeRegistry('bearer')
    reg.putImage('acme/api', {}, ['v1'])
    reg.intercept = (url) =>
      url.pathname.includes('/manifests/')
        ? { status: 401, headers: { 'www-authenticate': `Bearer realm="${REALM}",service="${REGISTRY}"` }, body: Buffer.from('nope'), url: '' }
        : undefined
    await expect(factory(reg).client({ registry: REGISTRY, repository: 'acme/api' }).head('v1')).rejects.toMatchObject({ status: 401 })
    expect(reg.requests.filter((r) => r.url.includes('/manifests/'))).toHaveLength(2)
  })

  it('honours expires_in: an expired token is fetched again', async () => {
    let now = 0
    const reg = new FakeRegistry('bearer')
    reg.expiresIn = 10
    reg.putImage('acme/api', {}, ['v1'])
    const auth = new RegistryAuth({ registry: REGISTRY, base: BASE, transport: reg, credentials: async () => undefined, cache: new TokenCache(() => now) })
    const scope = pullScope('acme/api')
    expect(await auth.authorization(scope)).toBe('Bearer tok-1')
    now = 8_999
    expect(await auth.authorization(scope)).toBe('Bearer tok-1')
    now = 9_000
    expect(await auth.authorization(scope)).toBe('Bearer tok-2')
  })

  it('builds the scope from the repository when the challenge has none, and rejects a challenge without realm', async () => {
    const reg = new FakeRegistry('bearer')
    reg.intercept = (url) => (url.pathname === '/v2/' ? { status: 401, headers: { 'www-authenticate': 'Bearer service="x"' }, body: Buffer.alloc(0), url: '' } : undefined)
    const auth = new RegistryAuth({ registry: REGISTRY, base: BASE, transport: reg, credentials: async () => undefined })
    await expect(auth.authorization(pullScope('a'))).rejects.toThrow(/Bearer challenge without a usable realm/)
  })

  it('refuses to send credentials to a plain-http realm on a remote host', async () => {
    const reg = new FakeRegistry('bearer')
    reg.intercept = (url) =>
      url.pathname === '/v2/' ? { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://evil.example/token"' }, body: Buffer.alloc(0), url: '' } : undefined
    const auth = new RegistryAuth({ registry: REGISTRY, base: BASE, transport: reg, credentials: async () => USER })
    await expect(auth.authorization(pullScope('a'))).rejects.toThrow(/over plain http; refusing/)
    expect(reg.requests.some((r) => r.url.startsWith('http://evil'))).toBe(false)
  })

  it('looks credentials up once per registry, and only when needed', async () => {
    const reg = new FakeRegistry('bearer', USER, false)
    reg.putImage('acme/api', {}, ['v1'])
    let lookups = 0
    const f = createRegistryFactory({ transport: reg, credentials: async () => (lookups++, USER) })
    const c = f.client({ registry: REGISTRY, repository: 'acme/api' })
    expect(lookups).toBe(0)
    await c.head('v1')
    await f.client({ registry: REGISTRY, repository: 'acme/other' }).head('v1').catch(() => {})
    expect(lookups).toBe(1)
  })
})

describe('RegistryAuth: ping failures', () => {
  it('remembers a failed ping: the next request fails with its error instead of spending the budget on a second ping', async () => {
    const reg = new FakeRegistry('bearer')
    let pings = 0
    reg.intercept = (url) => {
      if (url.pathname === '/v2/') {
        pings++
        throw new Error('ECONNREFUSED')
      }
      return undefined
    }
    const auth = new RegistryAuth({ registry: REGISTRY, base: BASE, transport: reg, credentials: async () => undefined })
    await expect(auth.authorization(pullScope('a'))).rejects.toThrow(/registry reg.example could not be reached: ECONNREFUSED/)
    await expect(auth.authorization(pullScope('b'))).rejects.toThrow(/registry reg.example could not be reached: ECONNREFUSED/)
    expect(pings).toBe(1)
  })
})

describe('RegistryAuth: requests side by side', () => {
  it('Bearer: one token request per scope however many requests wait for it; Basic: the credentials masked once', async () => {
    const reg = new FakeRegistry('bearer')
    const tags = ['a', 'b', 'c', 'd']
    for (const t of tags) reg.putImage('acme/api', { t }, [t])
    const client = factory(reg).client({ registry: REGISTRY, repository: 'acme/api' })
    await Promise.all(tags.map((t) => client.descriptor(t)))
    expect(paths(reg).filter((p) => p.includes(new URL(REALM).host))).toHaveLength(1)

    const basic = new FakeRegistry('basic', USER)
    for (const t of tags) basic.putImage('acme/api', { t }, [t])
    const { out } = await captureStdout(() => {
      const c = factory(basic, USER).client({ registry: REGISTRY, repository: 'acme/api' })
      return Promise.all(tags.map((t) => c.descriptor(t)))
    })
    expect(out.match(/::add-mask::/g)).toHaveLength(1)
  })
})

describe('RegistryClient.warmUp', () => {
  it('pings and fetches the repository token ahead of the first request, which then goes straight to the registry', async () => {
    const reg = new FakeRegistry('bearer')
    const { digest } = reg.putImage('acme/api', {}, ['v1'])
    const client = factory(reg).client({ registry: REGISTRY, repository: 'acme/api' })
    await client.warmUp()
    const warmed = paths(reg)
    expect(warmed).toEqual([`GET ${REGISTRY}/v2/`, expect.stringContaining(new URL(REALM).host)])
    expect((await client.descriptor('v1')).digest).toBe(digest)
    expect(paths(reg).slice(warmed.length)).toEqual([`HEAD ${REGISTRY}/v2/acme/api/manifests/v1`, `HEAD ${REGISTRY}/v2/acme/api/manifests/${digest}`])
  })
})

describe('RegistryAuth: a failed token request stands', () => {
  it('a second request in the same scope fails with the same error, without asking the token service again', async () => {
    const reg = new FakeRegistry('bearer')
    reg.putImage('acme/api', {}, ['v1'])
    reg.intercept = (url) => (url.host === new URL(REALM).host ? { status: 503, headers: {}, body: Buffer.from('down'), url: url.toString() } : undefined)
    const client = factory(reg).client({ registry: REGISTRY, repository: 'acme/api' })
    const first = await client.descriptor('v1').catch((e: Error) => e)
    const second = await client.descriptor('v1').catch((e: Error) => e)
    expect(first).toBeInstanceOf(Error)
    expect(second).toBe(first)
    expect(paths(reg).filter((p) => p.includes(new URL(REALM).host))).toHaveLength(1)
  })
})
