import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { resolveCommit, type Commit } from '../../src/plan/commit'
import { readRunContext, type RunContext } from '../../src/action/context'
import { InputError } from '../../src/action/errors'
import { readInputs, type Inputs } from '../../src/build-push/inputs'
import { planBuild } from '../../src/build-push/plan'

const PR_EVENT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'events', 'pull_request.json')
const PR_HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const MERGE = '9'.repeat(40)
const PUSHED = 'b'.repeat(40)

let workspace: string
let head: string
const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  GIT_AUTHOR_DATE: '2024-01-01T12:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T12:00:00Z'
}

beforeAll(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'plan-'))
  writeFileSync(path.join(workspace, 'Dockerfile'), 'FROM scratch\n')
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: workspace, env: gitEnv })
  execFileSync('git', ['add', '-A'], { cwd: workspace, env: gitEnv })
  execFileSync('git', ['commit', '-q', '-m', 'one'], { cwd: workspace, env: gitEnv })
  head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, env: gitEnv, encoding: 'utf8' }).trim()
})
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

function inputs(raw: Record<string, string> = {}): Inputs {
  return readInputs((name) => raw[name] ?? '', workspace)
}

const runEnv = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/demo',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_NUMBER: '123',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_RUN_ID: '999'
}

/** The context → commit → plan chain the action runs, with real git in the build context. */
async function plan(env: Record<string, string>, raw: Record<string, string> = {}) {
  const ctx = readRunContext(env)
  const i = inputs({ image: '127.0.0.1:5000/demo', ...raw })
  const commit = await resolveCommit(ctx, i.context)
  return { commit, plan: planBuild(i, ctx, commit) }
}

describe('planBuild across the kinds of run', () => {
  it('pull_request event (payload fixture): PR head labels and tag, no created label (head not in the checkout)', async () => {
    const { commit, plan: p } = await plan({
      ...runEnv,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: PR_EVENT,
      GITHUB_SHA: MERGE,
      GITHUB_REF: 'refs/pull/17/merge',
      GITHUB_HEAD_REF: 'feature/login'
    })
    expect(commit.source).toBe('pull request head')
    expect(p.tags).toEqual(['sha-a1b2c3d'])
    expect(p.labels.labels).toEqual({
      'git-commit': PR_HEAD,
      'build-number': '123',
      'build-attempt': '2',
      'org.opencontainers.image.revision': PR_HEAD,
      'org.opencontainers.image.source': 'https://github.com/acme/demo',
      'org.opencontainers.image.url': 'https://github.com/acme/demo'
    })
    expect(Object.values(p.labels.labels)).not.toContain(MERGE)
    expect(p.notes).toEqual([expect.objectContaining({ level: 'info', text: expect.stringMatching(/created omitted: commit a1b2c3d/) })])
  })

  it('tag ref v1.2.3: version tags and the version label; created from git', async () => {
    const { plan: p } = await plan({ ...runEnv, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: head, GITHUB_REF: 'refs/tags/v1.2.3' })
    expect(p.tags).toEqual([`sha-${head.slice(0, 7)}`, '1.2.3', '1.2', '1'])
    expect(p.refs).toEqual(p.tags.map((t) => `127.0.0.1:5000/demo:${t}`))
    expect(p.version).toBe('1.2.3')
    expect(p.labels.labels['org.opencontainers.image.version']).toBe('1.2.3')
    expect(p.labels.labels['org.opencontainers.image.created']).toBe('2024-01-01T12:00:00Z')
    expect(p.notes).toEqual([])
  })

  it('tag ref with semver-tags: none and oci-labels: false', async () => {
    const { plan: p } = await plan(
      { ...runEnv, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: head, GITHUB_REF: 'refs/tags/v1.2.3' },
      { 'semver-tags': 'none', 'oci-labels': 'false' }
    )
    expect(p.tags).toEqual([`sha-${head.slice(0, 7)}`])
    expect(p.labels.labels).toEqual({ 'git-commit': head, 'build-number': '123', 'build-attempt': '2' })
  })

  it('branch ref: sha tag, and branch templates', async () => {
    const { plan: p } = await plan(
      { ...runEnv, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: head, GITHUB_REF: 'refs/heads/feature/x' },
      { tags: '{{branch}}\nsha-{{sha}}\n{{version}}' }
    )
    expect(p.tags).toEqual(['feature-x', `sha-${head.slice(0, 7)}`])
    expect(p.labels.labels['org.opencontainers.image.version']).toBeUndefined()
    expect(p.notes).toEqual([{ level: 'info', text: "Tag '{{version}}' skipped: {{version}} has no value in this run (ref refs/heads/feature/x)" }])
  })

  it('no git: GITHUB_SHA not in any checkout, created omitted with an info line', async () => {
    const ctx = readRunContext({ ...runEnv, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: PUSHED, GITHUB_REF: 'refs/heads/main' })
    const i = inputs({ image: '127.0.0.1:5000/demo' })
    const commit = await resolveCommit(ctx, os.tmpdir())
    const p = planBuild(i, ctx, commit)
    expect(p.labels.labels['git-commit']).toBe(PUSHED)
    expect(p.labels.labels['org.opencontainers.image.created']).toBeUndefined()
    expect(p.notes.map((n) => n.level)).toEqual(['info'])
  })

  it('a template-only tag list with nothing resolvable fails before building', async () => {
    await expect(
      plan({ ...runEnv, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: head, GITHUB_REF: 'refs/tags/v1.0.0' }, { tags: '{{branch}}' })
    ).rejects.toThrow("Input 'tags': none of the tags has a value in this run (ref refs/tags/v1.0.0): '{{branch}}'")
  })

  it('a branch name too long for a tag fails with the expanded value', async () => {
    await expect(
      plan({ ...runEnv, GITHUB_SHA: head, GITHUB_REF: `refs/heads/${'x'.repeat(128)}` }, { tags: 'pr-{{branch}}' })
    ).rejects.toThrow(/tag 'pr-\{\{branch\}\}' expands to 'pr-x+' in this run, which is not a valid tag: .*131 characters long/)
  })
})

