import { describe, expect, it } from '@jest/globals'
import { jsonErrorOffset, linePosition, parseJsonQuietly } from '../../src/action/json-position'

function validByV8(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** A deterministic pseudo-random generator (tests must not depend on the clock). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

describe('jsonErrorOffset', () => {
  it.each([
    ['{}', undefined],
    ['  {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]} ', undefined],
    ['{"auth": dXNlcjpw}', 9],
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ['[1 2]', 3],
    ['{"a": "b', 8],
    ['', 0],
    ['{} x', 3],
    ['01', 1],
    ['"\\x"', 2],
    ['"tab\there"', 4]
  ])('%p → %p', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset)
  })

  it('agrees with JSON.parse on validity for 3000 mutated documents', () => {
    const next = rng(14)
    const base = JSON.stringify({ auths: { 'ghcr.io': { auth: 'dXNlcjpwYXNz' }, 'x.io': { identitytoken: 't' } }, credHelpers: { a: 'b' }, n: [1, -2.5, 1e3, true, null] }, null, 2)
    const alphabet = '{}[]",:\\ -+.eE0123456789tfnulrsa\n\t'
    for (let k = 0; k < 3000; k++) {
      const chars = [...base]
      const edits = 1 + Math.floor(next() * 3)
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * chars.length)
        const op = next()
        const c = alphabet[Math.floor(next() * alphabet.length)] as string
        if (op < 0.33) chars.splice(at, 1)
        else if (op < 0.66) chars.splice(at, 0, c)
        else chars[at] = c
      }
      const text = chars.join('')
      expect([text, jsonErrorOffset(text) === undefined]).toEqual([text, validByV8(text)])
    }
  })
})

describe('parseJsonQuietly', () => {
  it('parses valid JSON', () => {
    expect(parseJsonQuietly('{"a":[1]}')).toEqual({ a: [1] })
  })

  it('reports line and column only, never the text (an unquoted base64 credential)', () => {
    const auth = Buffer.from('ci-user:s3cr3t-password-value').toString('base64')
    const text = `{\n  "auths": {\n    "ghcr.io": {\n      "auth": ${auth}\n    }\n  }\n}\n`
    let message = ''
    try {
      parseJsonQuietly(text)
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toBe('syntax error at line 4, column 15')
    for (let i = 0; i + 4 <= auth.length; i++) expect(message).not.toContain(auth.slice(i, i + 4))
  })

  it('a file cut short says so', () => {
    expect(() => parseJsonQuietly('{"auths": {')).toThrow('it ends too early (line 1, column 12)')
  })

  it('linePosition counts from 1', () => {
    expect(linePosition('ab\ncd', 0)).toEqual({ line: 1, column: 1 })
    expect(linePosition('ab\ncd', 4)).toEqual({ line: 2, column: 2 })
  })
})
