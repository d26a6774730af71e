import { describe, expect, it } from '@jest/globals'
import { ownImageRule, resolvedRule, tagKey, writtenName } from '../../src/pin/rules'
import { parseReference } from '../../src/registry/reference'

const D1 = `sha256:${'a'.repeat(64)}`
const D2 = `sha256:${'b'.repeat(64)}`

describe('writtenName', () => {
  it('keeps the name as written, with a registry port', () => {
    expect(writtenName('nginx')).toBe('nginx')
    expect(writtenName('nginx:1.27')).toBe('nginx')
    expect(writtenName(`127.0.0.1:5000/a/b:v1@${D1}`)).toBe('127.0.0.1:5000/a/b')
    expect(writtenName('127.0.0.1:5000/a/b')).toBe('127.0.0.1:5000/a/b')
  })
})

describe('resolvedRule', () => {
  const rule = resolvedRule(new Map([[tagKey(parseReference('nginx:latest')), D1], [tagKey(parseReference('ghcr.io/acme/w:main')), D2]]))
  it('matches any spelling of the same name:tag, keeps the spelling and adds the implicit tag', () => {
    expect(rule('nginx')).toBe(`nginx:latest@${D1}`)
    expect(rule('docker.io/library/nginx:latest')).toBe(`docker.io/library/nginx:latest@${D1}`)
    expect(rule(`ghcr.io/acme/w:main@${D1}`)).toBe(`ghcr.io/acme/w:main@${D2}`)
  })
  it('leaves other tags, digest-only references and non-references alone', () => {
    expect(rule('nginx:1.27')).toBeUndefined()
    expect(rule(`nginx@${D2}`)).toBeUndefined()
    expect(rule('${IMAGE}')).toBeUndefined()
    expect(rule('ghcr.io/acme/other:main')).toBeUndefined()
  })
})

describe('ownImageRule', () => {
  const rule = ownImageRule(parseReference('127.0.0.1:5000/acme/api'), ['v2', 'latest'], D2)
  it('pins every reference to the image, keeping a pushed tag and replacing any other', () => {
    expect(rule('127.0.0.1:5000/acme/api:latest')).toBe(`127.0.0.1:5000/acme/api:latest@${D2}`)
    expect(rule('127.0.0.1:5000/acme/api:v1')).toBe(`127.0.0.1:5000/acme/api:v2@${D2}`)
    expect(rule(`127.0.0.1:5000/acme/api@${D1}`)).toBe(`127.0.0.1:5000/acme/api:v2@${D2}`)
    expect(rule('127.0.0.1:5000/acme/api')).toBe(`127.0.0.1:5000/acme/api:v2@${D2}`)
  })
  it('leaves other images alone', () => {
    expect(rule('127.0.0.1:5000/acme/api2:v2')).toBeUndefined()
    expect(rule('acme/api:v2')).toBeUndefined()
  })
})
