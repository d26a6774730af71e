/**
 * When and how long undici's RetryAgent waits before trying a registry request again.
 * Bounded three ways: a number of retries, a cap on each wait (Retry-After included), and a time budget for the
 * whole request, waits and attempts together. Only idempotent requests are retried: GET and HEAD; PUT, because a
 * registry stores a manifest or blob under the digest of its bytes, so sending the same bytes again cannot store
 * anything else (a PUT whose first attempt did land is answered 201 again); and a POST its caller marks idempotent
 * (a cross-repository blob mount). A 429 or 503 means the registry did not act, so the retry is the first write.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number
  /** First back-off wait; doubles on each retry. */
  minDelayMs: number
  /** Cap on one back-off wait. */
  maxDelayMs: number
  /** Cap on a wait asked for by Retry-After (a registry may ask for minutes; a CI step should not sleep that long). */
  retryAfterCapMs: number
  /** No retry starts later than this after the first attempt began. */
  budgetMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  minDelayMs: 250,
  maxDelayMs: 4_000,
  retryAfterCapMs: 10_000,
  budgetMs: 60_000
}

/** Statuses worth another try: rate limited, or a transient server/gateway failure. */
export const RETRY_STATUSES = [429, 500, 502, 503, 504]

/** Transient network failures. ENOTFOUND is not here: a host that does not resolve will not start resolving. */
export const RETRY_ERROR_CODES = [
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
]

const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'PUT']

/** What a retry decision needs to know about the request: its method, and whether the caller vouches for a repeat. */
export interface RetriedRequest {
  method: string
  idempotent?: boolean
}

/** Whether a request may be sent again: GET, HEAD, PUT unless the caller says otherwise; others only when vouched for. */
export function isIdempotent(req: RetriedRequest): boolean {
  return req.idempotent ?? IDEMPOTENT_METHODS.includes(req.method.toUpperCase())
}

/**
 * Milliseconds a `Retry-After` value asks us to wait: delta-seconds or an HTTP date. Undefined when absent or
 * unparseable; 0 for a date in the past.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** The wait before retry number `retry` (1-based): Retry-After when given (capped), else exponential back-off. */
export function retryDelay(retry: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.retryAfterCapMs)
  return Math.min(policy.minDelayMs * 2 ** Math.max(0, retry - 1), policy.maxDelayMs)
}

export interface RetryEvent {
  method: string
  url: string
  /** 1-based number of the retry about to happen. */
  retry: number
  /** HTTP status or error code that caused it. */
  cause: string
  delayMs: number
}

/** What undici hands a retry decision: a RequestRetryError (status) or a network error (code). */
export interface FailedAttempt {
  statusCode?: number
  code?: string
  headers?: Record<string, string | string[] | undefined>
}

function header(headers: FailedAttempt['headers'], name: string): string | undefined {
  const v = headers?.[name]
  return Array.isArray(v) ? v[0] : v
}

/**
 * Whether to retry after a failed attempt, and after how long. `attempts` counts the attempts made so far
 * (1 after the first failure); `elapsedMs` is the time since the first attempt began. Undefined means give up.
 */
export function decideRetry(
  failed: FailedAttempt,
  request: string | RetriedRequest,
  attempts: number,
  elapsedMs: number,
  policy: RetryPolicy,
  now: number = Date.now()
): { delayMs: number; cause: string } | undefined {
  const status = failed.code === 'UND_ERR_REQ_RETRY' ? failed.statusCode : undefined
  const retryable = status !== undefined ? RETRY_STATUSES.includes(status) : failed.code !== undefined && RETRY_ERROR_CODES.includes(failed.code)
  const req = typeof request === 'string' ? { method: request } : request
  if (!retryable || !isIdempotent(req) || attempts > policy.maxRetries) return undefined
  const retryAfter = status !== undefined ? parseRetryAfter(header(failed.headers, 'retry-after'), now) : undefined
  const delayMs = retryDelay(attempts, retryAfter, policy)
  if (elapsedMs + delayMs > policy.budgetMs) return undefined
  return { delayMs, cause: status !== undefined ? `HTTP ${status}` : (failed.code as string) }
}
