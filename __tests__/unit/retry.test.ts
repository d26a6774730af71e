import { describe, expect, it } from '@jest/globals'
import { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, retryDelay, type RetryPolicy } from '../../src/registry/retry'

const policy: RetryPolicy = { maxRetries: 3, minDelayMs: 100, maxDelayMs: 1_000, retryAfterCapMs: 5_000, budgetMs: 20_000 }
const status = (statusCode: number, headers: Record<string, string> = {}) => ({ code: 'UND_ERR_REQ_RETRY', statusCode, headers })

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-24T05:00:00Z')
  it.each([
    ['3', 3_000],
    [' 0 ', 0],
    ['Tue, 24 Nov 2026 05:00:30 GMT', 30_000],
    ['Tue, 24 Nov 2026 04:59:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    [undefined, undefined]
  ])('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })
})

describe('retryDelay', () => {
  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, undefined, policy))).toEqual([100, 200, 400, 800, 1_000])
  })
  it('uses Retry-After, capped', () => {
    expect(retryDelay(1, 2_000, policy)).toBe(2_000)
    expect(retryDelay(1, 3_600_000, policy)).toBe(5_000)
    expect(retryDelay(2, 0, policy)).toBe(0)
  })
})

describe('decideRetry', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i on GET and HEAD', (code) => {
    expect(decideRetry(status(code), 'GET', 1, 0, policy)).toEqual({ delayMs: 100, cause: `HTTP ${code}` })
    expect(decideRetry(status(code), 'HEAD', 2, 0, policy)).toEqual({ delayMs: 200, cause: `HTTP ${code}` })
  })
  it.each([400, 401, 403, 404, 501])('does not retry HTTP %i', (code) => {
    expect(decideRetry(status(code), 'GET', 1, 0, policy)).toBeUndefined()
  })
  it.each(['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])('retries %s', (code) => {
    expect(decideRetry({ code }, 'GET', 1, 0, policy)?.cause).toBe(code)
  })
  it('does not retry a host that does not resolve, or an unknown error', () => {
    expect(decideRetry({ code: 'ENOTFOUND' }, 'GET', 1, 0, policy)).toBeUndefined()
    expect(decideRetry({}, 'GET', 1, 0, policy)).toBeUndefined()
  })
  it('never retries POST (token exchange)', () => {
    expect(decideRetry(status(503), 'POST', 1, 0, policy)).toBeUndefined()
  })
  it('retries PUT (content-addressed: the same bytes store the same thing) and a POST marked idempotent (a mount)', () => {
    expect(decideRetry(status(429), 'PUT', 1, 0, policy)?.cause).toBe('HTTP 429')
    expect(decideRetry(status(503), { method: 'PUT' }, 1, 0, policy)?.cause).toBe('HTTP 503')
    expect(decideRetry(status(503), { method: 'POST', idempotent: true }, 1, 0, policy)?.cause).toBe('HTTP 503')
    expect(decideRetry(status(503), { method: 'POST', idempotent: false }, 1, 0, policy)).toBeUndefined()
    expect(decideRetry(status(503), { method: 'PUT', idempotent: false }, 1, 0, policy)).toBeUndefined()
  })
  it('stops after maxRetries', () => {
    expect(decideRetry(status(503), 'GET', 3, 0, policy)).toBeDefined()
    expect(decideRetry(status(503), 'GET', 4, 0, policy)).toBeUndefined()
  })
  it('honours Retry-After on a 429, capped, and stops when the wait would overrun the budget', () => {
    expect(decideRetry(status(429, { 'retry-after': '2' }), 'GET', 1, 0, policy)?.delayMs).toBe(2_000)
    expect(decideRetry(status(429, { 'retry-after': '86400' }), 'GET', 1, 0, policy)?.delayMs).toBe(5_000)
    expect(decideRetry(status(429, { 'retry-after': '4' }), 'GET', 1, 17_000, policy)).toBeUndefined()
  })
  it('has a default policy whose worst case is bounded', () => {
    const p = DEFAULT_RETRY_POLICY
    let waits = 0
    for (let n = 1; n <= p.maxRetries; n++) waits += Math.max(retryDelay(n, undefined, p), retryDelay(n, Infinity, p))
    expect(waits).toBeLessThanOrEqual(p.budgetMs)
    expect(p.maxRetries).toBeLessThanOrEqual(5)
  })
})
