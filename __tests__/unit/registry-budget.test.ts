import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { parseRegistryTimeout, parseSeconds } from '../../src/action/inputs'
import { createRegistryFactory } from '../../src/registry'
import { BudgetExceededError, budgetedTransport, raceSignal, RegistryBudget } from '../../src/registry/budget'
import type { HttpRequest, HttpResponse, Transport } from '../../src/registry/transport'
import { UndiciTransport } from '../../src/registry/transport'
import { captureStdout } from '../helpers/capture'
import { FakeRegistry, REGISTRY } from '../helpers/fake-registry'

const name = { registry: REGISTRY, repository: 'acme/api' }

/** A FakeRegistry whose answers to matching URLs never come (until the signal aborts them). */
class HangingRegistry implements Transport {
  readonly sent: Array<{ method: string; path: string; at: number }> = []
  constructor(
    readonly inner: FakeRegistry,
    readonly hangs: (url: URL) => boolean
  ) {}
  send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const u = new URL(url)
    this.sent.push({ method: req.method, path: u.pathname, at: Date.now() })
    if (!this.hangs(u)) return this.inner.send(url, req)
    return new Promise((_resolve, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted below')), { once: true }))
  }
}

describe('RegistryBudget', () => {
  it('aborts the phase after its time with a BudgetExceededError; a new phase does not extend work begun in the old one', async () => {
    const budget = new RegistryBudget(500)
    const first = budget.signal()
    await new Promise((r) => setTimeout(r, 200))
    budget.start()
    const second = budget.signal()
    expect(second).not.toBe(first)
    // checked the moment the first phase ends: the second (200 ms younger) is still running
    const secondAbortedThen = await new Promise<boolean>((resolve) => first.addEventListener('abort', () => resolve(second.aborted), { once: true }))
    expect(secondAbortedThen).toBe(false)
    expect(first.reason).toBeInstanceOf(BudgetExceededError)
    expect((first.reason as Error).message).toBe('no answer within the 0.5 s registry-timeout')
    expect(budget.remainingMs()).toBeGreaterThan(0)
    budget.stop()
  })

  it('stops requests a fifth of the budget before its end (at most 1 s), so the step can report and exit within it', async () => {
    expect(new RegistryBudget(3_000).reserveMs).toBe(600)
    expect(new RegistryBudget(60_000).reserveMs).toBe(1_000)
    const budget = new RegistryBudget(500)
    const started = Date.now()
    const signal = budget.signal()
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(390)
    expect(elapsed).toBeLessThan(500)
  })

  it('refuses a non-positive budget', () => {
    expect(() => new RegistryBudget(0)).toThrow(RangeError)
    expect(() => new RegistryBudget(Number.NaN)).toThrow(RangeError)
  })

  it('raceSignal: the value when it comes first, the reason when the signal fires first (the loser is handled)', async () => {
    const c = new AbortController()
    expect(await raceSignal(Promise.resolve(1), c.signal)).toBe(1)
    const late = new Promise<number>((_r, reject) => setTimeout(() => reject(new Error('late')), 50))
    setTimeout(() => c.abort(new Error('budget')), 10)
    await expect(raceSignal(late, c.signal)).rejects.toThrow('budget')
    await expect(raceSignal(Promise.reject(new Error('x')), c.signal)).rejects.toThrow('budget')
    await new Promise((r) => setTimeout(r, 60)) // the late rejection must not be unhandled
  })

  it('budgetedTransport: a request that never answers fails at the budget, whatever the transport below does', async () => {
    const budget = new RegistryBudget(100)
    const never: Transport = { send: () => new Promise(() => undefined) }
    const started = Date.now()
    await expect(budgetedTransport(never, budget).send('http://x/v2/', { method: 'GET' })).rejects.toBeInstanceOf(BudgetExceededError)
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})

describe('the registry layer under a budget', () => {
  it('a hung /v2/: the warm-up ping fails once, is remembered, and the read fails naming the host and the budget (one ping in all)', async () => {
    const fake = new FakeRegistry('anonymous')
    fake.putImage('acme/api', {}, ['v1'])
    const reg = new HangingRegistry(fake, (u) => u.pathname === '/v2/')
    const f = createRegistryFactory({ transport: reg, credentials: async () => undefined, budget: new RegistryBudget(200) })
    const client = f.client(name)
    f.budget.start()
    const started = Date.now()
    await client.warmUp() // never rejects
    f.budget.start() // a fresh phase, as the build starts after its push
    await expect(client.descriptor('v1')).rejects.toMatchObject({
      message: `registry ${REGISTRY} did not answer GET /v2/ within the 0.2 s registry-timeout`,
      hint: expect.stringMatching(/reach.*raise the 'registry-timeout' input/)
    })
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(reg.sent.filter((s) => s.path === '/v2/')).toHaveLength(1)
    await f.close()
  })

  it('a ping still pending when a new phase starts keeps its earlier deadline: the read fails when the first phase ends', async () => {
    const fake = new FakeRegistry('anonymous')
    fake.putImage('acme/api', {}, ['v1'])
    const reg = new HangingRegistry(fake, (u) => u.pathname === '/v2/')
    const f = createRegistryFactory({ transport: reg, credentials: async () => undefined, budget: new RegistryBudget(500) })
    const client = f.client(name)
    f.budget.start()
    const started = Date.now()
    void client.warmUp()
    await new Promise((r) => setTimeout(r, 300)) // "docker push"
    f.budget.start()
    const second = f.budget.signal()
    await expect(client.descriptor('v1')).rejects.toThrow(/did not answer GET \/v2\/ within the 0.5 s registry-timeout/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(f.budget.ms - f.budget.reserveMs - 10)
    expect(second.aborted).toBe(false) // failed at the first phase's end, not the second's (~800 ms)
    expect(reg.sent.filter((s) => s.path === '/v2/')).toHaveLength(1)
    await f.close()
  })

  it('a hung token service: fails within the budget naming the token service', async () => {
    const fake = new FakeRegistry('bearer', { username: 'u', password: 'p' })
    fake.putImage('acme/api', {}, ['v1'])
    const reg = new HangingRegistry(fake, (u) => u.host === 'auth.example')
    const f = createRegistryFactory({ transport: reg, credentials: async () => ({ username: 'u', password: 'p' }), budget: new RegistryBudget(200) })
    const started = Date.now()
    const { error } = await captureStdout(() => f.client(name).descriptor('v1'))
    expect(error).toMatchObject({
      message: 'token service https://auth.example did not answer GET /token within the 0.2 s registry-timeout',
      hint: expect.stringContaining('auth.example')
    })
    expect(Date.now() - started).toBeLessThan(1_500)
    await f.close()
  })

  it('the keychain gets the phase signal (a credential helper is stopped with it)', async () => {
    const fake = new FakeRegistry('basic', { username: 'u', password: 'p' })
    fake.putImage('acme/api', {}, ['v1'])
    let seen: AbortSignal | undefined
    const f = createRegistryFactory({
      transport: fake,
      credentials: (_r, o) => {
        seen = o?.signal
        return new Promise((_resolve, reject) => o?.signal?.addEventListener('abort', () => reject(new Error('helper stopped')), { once: true }))
      },
      budget: new RegistryBudget(100)
    })
    await expect(f.client(name).descriptor('v1')).rejects.toThrow('helper stopped')
    expect(seen?.aborted).toBe(true)
    await f.close()
  })
})

describe('UndiciTransport with a budget signal', () => {
  let server: http.Server
  let base: string
  const sockets = new Set<Socket>()
  beforeAll(async () => {
    server = http.createServer(() => undefined) // accepts, never answers
    server.on('connection', (s) => {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('aborts a hung request with the budget error, closes its socket, and close() does not wait for it', async () => {
    const t = new UndiciTransport({ timeoutMs: 30_000 })
    const budget = new RegistryBudget(200)
    const started = Date.now()
    await expect(budgetedTransport(t, budget).send(`${base}/v2/`, { method: 'GET' })).rejects.toBeInstanceOf(BudgetExceededError)
    await t.close()
    expect(Date.now() - started).toBeLessThan(1_000)
    for (let i = 0; i < 20 && sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 25))
    expect(sockets.size).toBe(0)
  })
})

describe('registry-timeout input', () => {
  it('seconds from 1 to 3600, decimals allowed; empty is 60', () => {
    expect(parseRegistryTimeout('')).toBe(60_000)
    expect(parseRegistryTimeout('5')).toBe(5_000)
    expect(parseRegistryTimeout('2.5')).toBe(2_500)
    expect(parseRegistryTimeout('3600')).toBe(3_600_000)
    expect(parseSeconds('x', '', 7)).toBe(7_000)
  })

  it.each(['0', '0.5', '3601', '-1', '1e3', '60s', 'abc', ' 5', 'Infinity'])('rejects %p naming the input', (raw) => {
    expect(() => parseRegistryTimeout(raw)).toThrow(/^Input 'registry-timeout': '.*' is not a number of seconds from 1 to 3600$/)
  })

  it('cuts a long rejected value', () => {
    try {
      parseRegistryTimeout('9'.repeat(10_000))
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(120)
      return
    }
    throw new Error('no error')
  })
})
