import type http from 'node:http'
import type { HttpRequest, HttpResponse, Transport } from './transport'

type Scheme = 'http:' | 'https:'

// Loaded on first use: node:https pulls in tls (~50 ms of CPU here, bench/results.md), which preloadTransport lets
// the action spend while docker is building instead of on the read-back's critical path.
const load: Record<Scheme, () => Promise<{ request: typeof http.request; Agent: typeof http.Agent }>> = {
  'http:': () => import('node:http'),
  'https:': () => import('node:https')
}

/** Starts loading what requests to `scheme` need (call it while something slower runs); never rejects. */
export function preloadTransport(scheme: 'http' | 'https'): Promise<void> {
  return load[`${scheme}:`]().then(
    () => undefined,
    () => undefined
  )
}

export interface NodeTransportOptions {
  /** Limit on connecting and on every pause while waiting for headers or body. Default 30 s. */
  timeoutMs?: number
  /** Largest response body accepted (manifests and image configs are small). Default 32 MiB. */
  maxBodyBytes?: number
}

/** A request that got no complete HTTP answer (refused, reset, timed out, truncated, too large). */
export class TransportFailure extends Error {
  constructor(
    message: string,
    readonly code: string
  ) {
    super(message)
    this.name = 'TransportFailure'
  }
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}

/**
 * Transport on Node's own http/https: keep-alive agents (connections reused across requests), a timeout on
 * connect and on every pause, exact body bytes (no decompression, nothing re-encoded), redirects returned as
 * they are (the client decides where Authorization may go). Chosen over undici for the action's cold start:
 * undici's load and its llhttp WebAssembly compile cost ~150–200 ms per run (bench/results.md); node:http's
 * parser is native and already part of the Node binary.
 */
export class NodeHttpTransport implements Transport {
  private readonly timeoutMs: number
  private readonly maxBodyBytes: number
  private readonly agents: Partial<Record<Scheme, http.Agent>> = {}

  constructor(options: NodeTransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024
  }

  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const target = new URL(url)
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new TransportFailure(`unsupported URL scheme in ${target.protocol}//${target.host}`, 'EPROTOCOL')
    }
    const scheme: Scheme = target.protocol
    const mod = await load[scheme]()
    const agent = (this.agents[scheme] ??= new mod.Agent({ keepAlive: true }))
    return new Promise<HttpResponse>((resolve, reject) => {
      const outgoing = mod.request(
        target,
        { method: req.method, headers: req.headers, agent, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          let tooLarge = false
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > this.maxBodyBytes && !tooLarge) {
              tooLarge = true
              reject(new TransportFailure(`response from ${target.host} is larger than ${this.maxBodyBytes} bytes`, 'EBODYTOOLARGE'))
              outgoing.destroy()
            }
            if (!tooLarge) chunks.push(chunk)
          })
          res.on('error', reject)
          res.on('end', () => {
            if (tooLarge) return
            if (!res.complete) {
              reject(new TransportFailure(`the connection to ${target.host} closed before the response was complete`, 'ECONNRESET'))
              return
            }
            resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: Buffer.concat(chunks), url })
          })
        }
      )
      outgoing.on('timeout', () =>
        outgoing.destroy(new TransportFailure(`no answer from ${target.host} within ${this.timeoutMs} ms`, 'ETIMEDOUT'))
      )
      outgoing.on('error', reject)
      outgoing.end(req.body)
    })
  }

  async close(): Promise<void> {
    for (const agent of Object.values(this.agents)) agent.destroy()
  }
}
