import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { NodeHttpTransport } from '../../src/registry/node-transport'

// A real HTTP server on 127.0.0.1 (port 0): the transport is tested against real sockets, not a fake.
let server: http.Server
let base: string
const connections: number[] = []
const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = []
let flaky = 0
const manifestBytes = Buffer.from('{"schemaVersion":2,  "odd":"spacing kept"}\n')

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body })
      const url = req.url ?? ''
      if (url === '/manifest') {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': manifestBytes.length, 'docker-content-digest': 'sha256:abc' })
        res.end(req.method === 'HEAD' ? undefined : manifestBytes)
      } else if (url === '/redirect') {
        res.writeHead(307, { location: 'http://elsewhere.invalid/blob' })
        res.end()
      } else if (url === '/multi') {
        res.setHeader('www-authenticate', ['Bearer realm="a"', 'Basic realm="b"'])
        res.writeHead(401)
        res.end('{"errors":[]}')
      } else if (url === '/slow') {
        const timer = setTimeout(() => res.end('late'), 2_000)
        res.on('close', () => clearTimeout(timer))
      } else if (url === '/truncated') {
        res.writeHead(200, { 'content-length': '100' })
        res.write('only part')
        setTimeout(() => res.socket?.destroy(), 20)
      } else if (url === '/flaky') {
        flaky++
        res.writeHead(flaky % 2 === 1 ? 503 : 200, { 'retry-after': '0' })
        res.end(flaky % 2 === 1 ? 'busy' : 'ok')
      } else if (url === '/big') {
        res.writeHead(200)
        res.end(Buffer.alloc(4096, 1))
      } else {
        res.writeHead(404, { 'content-type': 'application/json' })
        res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')
      }
    })
  })
  server.on('connection', (socket) => connections.push(socket.remotePort ?? 0))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('NodeHttpTransport', () => {
  it('returns the exact body bytes, the status and lower-cased headers, and sends the request headers', async () => {
    const t = new NodeHttpTransport()
    try {
      const res = await t.send(`${base}/manifest`, { method: 'GET', headers: { accept: 'application/vnd.oci.image.index.v1+json' } })
      expect(res.status).toBe(200)
      expect(res.body.equals(manifestBytes)).toBe(true)
      expect(res.headers['docker-content-digest']).toBe('sha256:abc')
      expect(res.headers['content-type']).toBe('application/vnd.oci.image.manifest.v1+json')
      expect(res.url).toBe(`${base}/manifest`)
      expect(seen.at(-1)?.headers.accept).toBe('application/vnd.oci.image.index.v1+json')
    } finally {
      await t.close()
    }
  })

  it('HEAD gives headers and an empty body; non-2xx statuses are answers, not errors', async () => {
    const t = new NodeHttpTransport()
    try {
      const head = await t.send(`${base}/manifest`, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(head.body.length).toBe(0)
      expect(head.headers['content-length']).toBe(String(manifestBytes.length))
      const missing = await t.send(`${base}/nothing`, { method: 'GET' })
      expect(missing.status).toBe(404)
      expect(missing.body.toString()).toContain('MANIFEST_UNKNOWN')
    } finally {
      await t.close()
    }
  })

  it('does not follow redirects and joins repeated headers', async () => {
    const t = new NodeHttpTransport()
    try {
      const res = await t.send(`${base}/redirect`, { method: 'GET', headers: { authorization: 'Bearer secret' } })
      expect(res.status).toBe(307)
      expect(res.headers.location).toBe('http://elsewhere.invalid/blob')
      const multi = await t.send(`${base}/multi`, { method: 'GET' })
      expect(multi.status).toBe(401)
      expect(multi.headers['www-authenticate']).toBe('Bearer realm="a", Basic realm="b"')
    } finally {
      await t.close()
    }
  })

  it('retries a GET answered 503 (Retry-After honoured) and reports how many retries it took', async () => {
    const events: Array<{ retry: number; cause: string; delayMs: number }> = []
    const t = new NodeHttpTransport({ onRetry: (e) => events.push({ retry: e.retry, cause: e.cause, delayMs: e.delayMs }) })
    try {
      const res = await t.send(`${base}/flaky`, { method: 'GET' })
      expect(res.status).toBe(200)
      expect(res.body.toString()).toBe('ok')
      expect(res.retries).toBe(1)
      expect(events).toEqual([{ retry: 1, cause: 'HTTP 503', delayMs: 0 }])
    } finally {
      await t.close()
    }
  })

  it('does not retry a POST', async () => {
    const t = new NodeHttpTransport()
    try {
      const res = await t.send(`${base}/flaky`, { method: 'POST', body: 'x' })
      expect(res.status).toBe(503)
      expect(res.retries).toBe(0)
      await t.send(`${base}/flaky`, { method: 'POST', body: 'x' }) // back in step for other tests
    } finally {
      await t.close()
    }
  })

  it('sends a POST body', async () => {
    const t = new NodeHttpTransport()
    try {
      await t.send(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' })
      expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/token', body: 'grant_type=password' })
    } finally {
      await t.close()
    }
  })

  it('reuses one keep-alive connection for consecutive requests', async () => {
    const t = new NodeHttpTransport()
    try {
      const before = connections.length
      await t.send(`${base}/manifest`, { method: 'HEAD' })
      await t.send(`${base}/manifest`, { method: 'GET' })
      await t.send(`${base}/nothing`, { method: 'GET' })
      expect(connections.length - before).toBe(1)
    } finally {
      await t.close()
    }
  })

  it('fails with UND_ERR_HEADERS_TIMEOUT when the server stays silent past the timeout', async () => {
    const t = new NodeHttpTransport({ timeoutMs: 200, retry: { maxRetries: 0 } })
    try {
      await expect(t.send(`${base}/slow`, { method: 'GET' })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' })
    } finally {
      await t.close()
    }
  })

  it('starts a GET over once when the body breaks off, then fails saying so', async () => {
    const events: string[] = []
    const t = new NodeHttpTransport({ retry: { minDelayMs: 10 }, onRetry: (e) => events.push(e.cause) })
    try {
      const before = seen.filter((r) => r.url === '/truncated').length
      await expect(t.send(`${base}/truncated`, { method: 'GET' })).rejects.toMatchObject({
        code: 'ECONNRESET',
        message: expect.stringMatching(/the connection broke mid-response/)
      })
      expect(seen.filter((r) => r.url === '/truncated').length - before).toBe(2)
      expect(events).toEqual(['ECONNRESET mid-body'])
    } finally {
      await t.close()
    }
  })

  it('refuses a body larger than maxBodyBytes', async () => {
    const t = new NodeHttpTransport({ maxBodyBytes: 1024 })
    try {
      await expect(t.send(`${base}/big`, { method: 'GET' })).rejects.toMatchObject({ code: 'EBODYTOOLARGE' })
    } finally {
      await t.close()
    }
  })

  it('reports a refused connection with its code, and rejects other URL schemes', async () => {
    const probe = http.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const t = new NodeHttpTransport({ retry: { maxRetries: 0 } })
    try {
      await expect(t.send(`http://127.0.0.1:${port}/v2/`, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' })
      await expect(t.send('ftp://127.0.0.1/x', { method: 'GET' })).rejects.toMatchObject({ code: 'EPROTOCOL' })
    } finally {
      await t.close()
    }
  })
})
