import { describe, expect, it } from '@jest/globals'
import { buildArgv, pushFailure } from '../../src/docker/cli'

describe('buildArgv', () => {
  it('passes every value as its own argv element, never through a shell', () => {
    const argv = buildArgv(
      {
        context: '/ws/ctx',
        file: '/ws/ctx/Dockerfile',
        tags: ['r/x:v1', 'r/x:v2'],
        labels: { 'git-commit': 'abc', note: 'a b; $(rm -rf /) `x`' },
        buildArgs: ['A=1', 'B=two words'],
        target: 'prod',
        pull: true,
        noCache: true
      },
      '/tmp/iid'
    )
    expect(argv).toEqual([
      'build', '--file', '/ws/ctx/Dockerfile', '--iidfile', '/tmp/iid',
      '--tag', 'r/x:v1', '--tag', 'r/x:v2',
      '--label', 'git-commit=abc', '--label', 'note=a b; $(rm -rf /) `x`',
      '--build-arg', 'A=1', '--build-arg', 'B=two words',
      '--target', 'prod', '--pull', '--no-cache', '/ws/ctx'
    ])
  })
  it('leaves optional flags out', () => {
    const argv = buildArgv({ context: '.', file: 'Dockerfile', tags: ['r:t'], labels: {}, buildArgs: [], pull: false, noCache: false }, 'iid')
    expect(argv).not.toContain('--pull')
    expect(argv).not.toContain('--no-cache')
    expect(argv).not.toContain('--target')
    expect(argv[argv.length - 1]).toBe('.')
  })
})

describe('pushFailure', () => {
  it('recognises an authorization failure and says to log in', () => {
    const e = pushFailure('ghcr.io/acme/api:v1', 1, 'unauthorized: authentication required')
    expect(e.message).toMatch(/refused by the registry/)
    expect(e.hint).toMatch(/log in to ghcr.io/)
  })
  it('recognises denied', () => {
    expect(pushFailure('r/x:v', 1, 'denied: requested access to the resource is denied').message).toMatch(/refused/)
  })
  it('recognises an unreachable registry', () => {
    const e = pushFailure('127.0.0.1:1/x:v', 1, 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused')
    expect(e.message).toMatch(/could not reach the registry/)
  })
  it('falls back to the exit code', () => {
    expect(pushFailure('r/x:v', 7, 'something odd').message).toMatch(/exit code 7/)
  })
})