describe('the latest guard', () => {
  const ctx: RunContext = { actions: true, serverUrl: 'https://github.com', repository: 'acme/demo', runNumber: '5', ref: 'refs/heads/main' }
  const commit: Commit = { sha: PUSHED, source: 'GITHUB_SHA' }
  const base = { imageInput: 'ghcr.io/acme/api', labels: [] as Array<[string, string]> }

  it.each([
    ['warn (default)', undefined, ['latest', 'v1'], 'warning'],
    ['warn', 'warn', ['latest'], 'warning'],
    ['allow', 'allow', ['latest'], undefined],
    ['no latest tag', 'warn', ['v1'], undefined],
    ['Latest is another tag', 'forbid', ['Latest'], undefined]
  ] as const)('%s', (_name, latest, tags, level) => {
    const p = planBuild({ ...base, tags: [...tags], ...(latest && { latest }), ociLabels: false }, ctx, commit)
    expect(p.tags).toEqual(tags)
    const warnings = p.notes.filter((n) => n.level === 'warning')
    if (level) {
      expect(warnings).toHaveLength(1)
      expect(warnings[0]?.text).toMatch(/ghcr\.io\/acme\/api:latest will point to whatever is pushed next.*'pinned' output/)
    } else {
      expect(warnings).toEqual([])
    }
  })

  it('push: false keeps latest local: no warning, but forbid still refuses it', () => {
    expect(planBuild({ ...base, tags: ['latest'], push: false }, ctx, commit).notes.filter((n) => n.level === 'warning')).toEqual([])
    expect(() => planBuild({ ...base, tags: ['latest'], push: false, latest: 'forbid' }, ctx, commit)).toThrow(InputError)
  })

  it('forbid fails with an error naming the input and the fix', () => {
    const attempt = () => planBuild({ ...base, tags: ['v1', 'latest'], latest: 'forbid' }, ctx, commit)
    expect(attempt).toThrow(InputError)
    expect(attempt).toThrow("Input 'latest': tag 'latest' (from 'tags') is not allowed: 'latest: forbid' is set")
  })

  it('a latest produced by a template goes through the guard too', () => {
    const onLatestBranch = { ...ctx, ref: 'refs/heads/latest' }
    const attempt = () => planBuild({ ...base, tags: ['{{branch}}'], latest: 'forbid' }, onLatestBranch, commit)
    expect(attempt).toThrow("tag 'latest' (from a template in 'tags') is not allowed")
    const warned = planBuild({ ...base, tags: ['{{branch}}'] }, onLatestBranch, commit)
    expect(warned.tags).toEqual(['latest'])
    expect(warned.notes.map((n) => n.level)).toContain('warning')
  })
})

