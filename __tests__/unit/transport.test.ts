import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { CountingTransport, TransportError, UndiciTransport } from '../../src/registry/transport'
import type { RetryEvent } from '../../src/registry/retry'

type Step = (req: http.IncomingMessage, res: http.ServerResponse) => void
const scripts = new Map<string, Step[]>()
const hits = new Map<string, number>()
let server: http.Server
let base: string

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const steps = scripts.get(path) ?? []
    const step = steps.length > 1 ? steps.shift() : steps[0]
    if (!step) {
      res.writeHead(404).end('no script')
      return
    }
    step(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const ok: Step = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('fine')
const status =
  (code: number, headers: Record<string, string> = {}, body = `{"errors":[{"code":"X","message":"status ${code}"}]}`): Step =>
  (_req, res) =>
    res.writeHead(code, headers).end(body)
const reset: Step = (req) => req.socket.destroy()

function transport(events: RetryEvent[] = [], extra: ConstructorParameters<typeof UndiciTransport>[0] = {}): UndiciTransport {
  return new UndiciTransport({
    timeoutMs: 2_000,
    retry: { minDelayMs: 10, maxDelayMs: 40, retryAfterCapMs: 300, budgetMs: 5_000 },
    onRetry: (e) => events.push(e),
    ...extra
  })
}

describe('UndiciTransport retries (RetryAgent)', () => {
  it('retries 503, 502 and a connection reset on GET, then returns the good answer', async () => {
    scripts.set('/a', [status(503), status(502), reset, ok])
    const events: RetryEvent[] = []
    const t = transport(events)
    const res = await t.send(`${base}/a`, { method: 'GET' })
    await t.close()
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('fine')
    expect(res.retries).toBe(3)
    expect(hits.get('/a')).toBe(4)
    expect(events.map((e) => e.cause)).toEqual(['HTTP 503', 'HTTP 502', expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/)])
  })

  it('honours Retry-After in seconds, capped by retryAfterCapMs', async () => {
    scripts.set('/b', [status(429, { 'retry-after': '120' }), ok])
    const events: RetryEvent[] = []
    const t = transport(events)
    const started = Date.now()
    const res = await t.send(`${base}/b`, { method: 'HEAD' })
    await t.close()
    expect(res.status).toBe(200)
    expect(events).toEqual([expect.objectContaining({ method: 'HEAD', cause: 'HTTP 429', delayMs: 300 })])
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('honours Retry-After as an HTTP date', async () => {
    scripts.set('/c', [(_q, res) => res.writeHead(429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end(), ok])
    const events: RetryEvent[] = []
    const t = transport(events)
    expect((await t.send(`${base}/c`, { method: 'GET' })).status).toBe(200)
    await t.close()
    expect(events[0]?.delayMs).toBe(300)
  })

  it('gives up after maxRetries and returns the last response with its body', async () => {
    scripts.set('/d', [status(503)])
    hits.delete('/d')
    const events: RetryEvent[] = []
    const t = transport(events, { retry: { maxRetries: 2, minDelayMs: 5, maxDelayMs: 5, retryAfterCapMs: 5, budgetMs: 5_000 } })
    const res = await t.send(`${base}/d`, { method: 'GET' })
    await t.close()
    expect(res.status).toBe(503)
    expect(res.retries).toBe(2)
    expect(hits.get('/d')).toBe(3)
    expect(JSON.parse(res.body.toString())).toEqual({ errors: [{ code: 'X', message: 'status 503' }] })
  })

  it('stops when the time budget is spent even if retries remain', async () => {
    scripts.set('/e', [status(503, { 'retry-after': '1' })])
    hits.delete('/e')
    const t = transport([], { retry: { maxRetries: 10, minDelayMs: 5, maxDelayMs: 5, retryAfterCapMs: 400, budgetMs: 1_000 } })
    const started = Date.now()
    const res = await t.send(`${base}/e`, { method: 'GET' })
    await t.close()
    expect(res.status).toBe(503)
    expect(hits.get('/e')).toBe(3)
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it('does not retry 404, 401 or POST', async () => {
    scripts.set('/f', [status(404), ok])
    scripts.set('/g', [status(503), ok])
    hits.delete('/f')
    hits.delete('/g')
    const t = transport()
    expect((await t.send(`${base}/f`, { method: 'GET' })).status).toBe(404)
    expect((await t.send(`${base}/g`, { method: 'POST', body: 'x' })).status).toBe(503)
    await t.close()
    expect(hits.get('/f')).toBe(1)
    expect(hits.get('/g')).toBe(1)
  })

  it('retries a PUT on 429 and 503 and sends the same body again (a manifest PUT is idempotent by digest)', async () => {
    const bodies: string[] = []
    const record =
      (next: Step): Step =>
      (req, res) => {
        let body = ''
        req.on('data', (c: Buffer) => (body += c.toString()))
        req.on('end', () => {
          bodies.push(body)
          next(req, res)
        })
      }
    scripts.set('/put', [record(status(429, { 'retry-after': '0' })), record(status(503)), record((_q, res) => res.writeHead(201).end())])
    hits.delete('/put')
    const events: RetryEvent[] = []
    const t = transport(events)
    const res = await t.send(`${base}/put`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"m":1}') })
    await t.close()
    expect(res.status).toBe(201)
    expect(bodies).toEqual(['{"m":1}', '{"m":1}', '{"m":1}'])
    expect(events.map((e) => e.cause)).toEqual(['HTTP 429', 'HTTP 503'])
  })

  it('retries a POST only when the caller marks it idempotent (a blob mount)', async () => {
    scripts.set('/mount', [status(503), (_q, res) => res.writeHead(201).end()])
    hits.delete('/mount')
    const t = transport()
    expect((await t.send(`${base}/mount`, { method: 'POST', idempotent: true })).status).toBe(201)
    await t.close()
    expect(hits.get('/mount')).toBe(2)
  })

  it('times out a silent server and fails with a TransportError after bounded retries', async () => {
    scripts.set('/h', [() => {}])
    hits.delete('/h')
    const t = transport([], { timeoutMs: 200, retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 5, retryAfterCapMs: 5, budgetMs: 5_000 } })
    const error = await t.send(`${base}/h`, { method: 'GET' }).catch((e: unknown) => e)
    await t.close()
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).code).toBe('UND_ERR_HEADERS_TIMEOUT')
    expect((error as TransportError).message).toMatch(/after 1 retry/)
    expect(hits.get('/h')).toBe(2)
  })

  it('refuses bodies over the size limit', async () => {
    scripts.set('/i', [(_q, res) => res.writeHead(200).end(Buffer.alloc(2048))])
    const t = transport([], { maxBodyBytes: 1024 })
    await expect(t.send(`${base}/i`, { method: 'GET' })).rejects.toThrow(/larger than 1024 bytes/)
    await t.close()
  })

  it('resumes a body cut off mid-way with a Range request when the server supports it', async () => {
    const full = Buffer.from('x'.repeat(500) + 'y'.repeat(500))
    const partial: Step = (_req, res) => {
      res.writeHead(200, { 'content-length': String(full.length) })
      res.write(full.subarray(0, 400), () => res.socket?.destroy())
    }
    const ranged: Step = (req, res) => {
      const m = /^bytes=(\d+)-/.exec(req.headers.range ?? '')
      const start = Number(m?.[1] ?? 0)
      res.writeHead(206, { 'content-range': `bytes ${start}-${full.length - 1}/${full.length}`, 'content-length': String(full.length - start) })
      res.end(full.subarray(start))
    }
    scripts.set('/k', [partial, ranged])
    hits.delete('/k')
    const t = transport()
    const res = await t.send(`${base}/k`, { method: 'GET' })
    await t.close()
    expect(res.body.equals(full)).toBe(true)
    expect(hits.get('/k')).toBe(2)
  })

  it('starts a GET over once when the body broke off and the server cannot resume it (no Range support)', async () => {
    const full = Buffer.from('m'.repeat(1000))
    const partial: Step = (_req, res) => {
      res.writeHead(200, { 'content-length': String(full.length) })
      res.write(full.subarray(0, 400), () => res.socket?.destroy())
    }
    const whole: Step = (_req, res) => res.writeHead(200, { 'content-length': String(full.length) }).end(full)
    scripts.set('/l', [partial, whole, whole])
    hits.delete('/l')
    const events: RetryEvent[] = []
    const t = transport(events)
    const res = await t.send(`${base}/l`, { method: 'GET' })
    expect(res.body.equals(full)).toBe(true)
    // 1: cut off; 2: Range attempt answered 200 (cannot resume); 3: the request started over
    expect(hits.get('/l')).toBe(3)
    expect(events.at(-1)?.cause).toMatch(/mid-body/)
    // cut off every time: one restart only, then a clear error
    scripts.set('/m', [partial])
    hits.delete('/m')
    const error = await t.send(`${base}/m`, { method: 'GET' }).catch((e: unknown) => e)
    await t.close()
    expect(error).toBeInstanceOf(TransportError)
    expect((error as Error).message).toMatch(/connection broke mid-response and the server could not resume it/)
    expect(hits.get('/m')).toBe(4)
  })

  it('CountingTransport records every request it passes on', async () => {
    scripts.set('/j', [ok])
    const inner = transport()
    const t = new CountingTransport(inner)
    await t.send(`${base}/j`, { method: 'HEAD' })
    await t.send(`${base}/j`, { method: 'GET' })
    await inner.close()
    expect(t.requests).toEqual([
      { method: 'HEAD', url: `${base}/j`, status: 200 },
      { method: 'GET', url: `${base}/j`, status: 200 }
    ])
  })
})

describe('UndiciTransport connections', () => {
  it('keeps the connection alive across HEADs (undici would close it after each): one connection for a run of HEADs and GETs', async () => {
    const head: Step = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '123', 'docker-content-digest': `sha256:${'a'.repeat(64)}` }).end()
    scripts.set('/keep/head', [head])
    scripts.set('/keep/get', [ok])
    const sockets = new Set<unknown>()
    const seen = (req: http.IncomingMessage): void => void sockets.add(req.socket)
    server.on('request', seen)
    const t = transport()
    try {
      for (const path of ['/keep/head', '/keep/head', '/keep/get', '/keep/head']) {
        const res = await t.send(`${base}${path}`, { method: path.endsWith('head') ? 'HEAD' : 'GET' })
        expect(res.status).toBe(200)
        // the connection goes back to the pool once the answer is consumed; the next request takes it
        await new Promise((resolve) => setImmediate(resolve))
      }
    } finally {
      server.off('request', seen)
      await t.close()
    }
    expect(sockets.size).toBe(1)
  })
})
