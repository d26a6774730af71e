import http from 'node:http'
import https from 'node:https'
import type { HttpRequest, HttpResponse, Transport } from './transport'

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
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent }

  constructor(options: NodeTransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024
    this.agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) }
  }

  send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const target = new URL(url)
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return Promise.reject(new TransportFailure(`unsupported URL scheme in ${target.protocol}//${target.host}`, 'EPROTOCOL'))
    }
    const scheme = target.protocol
    const request = scheme === 'https:' ? https.request : http.request
    return new Promise<HttpResponse>((resolve, reject) => {
      const outgoing = request(
        target,
        { method: req.method, headers: req.headers, agent: this.agents[scheme], timeout: this.timeoutMs },
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
    this.agents['http:'].destroy()
    this.agents['https:'].destroy()
  }
}
