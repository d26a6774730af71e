import { describe, expect, test } from '@jest/globals'
import { ActionError } from '../../src/action/errors'
import { checkPlatforms } from '../../src/build-push/readback'

const held = (...platforms: string[]) => ({
  digest: 'sha256:' + 'a'.repeat(64),
  platforms: platforms.map((platform) => ({ platform, digest: 'sha256:' + 'b'.repeat(64), configDigest: 'sha256:' + 'c'.repeat(64), labels: {} }))
})

describe('checkPlatforms: the registry holds exactly the platforms asked for', () => {
  test('no platforms asked: anything the builder made is fine', () => {
    expect(() => checkPlatforms(held('linux/amd64') as never, [])).not.toThrow()
  })
  test('the same set, in any order, arm64 with or without its v8 variant', () => {
    expect(() => checkPlatforms(held('linux/arm64/v8', 'linux/amd64') as never, ['linux/amd64', 'linux/arm64'])).not.toThrow()
  })
  test('another platform than asked (a cached amd64 image for an arm64 request) fails naming both', () => {
    let error: unknown
    try {
      checkPlatforms(held('linux/amd64') as never, ['linux/arm64'])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain('holds sha256:aaaa')
    expect((error as Error).message).toContain('for linux/amd64, but the step asked for linux/arm64')
  })
  test('a platform missing from a multi-platform push fails', () => {
    expect(() => checkPlatforms(held('linux/amd64') as never, ['linux/amd64', 'linux/arm64'])).toThrow(/asked for linux\/amd64, linux\/arm64/)
  })
})
