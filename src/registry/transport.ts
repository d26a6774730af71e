import type { Dispatcher, RetryHandler as RetryHandlerTypes } from 'undici'
import { Agent, DispatcherBase, RetryHandler, request } from './undici'
import { DEFAULT_RETRY_POLICY, decideRetry, type FailedAttempt, type RetryEvent, type RetryPolicy } from './retry'

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
  url: string
  /** Retries the transport made before this response (0 when the first attempt answered). */
  retries?: number
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'
  headers?: Record<string, string>
  body?: string | Buffer
  /** Ends the request and its retries when it fires (the registry budget); the reason is what send() rejects with. */
  signal?: AbortSignal
  /**
   * Safe to send again after a transient failure. GET, HEAD and PUT are by default (HTTP semantics; a registry PUT
   * of the same manifest bytes is content-addressed, so a repeat stores the same thing); a POST only when the caller
   * says so (a blob mount is: mounting a blob that is already there answers 201 again).
   */
  idempotent?: boolean
}

/** Sent with every request, so a registry's logs (and a test's fault rules) can tell the action's requests apart. */
export const USER_AGENT = 'pinned-build-action'

/**
 * The HTTP seam under the registry client: one method, so unit tests can fake it and a wrapper can count requests.
 * It does not follow redirects (the client does, deciding which headers go to which host) and does not authenticate.
 */
export interface Transport {
  send(url: string, req: HttpRequest): Promise<HttpResponse>
}

/** A transport failure after retries: no HTTP answer at all (reset, refused, timed out). */
export class TransportError extends Error {
  /** The failure came after the response headers, while reading the body. */
  readonly midBody: boolean

  constructor(
    message: string,
    readonly code: string | undefined,
    readonly retries: number,
    options?: { cause?: unknown; midBody?: boolean }
  ) {
    super(message, options)
    this.name = 'TransportError'
    this.midBody = options?.midBody ?? false
  }
}

