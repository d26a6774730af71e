import { describe, expect, it } from '@jest/globals'
import type { Commit } from '../../src/plan/commit'
import type { RunContext } from '../../src/action/context'
import { InputError } from '../../src/action/errors'
import { parseLabels } from '../../src/build-push/inputs'
import { actionLabels, labelKeyProblem, mergeLabels, parseLabelLines } from '../../src/plan/labels'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const run: RunContext = {
  actions: true,
  serverUrl: 'https://github.com',
  repository: 'acme/demo',
  runNumber: '123',
  runAttempt: '2',
  runId: '999'
}
const commit: Commit = { sha: SHA, source: 'GITHUB_SHA', time: '2024-01-01T12:00:00Z' }

describe('actionLabels', () => {
  it.each([
    [
      'branch run, OCI labels on',
      commit,
      run,
      { oci: true },
      {
        'git-commit': SHA,
        'build-number': '123',
        'build-attempt': '2',
        'org.opencontainers.image.created': '2024-01-01T12:00:00Z',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.source': 'https://github.com/acme/demo',
        'org.opencontainers.image.url': 'https://github.com/acme/demo'
      }
    ],
    [
      'tag run: version label',
      commit,
      run,
      { oci: true, version: '1.2.3' },
      {
        'git-commit': SHA,
        'build-number': '123',
        'build-attempt': '2',
        'org.opencontainers.image.created': '2024-01-01T12:00:00Z',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.source': 'https://github.com/acme/demo',
        'org.opencontainers.image.url': 'https://github.com/acme/demo',
        'org.opencontainers.image.version': '1.2.3'
      }
    ],
    [
      'commit not in the checkout: no created label (never the wall clock)',
      { sha: SHA, source: 'pull request head' } as Commit,
      run,
      { oci: true },
      {
        'git-commit': SHA,
        'build-number': '123',
        'build-attempt': '2',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.source': 'https://github.com/acme/demo',
        'org.opencontainers.image.url': 'https://github.com/acme/demo'
      }
    ],
    ['OCI labels off', commit, run, { oci: false, version: '1.2.3' }, { 'git-commit': SHA, 'build-number': '123', 'build-attempt': '2' }],
    [
      'no repository, no attempt (outside Actions)',
      commit,
      { actions: false, serverUrl: 'https://github.com', runNumber: '7' } as RunContext,
      { oci: true },
      {
        'git-commit': SHA,
        'build-number': '7',
        'org.opencontainers.image.created': '2024-01-01T12:00:00Z',
        'org.opencontainers.image.revision': SHA
      }
    ],
    [
      'GitHub Enterprise server URL',
      commit,
      { ...run, serverUrl: 'https://ghe.example.com' },
      { oci: true },
      {
        'git-commit': SHA,
        'build-number': '123',
        'build-attempt': '2',
        'org.opencontainers.image.created': '2024-01-01T12:00:00Z',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.source': 'https://ghe.example.com/acme/demo',
        'org.opencontainers.image.url': 'https://ghe.example.com/acme/demo'
      }
    ]
  ])('%s', (_name, c, ctx, options, expected) => {
    expect(actionLabels(c, ctx, options)).toEqual(expected)
  })

  it('requires GITHUB_RUN_NUMBER', () => {
    expect(() => actionLabels(commit, { ...run, runNumber: undefined })).toThrow(/GITHUB_RUN_NUMBER is not set/)
  })
})

describe('label keys', () => {
  it.each([
    ['com.example.team', undefined],
    ['org.opencontainers.image.title', undefined],
    ['app.kubernetes.io/name', undefined],
    ['Maintainer', undefined],
    ['a', undefined],
    ['snake_case-key', undefined],
    ['', 'the key is empty'],
    ['has space', "label key 'has space' contains whitespace"],
    ['a=b', "label key 'a=b' contains '='; keys may only contain letters, digits, '.', '_', '-' and '/'"],
    ['café', "label key 'café' contains 'é'; keys may only contain letters, digits, '.', '_', '-' and '/'"],
    ['.hidden', "label key '.hidden' must start and end with a letter or digit"],
    ['com.example.', "label key 'com.example.' must start and end with a letter or digit"],
    ['com..example', "label key 'com..example' has an empty component ('..')"]
  ])('%j → %j', (key, problem) => {
    expect(labelKeyProblem(key)).toBe(problem)
  })
})

