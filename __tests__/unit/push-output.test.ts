import { describe, expect, it } from '@jest/globals'
import { parsePushDigest } from '../../src/docker/push-output'

const D = 'sha256:95821c33cd9985747b129b17d9f017c66f24639c1f1e09b3d66924c9ef52542b'

describe('parsePushDigest', () => {
  const output = [
    'The push refers to repository [127.0.0.1:5999/demo]',
    '32a9c54d14a6: Preparing',
    '32a9c54d14a6: Pushed',
    `v1: digest: ${D} size: 524`,
    ''
  ].join('\n')

  it('reads the digest and size docker printed for the tag', () => {
    expect(parsePushDigest(output, 'v1')).toEqual({ digest: D, size: 524 })
  })
  it('does not take another tag line', () => {
    expect(parsePushDigest(output, 'v')).toEqual({})
    expect(parsePushDigest(output.replace('v1:', 'v1x:'), 'v1')).toEqual({})
  })
  it('treats dots in tags literally', () => {
    const out = `1.2.3: digest: ${D} size: 10\n`
    expect(parsePushDigest(out, '1.2.3')).toEqual({ digest: D, size: 10 })
    expect(parsePushDigest(out, '1x2x3')).toEqual({})
  })
  it('handles CRLF output and missing lines', () => {
    expect(parsePushDigest(`v1: digest: ${D} size: 524\r\n`, 'v1')).toEqual({ digest: D, size: 524 })
    expect(parsePushDigest('denied: requested access to the resource is denied', 'v1')).toEqual({})
  })
})
