import { describe, expect, it } from '@jest/globals'
import { afterRetries, describeStatus, errorDetail } from '../../src/registry/errors'

const res = (status: number, body: string) => ({ status, body: Buffer.from(body) })

describe('errorDetail', () => {
  it('shows errors[].code and message from the distribution error JSON', () => {
    const body = JSON.stringify({
      errors: [
        { code: 'DENIED', message: 'requested access to the resource is denied', detail: [{ Type: 'repository' }] },
        { code: 'UNAUTHORIZED', message: 'authentication required' }
      ]
    })
    expect(errorDetail(res(403, body))).toEqual({
      text: 'DENIED: requested access to the resource is denied; UNAUTHORIZED: authentication required',
      code: 'DENIED'
    })
  })
  it('copes with partial error objects', () => {
    expect(errorDetail(res(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}'))).toEqual({ text: 'MANIFEST_UNKNOWN', code: 'MANIFEST_UNKNOWN' })
    expect(errorDetail(res(500, '{"errors":[{"message":"boom"}]}'))).toEqual({ text: 'boom' })
  })
  it('falls back to trimmed one-line text for other bodies', () => {
    expect(errorDetail(res(502, '  Bad\n   Gateway \n'))).toEqual({ text: 'Bad Gateway' })
    expect(errorDetail(res(503, '<html><body><h1>503</h1> Service Unavailable</body></html>'))).toEqual({ text: '503 Service Unavailable' })
    expect(errorDetail(res(500, '{"message":"not the distribution format"}'))).toEqual({ text: '{"message":"not the distribution format"}' })
    const long = errorDetail(res(500, 'x'.repeat(1000))).text
    expect(long).toHaveLength(301)
    expect(long.endsWith('…')).toBe(true)
  })
  it('says HTTP <status> for an empty body', () => {
    expect(errorDetail(res(504, ''))).toEqual({ text: 'HTTP 504' })
    expect(errorDetail(res(401, '{"errors":[]}'))).toEqual({ text: '{"errors":[]}' })
  })
})

describe('afterRetries', () => {
  it('names the retries when there were any', () => {
    expect(afterRetries({})).toBe('')
    expect(afterRetries({ retries: 0 })).toBe('')
    expect(afterRetries({ retries: 1 })).toBe(' after 1 retry')
    expect(afterRetries({ retries: 4 })).toBe(' after 4 retries')
  })
})

describe('describeStatus', () => {
  it('status, retries, and the registry words when there are any', () => {
    expect(describeStatus({ status: 401, body: Buffer.alloc(0) })).toBe('HTTP 401')
    expect(describeStatus({ status: 503, body: Buffer.from('down'), retries: 2 })).toBe('HTTP 503 after 2 retries: down')
    expect(describeStatus({ status: 403, body: Buffer.from('{"errors":[{"code":"DENIED","message":"no"}]}') })).toBe('HTTP 403: DENIED: no')
  })
})
