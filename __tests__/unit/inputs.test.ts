import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { envInputReader, parseBoolean, parseList } from '../../src/action/inputs'
import { parseImage } from '../../src/action/inputs'
import { parseBuildArgs, parseLabels, readInputs } from '../../src/build-push/inputs'
import { parseTags } from '../../src/plan/inputs'
import { thrown } from '../helpers/thrown'

let ws: string
beforeAll(() => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'inputs-'))
  writeFileSync(path.join(ws, 'Dockerfile'), 'FROM scratch\n')
  mkdirSync(path.join(ws, 'svc'))
  writeFileSync(path.join(ws, 'svc', 'build.Dockerfile'), 'FROM scratch\n')
})
afterAll(() => rmSync(ws, { recursive: true, force: true }))

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('envInputReader', () => {
  it('reads INPUT_<NAME> the way the runner sets it (upper-cased, hyphens kept, trimmed)', () => {
    const read = envInputReader({ 'INPUT_BUILD-ARGS': ' A=1 \n', INPUT_IMAGE: 'x' })
    expect(read('build-args')).toBe('A=1')
    expect(read('image')).toBe('x')
    expect(read('missing')).toBe('')
  })
})

describe('image', () => {
  it('accepts a repository and keeps the spelling', () => {
    expect(parseImage(' ghcr.io/acme/api ')).toEqual({
      imageInput: 'ghcr.io/acme/api',
      image: { registry: 'ghcr.io', repository: 'acme/api' }
    })
  })
  it('rejects a tag with a message naming the input and the fix', () => {
    const e = thrown(() => parseImage('ghcr.io/acme/api:v1'))
    expect(e.message).toMatch(/^Input 'image': .*contains a tag/)
    expect(e.hint).toBe("set 'image: ghcr.io/acme/api' and put tag names in 'tags' (e.g. 'tags: v1')")
  })
  it('rejects a digest', () => {
    expect(thrown(() => parseImage(`ghcr.io/acme/api@sha256:${'0'.repeat(64)}`)).message).toMatch(/contains a digest/)
  })
  it('rejects an empty or malformed image', () => {
    expect(thrown(() => parseImage('')).message).toMatch(/'image': is required/)
    expect(thrown(() => parseImage('ghcr.io/Acme/api')).message).toMatch(/'image'.*uppercase/)
  })
})

describe('tags', () => {
  it('splits on newlines and commas, trims and dedupes', () => {
    expect(parseTags('v1, latest\nv1\n\n  sha-abc ')).toEqual(['v1', 'latest', 'sha-abc'])
  })
  it('shows the bad tag and why', () => {
    const e = thrown(() => parseTags('v1\nfeature/x'))
    expect(e.message).toMatch(/'tags'.*feature\/x.*full image reference/)
  })
  it('tells a user who passed a full reference to use tag names', () => {
    expect(thrown(() => parseTags('ghcr.io/acme/api:v1')).hint).toMatch(/tag names only/)
  })
})

describe('labels, build-args, booleans', () => {
  it('parses key=value, values may contain =', () => {
    expect(parseLabels('a=1\n# comment\ncom.example.team = platform\nq=x=y\nempty=')).toEqual([
      ['a', '1'],
      ['com.example.team', ' platform'],
      ['q', 'x=y'],
      ['empty', '']
    ])
  })
  it('the labels input is read untrimmed (a padded value on the first or last line keeps its spaces)', () => {
    const seen: Array<[string, boolean | undefined]> = []
    const read = (name: string, options?: { trim?: boolean }): string => {
      seen.push([name, options?.trim])
      return name === 'labels' ? 'sp=  padded  ' : name === 'image' ? 'ghcr.io/acme/api' : ''
    }
    expect(readInputs(read, ws).labels).toEqual([['sp', '  padded  ']])
    expect(seen).toContainEqual(['labels', false])
  })
  it('envInputReader: trimmed by default, literal with trim: false', () => {
    const read = envInputReader({ INPUT_LABELS: '  sp=  padded  \n', INPUT_IMAGE: ' x ' })
    expect(read('image')).toBe('x')
    expect(read('labels', { trim: false })).toBe('  sp=  padded  \n')
  })
  it('rejects lines without = and empty or invalid keys', () => {
    expect(thrown(() => parseLabels('novalue')).message).toMatch(/'labels'.*not key=value/)
    expect(thrown(() => parseLabels('=x')).message).toMatch(/empty key/)
    expect(thrown(() => parseLabels('bad key=x')).message).toMatch(/label key 'bad key'/)
  })
  it('requires KEY=value build args', () => {
    expect(parseBuildArgs('A=1\nB_2=x y')).toEqual(['A=1', 'B_2=x y'])
    expect(thrown(() => parseBuildArgs('A')).message).toMatch(/'build-args'/)
    expect(thrown(() => parseBuildArgs('1A=x')).message).toMatch(/'build-args'/)
  })
  it('accepts YAML 1.2 booleans only', () => {
    expect(parseBoolean('push', '', true)).toBe(true)
    expect(parseBoolean('push', 'False', true)).toBe(false)
    expect(parseBoolean('push', 'TRUE', false)).toBe(true)
    expect(thrown(() => parseBoolean('push', 'yes', true)).message).toBe("Input 'push': 'yes' is not a boolean")
  })
  it('parseList drops empties', () => {
    expect(parseList(',,a,,b\n')).toEqual(['a', 'b'])
  })
})

describe('readInputs', () => {
  it('applies defaults', () => {
    const inputs = readInputs(reader({ image: '127.0.0.1:5000/demo' }), ws)
    expect(inputs).toMatchObject({
      imageInput: '127.0.0.1:5000/demo',
      tags: [],
      context: ws,
      file: path.join(ws, 'Dockerfile'),
      push: true,
      summary: true,
      pull: false,
      noCache: false,
      buildArgs: [],
      labels: []
    })
    expect(inputs.target).toBeUndefined()
  })
  it('resolves context and file relative to the workspace', () => {
    const inputs = readInputs(reader({ image: 'x/y', context: 'svc', file: 'svc/build.Dockerfile', target: 'prod' }), ws)
    expect(inputs.context).toBe(path.join(ws, 'svc'))
    expect(inputs.file).toBe(path.join(ws, 'svc', 'build.Dockerfile'))
    expect(inputs.target).toBe('prod')
  })
  it('names a missing context or Dockerfile', () => {
    expect(thrown(() => readInputs(reader({ image: 'x/y', context: 'nope' }), ws)).message).toMatch(/^Input 'context': build context 'nope' is not a directory/)
    const e = thrown(() => readInputs(reader({ image: 'x/y', context: 'svc' }), ws))
    expect(e.message).toMatch(/^Input 'file': Dockerfile .* not found/)
    expect(e.hint).toMatch(/add a Dockerfile/)
  })
  it('validates target', () => {
    expect(thrown(() => readInputs(reader({ image: 'x/y', target: 'a b' }), ws)).input).toBe('target')
  })
})
