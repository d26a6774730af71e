import { describe, expect, it } from '@jest/globals'
import type { RunContext } from '../../src/action/context'
import { InputError } from '../../src/action/errors'
import { parseTags } from '../../src/plan/inputs'
import { expandTag, refVersion, resolveTags, sanitizeForTag, tagInputProblem, templateValues, versionTags } from '../../src/plan/tags'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const base: RunContext = { actions: true, serverUrl: 'https://github.com', repository: 'acme/demo', runNumber: '123' }
const branchRun: RunContext = { ...base, eventName: 'push', ref: 'refs/heads/feature/login' }
const tagRun = (tag: string): RunContext => ({ ...base, eventName: 'push', ref: `refs/tags/${tag}` })
const prRun: RunContext = {
  ...base,
  eventName: 'pull_request',
  ref: 'refs/pull/17/merge',
  headRef: 'feature/login',
  pullRequestHeadSha: SHA
}

describe('tag syntax in the tags input', () => {
  it.each([
    ['v1.2.3', undefined],
    ['_under', undefined],
    ['a'.repeat(128), undefined],
    ['sha-{{sha}}', undefined],
    ['{{ branch }}-{{run_number}}', undefined],
    ['{{version}}', undefined],
    ['', 'the tag is empty'],
    ['-rc', "tag '-rc' must start with a letter, digit or underscore"],
    ['.hidden', "tag '.hidden' must start with a letter, digit or underscore"],
    ['a'.repeat(129), `tag '${'a'.repeat(20)}…' is 129 characters long (at most 128)`],
    ['v1+build', "tag 'v1+build' contains '+'; tags may only contain letters, digits, '_', '.' and '-'"],
    ['feature/x', "tag 'feature/x' contains '/'; tags may only contain letters, digits, '_', '.' and '-'"],
    ['{{commit}}', "tag '{{commit}}' uses unknown template '{{commit}}' (known: {{sha}}, {{run_number}}, {{branch}}, {{version}}, {{platform}})"],
    ['{{}}', "tag '{{}}' uses unknown template '{{}}' (known: {{sha}}, {{run_number}}, {{branch}}, {{version}}, {{platform}})"],
    ['x-{{sha', "tag 'x-{{sha' has an unclosed or stray brace; templates are written {{name}} (known: {{sha}}, {{run_number}}, {{branch}}, {{version}}, {{platform}})"],
    ['-{{sha}}', "tag '-{{sha}}' is not valid once its templates are filled in: must start with a letter, digit or underscore"],
    ['a b{{sha}}', "tag 'a b{{sha}}' is not valid once its templates are filled in: contains ' '; tags may only contain letters, digits, '_', '.' and '-'"]
  ])('%j → %j', (tag, problem) => {
    expect(tagInputProblem(tag)).toBe(problem)
  })

  it('parseTags names the input, shows the bad tag and says why', () => {
    expect(() => parseTags('ok, bad!tag')).toThrow(InputError)
    expect(() => parseTags('ok, bad!tag')).toThrow("Input 'tags': tag 'bad!tag' contains '!'")
    try {
      parseTags('ghcr.io/acme/api:v1')
    } catch (e) {
      expect((e as InputError).hint).toMatch(/tag names only/)
    }
    expect.assertions(3)
  })

  it('parseTags deduplicates and keeps templates as written', () => {
    expect(parseTags('latest\nsha-{{sha}}, latest')).toEqual(['latest', 'sha-{{sha}}'])
  })
})

describe('versions from tag refs (semver package)', () => {
  it.each([
    ['refs/tags/v1.2.3', '1.2.3'],
    ['refs/tags/1.2.3', '1.2.3'],
    ['refs/tags/v2.0.0-rc.1', '2.0.0-rc.1'],
    ['refs/tags/v1.2.3+build.7', '1.2.3'],
    ['refs/tags/v1.2', undefined],
    ['refs/tags/release-5', undefined],
    ['refs/tags/V1.2.3', undefined],
    ['refs/heads/v1.2.3', undefined],
    [undefined, undefined]
  ])('%s → %s', (ref, version) => {
    expect(refVersion({ ...base, ...(ref && { ref }) })).toBe(version)
  })

  it.each([
    ['1.2.3', 'all', ['1.2.3', '1.2', '1']],
    ['1.2.3', 'exact', ['1.2.3']],
    ['1.2.3', 'none', []],
    ['0.4.1', 'all', ['0.4.1', '0.4']],
    ['2.0.0-rc.1', 'all', ['2.0.0-rc.1']],
    ['2.0.0-rc.1', 'none', []]
  ] as const)('%s with semver-tags %s → %j', (version, mode, tags) => {
    expect(versionTags(version, mode)).toEqual(tags)
  })
})

