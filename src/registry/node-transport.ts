import type http from 'node:http'
import { DEFAULT_RETRY_POLICY, RETRY_STATUSES, decideRetry, type FailedAttempt, type RetryEvent, type RetryPolicy } from './retry'
import type { HttpRequest, HttpResponse, Transport } from './transport'

type Scheme = 'http:' | 'https:'

// Loaded on first use: node:https pulls in tls (~50 ms of CPU here, bench/results.md), which preloadTransport lets
// the action spend while docker is building instead of on the read-back's critical path.
type HttpModule = { request: typeof http.request; Agent: typeof http.Agent }
// the module itself, whether the import gives it with named exports (Node, jest) or only as default (a bundled chunk)
const moduleOf = (m: HttpModule & { default?: HttpModule }): HttpModule => (typeof m.Agent === 'function' ? m : (m.default as HttpModule))
const load: Record<Scheme, () => Promise<HttpModule>> = {
  'http:': () => import('node:http').then(moduleOf),
  'https:': () => import('node:https').then(moduleOf)
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
  /** Retries of GET/HEAD on 429/5xx and on connection failures (the same policy as UndiciTransport). */
  retry?: Partial<RetryPolicy>
  /** Told about every retry before its wait (for logging). */
  onRetry?: (event: RetryEvent) => void
}

/** A request that got no complete HTTP answer (refused, reset, timed out, truncated, too large), after any retries. */
export class TransportFailure extends Error {
  retries = 0
  /** The failure came after the response headers, while reading the body. */
  midBody = false
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
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
  readonly policy: RetryPolicy

  constructor(private readonly options: NodeTransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  }

  /**
   * Sends with retries: GET/HEAD answered 429/500/502/503/504, or failing to connect, reset (also mid-body: the
   * request starts over), or timing out, are tried again per the RetryPolicy (Retry-After honoured, capped; the
   * whole thing bounded by its budget). When retries run out on a status, the last response is returned, not thrown.
   */
  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now()
    let restarted = false
    for (let retries = 0; ; retries++) {
      let res: HttpResponse | undefined
      let failure: FailedAttempt
      let error: unknown
      try {
        res = await this.once(url, req)
        if (!RETRY_STATUSES.includes(res.status)) return { ...res, retries }
        failure = { code: 'UND_ERR_REQ_RETRY', statusCode: res.status, headers: res.headers }
      } catch (e) {
        error = e
        failure = { code: (e as { code?: string }).code }
        if (e instanceof TransportFailure && e.midBody && e.code !== 'EBODYTOOLARGE') {
          // the body broke off after the headers: a manifest cannot be resumed, so a GET starts over, once
          const wait = this.policy.minDelayMs
          if (req.method !== 'GET' || restarted || Date.now() - started + wait > this.policy.budgetMs) {
            e.retries = retries
            e.message = `the connection broke mid-response and the server could not resume it (${e.message})`
            throw e
          }
          restarted = true
          this.options.onRetry?.({ method: req.method, url, retry: retries + 1, cause: `${e.code} mid-body`, delayMs: wait })
          await new Promise((resolve) => setTimeout(resolve, wait))
          continue
        }
      }
      const decision = decideRetry(failure, req.method, retries + 1, Date.now() - started, this.policy)
      if (!decision) {
        if (res) return { ...res, retries }
        if (error instanceof TransportFailure) {
          error.retries = retries
          if (retries > 0) error.message += ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}`
        }
        throw error
      }
      this.options.onRetry?.({ method: req.method, url, retry: retries + 1, ...decision })
      await new Promise((resolve) => setTimeout(resolve, decision.delayMs))
    }
  }

  /** One attempt. */
  private async once(url: string, req: HttpRequest): Promise<HttpResponse> {
    const target = new URL(url)
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new TransportFailure(`unsupported URL scheme in ${target.protocol}//${target.host}`, 'EPROTOCOL')
    }
    const scheme: Scheme = target.protocol
    const mod = await load[scheme]()
    const agent = (this.agents[scheme] ??= new mod.Agent({ keepAlive: true }))
    return new Promise<HttpResponse>((resolve, reject) => {
      let gotHeaders = false
      const fail = (f: TransportFailure): void => {
        f.midBody = gotHeaders
        reject(f)
      }
      const outgoing = mod.request(
        target,
        { method: req.method, headers: req.headers, agent, timeout: this.timeoutMs },
        (res) => {
          gotHeaders = true
          const chunks: Buffer[] = []
          let size = 0
          let tooLarge = false
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > this.maxBodyBytes && !tooLarge) {
              tooLarge = true
              fail(new TransportFailure(`response from ${target.host} is larger than ${this.maxBodyBytes} bytes`, 'EBODYTOOLARGE'))
              outgoing.destroy()
            }
            if (!tooLarge) chunks.push(chunk)
          })
          res.on('error', (e: Error & { code?: string }) =>
            fail(new TransportFailure(`${e.code ? `${e.code}: ` : ''}${e.message} (mid-response)`, e.code ?? 'ECONNRESET', { cause: e }))
          )
          res.on('end', () => {
            if (tooLarge) return
            if (!res.complete) {
              fail(new TransportFailure(`the connection to ${target.host} closed before the response was complete`, 'ECONNRESET'))
              return
            }
            resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: Buffer.concat(chunks), url })
          })
        }
      )
      // codes as undici names them: the retry policy (retry.ts) and the logs speak that vocabulary
      outgoing.on('timeout', () =>
        outgoing.destroy(
          gotHeaders
            ? new TransportFailure(`the body from ${target.host} stalled for ${this.timeoutMs} ms`, 'UND_ERR_BODY_TIMEOUT')
            : outgoing.socket?.connecting
              ? new TransportFailure(`could not connect to ${target.host} within ${this.timeoutMs} ms`, 'UND_ERR_CONNECT_TIMEOUT')
              : new TransportFailure(`no response headers from ${target.host} within ${this.timeoutMs} ms`, 'UND_ERR_HEADERS_TIMEOUT')
        )
      )
      outgoing.on('error', (e: Error & { code?: string }) =>
        fail(e instanceof TransportFailure ? e : new TransportFailure(`${e.code ? `${e.code}: ` : ''}${e.message}`, e.code ?? 'ERR', { cause: e }))
      )
      outgoing.end(req.body)
    })
  }

  async close(): Promise<void> {
    for (const agent of Object.values(this.agents)) agent.destroy()
  }
}