export interface TransportOptions {
  /** Per-attempt limit on connecting, on waiting for headers, and on body inactivity. Default 30 s. */
  timeoutMs?: number
  retry?: Partial<RetryPolicy>
  /** Told about every retry before its wait (for logging). */
  onRetry?: (event: RetryEvent) => void
  /** Largest response body accepted (manifests and image configs are small). Default 32 MiB. */
  maxBodyBytes?: number
  /** The dispatcher requests go through (tests: an undici MockAgent). Default: a keep-alive Agent. */
  dispatcher?: Dispatcher
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

async function readBody(body: Dispatcher.ResponseData['body'], limit: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > limit) {
      body.destroy()
      throw new TransportError(`response from ${url} is larger than ${limit} bytes`, 'EBODYTOOLARGE', 0)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/**
 * Sends one request through undici's RetryHandler over a shared dispatcher. The retry decision (decideRetry) is
 * taken synchronously and the wait happens before the next dispatch: undici calls an asynchronous decision too late
 * for bodiless answers (a HEAD 429 completes before the decision is made and the request then fails).
 */
class RetryingDispatcher extends DispatcherBase {
  retries = 0
  private readonly startedAt = Date.now()
  private waitMs = 0

  constructor(
    private readonly inner: Dispatcher,
    private readonly policy: RetryPolicy,
    private readonly url: string,
    private readonly onRetry?: (event: RetryEvent) => void,
    private readonly idempotent?: boolean,
    private readonly signal?: AbortSignal
  ) {
    super()
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const method = String(opts.method)
    const request = { method, ...(this.idempotent !== undefined && { idempotent: this.idempotent }) }
    const retry: RetryHandlerTypes.RetryCallback = (err, { state }, callback) => {
      if (this.signal?.aborted) return callback(err)
      const decision = decideRetry(err as FailedAttempt, request, state.counter, Date.now() - this.startedAt, this.policy)
      if (!decision) return callback(err)
      this.retries = state.counter
      this.waitMs = decision.delayMs
      this.onRetry?.({ method, url: this.url, retry: state.counter, ...decision })
      callback(null)
    }
    const retryHandler = new RetryHandler(
      { ...opts, retryOptions: { throwOnError: false, retry } },
      {
        dispatch: (next, nextHandler) => {
          const wait = this.waitMs
          this.waitMs = 0
          setTimeout(() => this.inner.dispatch(next, nextHandler), wait)
          return true
        },
        handler
      }
    )
    return this.inner.dispatch(opts, retryHandler)
  }
}

/**
 * undici transport: one keep-alive Agent (so every client built on it shares connections), timeouts on every
 * attempt, and undici's RetryHandler for 429/5xx and connection failures on idempotent requests (GET, HEAD, PUT, and
 * a POST marked idempotent), bounded by a RetryPolicy.
 * When retries run out on a status, the last response (with the registry's error body) is returned, not thrown.
 */
export class UndiciTransport implements Transport {
  private readonly agent: Dispatcher
  private readonly timeoutMs: number
  readonly policy: RetryPolicy
  private readonly maxBodyBytes: number

  constructor(private readonly options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024
    this.agent =
      options.dispatcher ??
      new Agent({ connect: { timeout: this.timeoutMs }, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs })
  }

  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now()
    try {
      return await this.attempt(url, req)
    } catch (error) {
      // The headers came, then the body broke off and RetryHandler could not resume it (it resumes with a Range
      // request; registries serve manifests without Range support). Start a GET over, once, within the budget.
      const wait = this.policy.minDelayMs
      if (!(error instanceof TransportError) || !error.midBody || req.method !== 'GET' || req.signal?.aborted || Date.now() - started + wait > this.policy.budgetMs) throw error
      this.options.onRetry?.({ method: req.method, url, retry: error.retries + 1, cause: `${error.code ?? 'error'} mid-body`, delayMs: wait })
      await new Promise((resolve) => setTimeout(resolve, wait))
      return await this.attempt(url, req)
    }
  }

  private async attempt(url: string, req: HttpRequest): Promise<HttpResponse> {
    if (req.signal?.aborted) throw req.signal.reason as Error
    const dispatcher = new RetryingDispatcher(this.agent, this.policy, url, this.options.onRetry, req.idempotent, req.signal)
    let midBody = false
    try {
      const res = await request(url, {
        method: req.method,
        headers: { 'user-agent': USER_AGENT, ...req.headers },
        body: req.body,
        dispatcher,
        ...(req.signal && { signal: req.signal }),
        // undici closes the connection after every HEAD (for servers that send a body anyway); registries do not,
        // and a new connection per HEAD costs a TCP and TLS handshake each
        ...(req.method === 'HEAD' && { reset: false }),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs
      })
      midBody = true
      const body = req.method === 'HEAD' ? (await res.body.dump(), Buffer.alloc(0)) : await readBody(res.body, this.maxBodyBytes, url)
      return { status: res.statusCode, headers: flatten(res.headers), body, url, retries: dispatcher.retries }
    } catch (error) {
      if (error instanceof TransportError) throw error
      // aborted by the budget: its own error (naming the budget), not undici's AbortError
      if (req.signal?.aborted) throw req.signal.reason as Error
      const e = error as Error & { code?: string }
      const retries = dispatcher.retries
      const after = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : ''
      const what =
        e.code === 'UND_ERR_REQ_RETRY'
          ? `the connection broke mid-response and the server could not resume it (${e.message})`
          : `${e.code ? `${e.code}: ` : ''}${e.message}${midBody ? ' (mid-response)' : ''}`
      throw new TransportError(`${what}${after}`, e.code, retries, { cause: error, midBody })
    }
  }

  async close(): Promise<void> {
    await this.agent.close()
  }
}

/** Wraps a transport and records every request (method and URL) it sends: for benchmarks and tests. */
export class CountingTransport implements Transport {
  readonly requests: Array<{ method: string; url: string; status?: number }> = []

  constructor(private readonly inner: Transport) {}

  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const entry: { method: string; url: string; status?: number } = { method: req.method, url }
    this.requests.push(entry)
    const res = await this.inner.send(url, req)
    entry.status = res.status
    return res
  }
}
