import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildkitOnly, parseAnnotations, parsePlatforms, parseSecretFiles, parseSecrets, parseSsh, readBuilderInputs } from '../../src/build-push/builder-inputs'
import { secretLookingBuildArgs } from '../../src/action/secrets'
import { captureStdout, maskedValues } from '../helpers/capture'

// core.setSecret prints ::add-mask:: lines: keep them off the test console
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

describe('platforms', () => {
  it('takes comma- and newline-separated os/arch[/variant], deduplicated', () => {
    expect(parsePlatforms('linux/amd64, linux/arm64\nlinux/arm/v7\nlinux/amd64')).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
    expect(parsePlatforms('')).toEqual([])
  })
  it.each([
    ['amd64', /write os\/arch, e.g. linux\/amd64/],
    ['x86_64', /linux\/amd64/],
    ['linux/x86_64', /BuildKit names this architecture 'amd64'/],
    ['linux/aarch64', /linux\/arm64/],
    ['Linux/AMD64', /lower case/],
    ['linux/arm/v7/x', /os\/arch\[\/variant\]/]
  ])('%s is rejected naming the input and the fix', (raw, hint) => {
    let err: unknown
    try {
      parsePlatforms(raw)
    } catch (e) {
      err = e
    }
    expect((err as Error).message).toMatch(/^Input 'platforms':/)
    expect((err as { hint: string }).hint).toMatch(hint)
  })
})

describe('secrets', () => {
  it('reads id=value lines (the value may hold = and spaces) and masks every value', async () => {
    jest.restoreAllMocks()
    const { result, out } = await captureStdout(async () => parseSecrets('token=abc=def\nother=with space'))
    expect(result).toEqual([{ id: 'token', value: 'abc=def' }, { id: 'other', value: 'with space' }])
    expect(maskedValues(out)).toEqual(['abc=def', 'with space'])
  })
  it('never quotes a malformed line (it may be the secret itself)', () => {
    expect(() => parseSecrets('justthesecretvalue')).toThrow(/line 1 is not id=value \(the line is not shown/)
    try {
      parseSecrets('justthesecretvalue')
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('justthesecretvalue')
    }
  })
  it('refuses the same id twice', () => {
    expect(() => parseSecrets('a=1\na=2')).toThrow(/secret id 'a' is given twice/)
  })
  it('secret-files: id=path relative to the workspace; a missing file names the id', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sf-'))
    try {
      writeFileSync(path.join(dir, 'npmrc'), 'x')
      expect(parseSecretFiles('npmrc=npmrc', dir)).toEqual([{ id: 'npmrc', file: path.join(dir, 'npmrc') }])
      expect(() => parseSecretFiles('key=missing.pem', dir)).toThrow(/Input 'secret-files': secret 'key': file 'missing.pem' not found/)
      expect(() => parseSecretFiles('npmrc', dir)).toThrow(/is not id=path/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('ssh and annotations', () => {
  it('ssh: default or id=path', () => {
    expect(parseSsh('default\ngithub=/k')).toEqual(['default', 'github=/k'])
    expect(() => parseSsh('a b')).toThrow(/Input 'ssh'/)
  })
  it('annotations: key=value with an optional known level', () => {
    expect(parseAnnotations('a=b\nindex:c=d')).toEqual(['a=b', 'index:c=d'])
    expect(() => parseAnnotations('nope')).toThrow(/Input 'annotations'/)
    expect(() => parseAnnotations('layer:a=b')).toThrow(/unknown annotation level 'layer'/)
  })
})

describe('readBuilderInputs and the legacy builder', () => {
  const read = (m: Record<string, string>) => (n: string) => m[n] ?? ''
  it('everything empty: nothing BuildKit-only is asked for', () => {
    const b = readBuilderInputs(read({}), '/')
    expect(buildkitOnly(b)).toEqual([])
    expect(b.provenance).toBeUndefined()
  })
  it('lists the inputs the legacy builder cannot honour; one platform and provenance: false are fine', () => {
    expect(buildkitOnly(readBuilderInputs(read({ platforms: 'linux/arm64', provenance: 'false', sbom: 'false' }), '/'))).toEqual([])
    const b = readBuilderInputs(read({ builder: 'x', platforms: 'linux/amd64,linux/arm64', secrets: 'a=b', 'cache-from': 'type=gha', provenance: 'mode=max', annotations: 'a=b' }), '/')
    expect(buildkitOnly(b)).toEqual(['builder', 'platforms', 'secrets', 'cache-from', 'provenance', 'annotations'])
  })
  it('rejects a builder name that is no name', () => {
    expect(() => readBuilderInputs(read({ builder: 'a b' }), '/')).toThrow(/Input 'builder'/)
  })
})

describe('secret-looking build args', () => {
  it('matches *TOKEN*, *PASSWORD*, *SECRET*, *KEY* in any case', () => {
    expect(secretLookingBuildArgs(['NPM_TOKEN=x', 'db_password=y', 'MY_SECRET=z', 'API_KEY=k', 'VERSION=1', 'KEYBOARD=1'])).toEqual([
      'NPM_TOKEN', 'db_password', 'MY_SECRET', 'API_KEY', 'KEYBOARD'
    ])
  })
})
