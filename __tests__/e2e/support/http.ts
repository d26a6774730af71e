/**
 * A tiny promise wrapper over node:http for the support code's own requests. No connection pooling
 * (agent: false), so nothing keeps sockets open after a test, and a hard timeout on every request.
 */
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http'

export interface HttpResponse {
  status: number
  /** header names lower-cased; repeated headers joined with ', ' */
  headers: Record<string, string>
  body: Buffer
}

export function request(
  url: string,
  opts: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string; timeoutMs?: number } = {}
): Promise<HttpResponse> {
  const u = new URL(url)
  if (u.protocol !== 'http:') return Promise.reject(new Error(`only http:// URLs are supported here, got ${url}`))
  const timeoutMs = opts.timeoutMs ?? 15_000
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port === '' ? 80 : Number(u.port),
        path: `${u.pathname}${u.search}`,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const headers: Record<string, string> = {}
          for (const [k, v] of Object.entries(res.headersDistinct)) {
            if (v !== undefined) headers[k] = v.join(', ')
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) })
        })
      }
    )
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${opts.method ?? 'GET'} ${url} timed out after ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end(opts.body)
  })
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}
