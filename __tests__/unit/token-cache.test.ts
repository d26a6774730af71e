import { describe, expect, it } from '@jest/globals'
import { TokenCache } from '../../src/registry/token-cache'

describe('TokenCache', () => {
  it('keeps a token per registry and scope until shortly before it expires', () => {
    let now = 1_000_000
    const cache = new TokenCache(() => now)
    cache.set('ghcr.io', 'repository:a:pull', 'A', 300)
    cache.set('ghcr.io', 'repository:b:pull', 'B', 300)
    cache.set('quay.io', 'repository:a:pull', 'Q', 300)
    expect(cache.get('ghcr.io', 'repository:a:pull')).toBe('A')
    expect(cache.get('ghcr.io', 'repository:b:pull')).toBe('B')
    expect(cache.get('quay.io', 'repository:a:pull')).toBe('Q')
    expect(cache.get('ghcr.io', 'repository:c:pull')).toBeUndefined()
    now += 294_999 // 300 s minus the 5 s margin, minus 1 ms
    expect(cache.get('ghcr.io', 'repository:a:pull')).toBe('A')
    now += 1
    expect(cache.get('ghcr.io', 'repository:a:pull')).toBeUndefined()
  })

  it('defaults to 60 s without expires_in, and keeps short tokens for 90% of their life', () => {
    let now = 0
    const cache = new TokenCache(() => now)
    cache.set('r', 's', 'T')
    cache.set('r', 'short', 'S', 2)
    now = 54_999
    expect(cache.get('r', 's')).toBe('T')
    expect(cache.get('r', 'short')).toBeUndefined()
    now = 55_000
    expect(cache.get('r', 's')).toBeUndefined()
    now = 0
    cache.set('r', 'short', 'S', 2)
    now = 1_799
    expect(cache.get('r', 'short')).toBe('S')
  })

  it('ignores nonsense expires_in and forgets on delete', () => {
    let now = 0
    const cache = new TokenCache(() => now)
    cache.set('r', 's', 'T', -5)
    now = 30_000
    expect(cache.get('r', 's')).toBe('T')
    cache.delete('r', 's')
    expect(cache.get('r', 's')).toBeUndefined()
  })
})
