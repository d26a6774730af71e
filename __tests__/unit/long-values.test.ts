import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cut } from '../../src/action/errors'
import { readInputs } from '../../src/build-push/inputs'
import { readResolveInputs } from '../../src/resolve/inputs'

const dir = mkdtempSync(path.join(os.tmpdir(), 'long-values-'))
writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n')
const LONG = 'x'.repeat(10_000)

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('cut: long rejected values are cut in errors, as the tag error does', () => {
  it('keeps short values whole and cuts long ones to 20 characters and an ellipsis', () => {
    expect(cut('a'.repeat(128))).toBe('a'.repeat(128))
    expect(cut('a'.repeat(129))).toBe(`${'a'.repeat(20)}…`)
  })

  const build = (inputs: Record<string, string>) => () => readInputs((n) => inputs[n] ?? '', dir)
  it.each([
    ['image (a valid-looking 10k name)', build({ image: `ghcr.io/${'a'.repeat(10_000)}` }), 'image'],
    ['image (10k characters, uppercase)', build({ image: `ghcr.io/${'A'.repeat(10_000)}` }), 'image'],
    ['image with a 10k tag', build({ image: `ghcr.io/acme/api:${LONG}` }), 'image'],
    ['context', build({ image: 'ghcr.io/acme/api', context: LONG }), 'context'],
    ['file', build({ image: 'ghcr.io/acme/api', file: LONG }), 'file'],
    ['labels', build({ image: 'ghcr.io/acme/api', labels: LONG }), 'labels'],
    ['build-args', build({ image: 'ghcr.io/acme/api', 'build-args': LONG }), 'build-args'],
    ['target', build({ image: 'ghcr.io/acme/api', target: `-${LONG}` }), 'target'],
    ['push', build({ image: 'ghcr.io/acme/api', push: LONG }), 'push'],
    ['latest', build({ image: 'ghcr.io/acme/api', latest: LONG }), 'latest'],
    ['resolve images', () => readResolveInputs((n) => (n === 'images' ? `ghcr.io/${'B'.repeat(10_000)}:v1` : '')), 'images'],
    ['resolve platform', () => readResolveInputs((n) => ({ images: 'nginx', platform: LONG })[n] ?? ''), 'platform'],
    ['resolve concurrency', () => readResolveInputs((n) => ({ images: 'nginx', concurrency: LONG })[n] ?? ''), 'concurrency']
  ])('%s: the error names the input and stays short', (_what, fn, input) => {
    const message = messageOf(fn)
    expect(message.startsWith(`Input '${input}': `)).toBe(true)
    expect(message.length).toBeLessThan(400)
    expect(message).toContain('…')
  })
})