describe('default tags (tags input empty)', () => {
  it.each([
    ['branch ref', branchRun, 'all', ['sha-a1b2c3d']],
    ['pull request: the head SHA', prRun, 'all', ['sha-a1b2c3d']],
    ['tag ref v1.2.3', tagRun('v1.2.3'), 'all', ['sha-a1b2c3d', '1.2.3', '1.2', '1']],
    ['tag ref v1.2.3, exact', tagRun('v1.2.3'), 'exact', ['sha-a1b2c3d', '1.2.3']],
    ['tag ref v1.2.3, none', tagRun('v1.2.3'), 'none', ['sha-a1b2c3d']],
    ['pre-release tag ref', tagRun('v3.0.0-beta.2'), 'all', ['sha-a1b2c3d', '3.0.0-beta.2']],
    ['non-semver tag ref', tagRun('nightly'), 'all', ['sha-a1b2c3d']],
    ['no ref (outside Actions, no git metadata)', { ...base, ref: undefined }, 'all', ['sha-a1b2c3d']]
  ] as const)('%s', (_name, ctx, mode, tags) => {
    const plan = resolveTags([], SHA, ctx, mode)
    expect(plan.tags).toEqual(tags)
    expect(plan.skipped).toEqual([])
  })

  it('reports a tag ref that is not semver', () => {
    expect(resolveTags([], SHA, tagRun('nightly')).nonSemverTagRef).toBe('nightly')
    expect(resolveTags([], SHA, tagRun('v1.0.0')).nonSemverTagRef).toBeUndefined()
    expect(resolveTags([], SHA, tagRun('v1.0.0')).version).toBe('1.0.0')
  })
})

describe('tag templates', () => {
  it.each([
    ['feature/login', 'feature-login'],
    ['Feature_X.2', 'Feature_X.2'],
    ['-/leading', 'leading'],
    ['dependabot/npm_and_yarn/@types/node-24', 'dependabot-npm_and_yarn--types-node-24'],
    ['a'.repeat(200), 'a'.repeat(128)]
  ])('branch %j → %j', (branch, tag) => {
    expect(sanitizeForTag(branch)).toBe(tag)
  })

  it.each([
    ['branch run', branchRun, { sha: 'a1b2c3d', run_number: '123', branch: 'feature-login' }],
    ['pull request: source branch, head SHA', prRun, { sha: 'a1b2c3d', run_number: '123', branch: 'feature-login' }],
    ['tag run', tagRun('v1.2.3'), { sha: 'a1b2c3d', run_number: '123', version: '1.2.3' }],
    ['no ref, no run number', { actions: false, serverUrl: 'https://github.com' }, { sha: 'a1b2c3d' }]
  ])('values for a %s', (_name, ctx, values) => {
    expect(templateValues(SHA, ctx)).toEqual(values)
  })

  it('expands, and reports the templates without a value', () => {
    expect(expandTag('pr-{{ branch }}-{{run_number}}', { branch: 'x', run_number: '5' })).toEqual({
      input: 'pr-{{ branch }}-{{run_number}}',
      tag: 'pr-x-5',
      missing: []
    })
    expect(expandTag('{{branch}}-{{version}}', { sha: 'a' })).toEqual({ input: '{{branch}}-{{version}}', missing: ['branch', 'version'] })
  })

  it.each([
    ['branch run', branchRun, ['{{branch}}', 'sha-{{sha}}', 'build-{{run_number}}', '{{version}}'], ['feature-login', 'sha-a1b2c3d', 'build-123'], ['{{version}}']],
    ['tag run', tagRun('v1.2.3'), ['{{branch}}', 'sha-{{sha}}', '{{version}}', 'stable'], ['sha-a1b2c3d', '1.2.3', 'stable'], ['{{branch}}']],
    ['pull request', prRun, ['pr-{{branch}}', 'latest'], ['pr-feature-login', 'latest'], []],
    ['duplicates after expansion collapse', branchRun, ['sha-{{sha}}', 'sha-a1b2c3d'], ['sha-a1b2c3d'], []]
  ])('user tags on a %s', (_name, ctx, input, tags, skipped) => {
    const plan = resolveTags(input, SHA, ctx)
    expect(plan.tags).toEqual(tags)
    expect(plan.skipped.map((s) => s.input)).toEqual(skipped)
    expect(plan.invalid).toEqual([])
  })

  it('user tags replace the defaults, so semver-tags does not add version tags to them', () => {
    expect(resolveTags(['stable'], SHA, tagRun('v1.2.3'), 'all').tags).toEqual(['stable'])
  })

  it('an expansion that breaks the grammar is reported, not pushed', () => {
    const long = { ...branchRun, ref: `refs/heads/${'b'.repeat(128)}` }
    const plan = resolveTags(['pr-{{branch}}'], SHA, long)
    expect(plan.tags).toEqual([])
    expect(plan.invalid).toHaveLength(1)
    expect(plan.invalid[0]?.problem).toMatch(/131 characters long/)
  })
})
