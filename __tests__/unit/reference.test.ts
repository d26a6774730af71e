import { describe, expect, it } from '@jest/globals'
import {
  InvalidReferenceError,
  apiHost,
  familiarName,
  formatReference,
  parseReference,
  validateTag
} from '../../src/registry/reference'

const D = 'sha256:' + 'a'.repeat(64)

describe('parseReference', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['acme/api', { registry: 'docker.io', repository: 'acme/api' }],
    ['docker.io/library/redis:7', { registry: 'docker.io', repository: 'library/redis', tag: '7' }],
    ['index.docker.io/redis', { registry: 'docker.io', repository: 'library/redis' }],
    ['ghcr.io/acme/api:v1.4.2', { registry: 'ghcr.io', repository: 'acme/api', tag: 'v1.4.2' }],
    ['127.0.0.1:5000/demo', { registry: '127.0.0.1:5000', repository: 'demo' }],
    ['localhost/demo:x', { registry: 'localhost', repository: 'demo', tag: 'x' }],
    ['localhost:5000/a/b/c', { registry: 'localhost:5000', repository: 'a/b/c' }],
    [`ghcr.io/acme/api@${D}`, { registry: 'ghcr.io', repository: 'acme/api', digest: D }],
    [`ghcr.io/acme/api:v1@${D}`, { registry: 'ghcr.io', repository: 'acme/api', tag: 'v1', digest: D }],
    ['my-registry.example.com:8443/team/app__x/y-z', { registry: 'my-registry.example.com:8443', repository: 'team/app__x/y-z' }],
    ['Registry.Local/app', { registry: 'Registry.Local', repository: 'app' }]
  ])('%s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected)
  })

  it.each([
    ['', /empty/],
    ['acme/Api', /uppercase/],
    ['ghcr.io/acme//api', /empty path component/],
    ['ghcr.io/acme/api:', /tag is empty/],
    ['ghcr.io/acme/api:-bad', /must start with/],
    ['ghcr.io/acme/api@sha256:abc', /not a valid digest/],
    [`ghcr.io/acme/api@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    ['ghcr.io/acme/a pi', /whitespace/],
    ['ghcr.io/acme/api_', /not a valid path component/],
    ['-bad.io/x', /not a valid registry host/],
    [`ghcr.io/${'a'.repeat(260)}`, /longer than 255/]
  ])('rejects %s', (input, why) => {
    expect(() => parseReference(input)).toThrow(InvalidReferenceError)
    expect(() => parseReference(input)).toThrow(why)
  })
})

describe('validateTag', () => {
  it('accepts the tag grammar', () => {
    for (const t of ['v1', '1.2.3', 'sha-abc1234', '_x', 'a'.repeat(128), 'feature.x-y_z']) {
      expect(validateTag(t)).toBeUndefined()
    }
  })
  it('explains what is wrong', () => {
    expect(validateTag('a'.repeat(129))).toMatch(/129 characters/)
    expect(validateTag('.x')).toMatch(/must start with/)
    expect(validateTag('feat/x')).toMatch(/contains '\/'/)
    expect(validateTag('')).toMatch(/empty/)
  })
})

describe('formatting', () => {
  it('formats full and familiar names', () => {
    const ref = parseReference('nginx:1')
    expect(formatReference(ref)).toBe('docker.io/library/nginx:1')
    expect(formatReference(ref, true)).toBe('nginx:1')
    expect(familiarName(parseReference('acme/api'))).toBe('acme/api')
    expect(familiarName(parseReference('ghcr.io/acme/api'))).toBe('ghcr.io/acme/api')
    expect(formatReference({ ...parseReference('ghcr.io/a/b'), digest: D })).toBe(`ghcr.io/a/b@${D}`)
  })
  it('maps Docker Hub to its API host', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io')
    expect(apiHost('ghcr.io')).toBe('ghcr.io')
  })
})
