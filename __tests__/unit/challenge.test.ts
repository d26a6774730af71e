import { describe, expect, it } from '@jest/globals'
import { parseChallenges } from '../../src/registry/challenge'

describe('parseChallenges', () => {
  it.each([
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } }]
    ],
    // scope missing (Artifactory style) and unquoted values
    ['Bearer realm=https://a.example/token,service=a.example', [{ scheme: 'bearer', params: { realm: 'https://a.example/token', service: 'a.example' } }]],
    // quoted value with a comma and an escaped quote; spaces around '=' and ','
    [
      'Bearer realm = "https://x/t" , scope="repository:a/b:pull,push", error="say \\"hi\\""',
      [{ scheme: 'bearer', params: { realm: 'https://x/t', scope: 'repository:a/b:pull,push', error: 'say "hi"' } }]
    ],
    // several challenges in one header; case-insensitive scheme and names
    [
      'BASIC Realm="r1", Bearer realm="https://t/token",Service="s"',
      [
        { scheme: 'basic', params: { realm: 'r1' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', service: 's' } }
      ]
    ],
    // insufficient scope error from distribution
    [
      'Bearer realm="http://127.0.0.1:1/auth",service="e2e",scope="repository:demo:pull",error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/auth', service: 'e2e', scope: 'repository:demo:pull', error: 'insufficient_scope' } }]
    ],
    // a scheme without parameters
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['', []]
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected)
  })

  it('survives an unterminated quote without looping', () => {
    expect(parseChallenges('Bearer realm="https://x/t')).toEqual([{ scheme: 'bearer', params: { realm: 'https://x/t' } }])
  })
})