describe('parseLabels (the labels input)', () => {
  it('splits at the first =, keeps = in values and allows empty values', () => {
    expect(parseLabels('team=payments\n# comment\n\nquery=a=b&c=d\nempty=\n  spaced = value  ')).toEqual([
      ['team', 'payments'],
      ['query', 'a=b&c=d'],
      ['empty', ''],
      ['spaced', ' value  ']
    ])
  })

  it('keeps values literally (F6): everything after the first =, spaces and tabs included; only line breaks go', () => {
    expect(parseLabels('sp=  padded  \r\ntab=\tx\t\n  indented.key=v\n   # an indented comment\n \t \nlast= end ')).toEqual([
      ['sp', '  padded  '],
      ['tab', '\tx\t'],
      ['indented.key', 'v'],
      ['last', ' end ']
    ])
  })

  it.each([
    ['=value', /Input 'labels': '=value' has an empty key/],
    ['  =value', /has an empty key/],
    ['no equals sign', /Input 'labels': 'no equals sign' is not key=value/],
    ['bad key!=x', /label key 'bad key!' contains whitespace/],
    ['com..x=1', /has an empty component/]
  ])('%j is refused', (raw, message) => {
    expect(() => parseLabels(raw)).toThrow(InputError)
    expect(() => parseLabels(raw)).toThrow(message)
  })

  it('suggests key=value for YAML-style key: value', () => {
    try {
      parseLabelLines(['team: payments'])
      throw new Error('expected an error')
    } catch (e) {
      expect(e).toBeInstanceOf(InputError)
      expect((e as InputError).hint).toBe("write 'team=payments' (labels use key=value, not key: value)")
    }
  })
})

describe('mergeLabels', () => {
  const ours = actionLabels(commit, run, { oci: true })

  it('user labels are added and marked as user', () => {
    const set = mergeLabels(ours, [['com.example.team', 'payments']])
    expect(set.labels['com.example.team']).toBe('payments')
    expect(set.sources['com.example.team']).toBe('user')
    expect(set.sources['git-commit']).toBe('action')
    expect(set.overridden).toEqual([])
  })

  it('an OCI label may be overridden; the override is recorded with both values (the last one wins)', () => {
    const set = mergeLabels(ours, [
      ['org.opencontainers.image.source', 'https://example.com/first'],
      ['org.opencontainers.image.source', 'https://github.com/acme/monorepo/tree/main/api']
    ])
    expect(set.labels['org.opencontainers.image.source']).toBe('https://github.com/acme/monorepo/tree/main/api')
    expect(set.sources['org.opencontainers.image.source']).toBe('user (overrides action)')
    expect(set.overridden).toEqual([
      {
        key: 'org.opencontainers.image.source',
        ours: 'https://github.com/acme/demo',
        theirs: 'https://github.com/acme/monorepo/tree/main/api'
      }
    ])
  })

  it.each(['git-commit', 'build-number', 'build-attempt'])('%s cannot be overridden', (key) => {
    expect(() => mergeLabels(ours, [[key, 'x']])).toThrow(InputError)
    expect(() => mergeLabels(ours, [[key, 'x']])).toThrow(`Input 'labels': '${key}' is set by the action`)
  })

  it('with OCI labels off, a user OCI label is simply a user label', () => {
    const set = mergeLabels(actionLabels(commit, run, { oci: false }), [['org.opencontainers.image.version', '9']])
    expect(set.sources['org.opencontainers.image.version']).toBe('user')
    expect(set.overridden).toEqual([])
  })
})