describe('label overrides', () => {
  it('overriding an OCI label gives a notice; a protected label is an error', () => {
    const ctx = readRunContext({ ...runEnv, GITHUB_SHA: PUSHED })
    const commit: Commit = { sha: PUSHED, source: 'GITHUB_SHA', time: '2024-01-01T12:00:00Z' }
    const p = planBuild(
      { imageInput: 'x/y', tags: [], labels: [['org.opencontainers.image.source', 'https://github.com/acme/mono']] },
      ctx,
      commit
    )
    expect(p.notes).toEqual([
      {
        level: 'notice',
        title: 'Label overridden',
        text: "Label 'org.opencontainers.image.source' from 'labels' replaces the action's value 'https://github.com/acme/demo' with 'https://github.com/acme/mono'"
      }
    ])
    expect(() => planBuild({ imageInput: 'x/y', tags: [], labels: [['git-commit', 'abc']] }, ctx, commit)).toThrow(
      "Input 'labels': 'git-commit' is set by the action"
    )
  })

  it('a user-set created label suppresses the omission note', () => {
    const ctx = readRunContext({ ...runEnv, GITHUB_SHA: PUSHED })
    const p = planBuild(
      { imageInput: 'x/y', tags: [], labels: [['org.opencontainers.image.created', '2020-01-01T00:00:00Z']] },
      ctx,
      { sha: PUSHED, source: 'GITHUB_SHA' }
    )
    expect(p.notes).toEqual([])
    expect(p.labels.sources['org.opencontainers.image.created']).toBe('user')
  })
})

describe('determinism: our labels add no nondeterminism to the image', () => {
  it('two separate runs for the same commit and run give byte-identical labels and tags', async () => {
    const env = { ...runEnv, GITHUB_EVENT_NAME: 'push', GITHUB_SHA: head, GITHUB_REF: 'refs/tags/v1.2.3' }
    const raw = { labels: 'com.example.team=payments', tags: 'sha-{{sha}}\n{{version}}\nbuild-{{run_number}}' }
    const first = await plan(env, raw)
    await new Promise((r) => setTimeout(r, 1100)) // a second later: a wall-clock value would differ
    const second = await plan(env, raw)
    expect(JSON.stringify(second.plan)).toBe(JSON.stringify(first.plan))
    // the docker --label order is the object's key order: identical too
    expect(Object.keys(second.plan.labels.labels)).toEqual(Object.keys(first.plan.labels.labels))
    expect(first.plan.labels.labels['org.opencontainers.image.created']).toBe('2024-01-01T12:00:00Z')
  })

  it('no label value looks like the current time', async () => {
    const before = Date.now()
    const { plan: p } = await plan({ ...runEnv, GITHUB_SHA: head, GITHUB_REF: 'refs/heads/main' })
    for (const value of Object.values(p.labels.labels)) {
      const t = Date.parse(value)
      if (!Number.isNaN(t)) expect(Math.abs(t - before)).toBeGreaterThan(24 * 3600 * 1000)
    }
  })
})

describe('inputs: latest, oci-labels, semver-tags', () => {
  it('defaults', () => {
    const i = inputs({ image: 'x/y' })
    expect([i.latest, i.ociLabels, i.semverTags]).toEqual(['warn', true, 'all'])
  })

  it('accepts any case', () => {
    const i = inputs({ image: 'x/y', latest: 'Forbid', 'oci-labels': 'false', 'semver-tags': 'EXACT' })
    expect([i.latest, i.ociLabels, i.semverTags]).toEqual(['forbid', false, 'exact'])
  })

  it.each([
    ['latest', 'deny', "Input 'latest': 'deny' is not one of warn, forbid, allow", "set 'latest' to warn, forbid or allow"],
    ['semver-tags', 'major', "Input 'semver-tags': 'major' is not one of all, exact, none", "set 'semver-tags' to all, exact or none"],
    ['oci-labels', 'yes', "Input 'oci-labels': 'yes' is not a boolean", "set 'oci-labels' to true or false"]
  ])('%s: %s is refused', (name, value, message, hint) => {
    try {
      inputs({ image: 'x/y', [name]: value })
      throw new Error('expected an error')
    } catch (e) {
      expect(e).toBeInstanceOf(InputError)
      expect((e as InputError).message).toBe(message)
      expect((e as InputError).hint).toBe(hint)
    }
  })
})
