import { Agent, request, type Dispatcher } from 'undici'

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
  url: string
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST'
  headers?: Record<string, string>
  body?: string
}

/** The HTTP seam of the registry client: one method, so tests can fake it and the real one can count requests. */
export interface Transport {
  send(url: string, req: HttpRequest): Promise<HttpResponse>
}

export interface TransportOptions {
  /** Per-request limit for headers and for body inactivity. */
  timeoutMs?: number
  dispatcher?: Dispatcher
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/** undici-backed transport with connection reuse (one keep-alive Agent) and timeouts on every request. */
export class UndiciTransport implements Transport {
  private readonly dispatcher: Dispatcher
  private readonly timeoutMs: number

  constructor(options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.dispatcher =
      options.dispatcher ??
      new Agent({ connectTimeout: this.timeoutMs, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs })
  }

  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const res = await request(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: this.dispatcher,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs
    })
    const body = req.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.body.arrayBuffer())
    if (req.method === 'HEAD') await res.body.dump()
    return { status: res.statusCode, headers: flatten(res.headers), body, url }
  }

  async close(): Promise<void> {
    await this.dispatcher.close()
  }
}
