import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gitCommitTime, gitHead, resolveCommit, toUtcTimestamp } from '../../src/plan/commit'
import type { RunContext } from '../../src/action/context'
import { ActionError } from '../../src/action/errors'

const MERGE = '9'.repeat(40)
const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const LOCAL = 'c'.repeat(40)

function ctx(extra: Partial<RunContext>): RunContext {
  return { actions: true, serverUrl: 'https://github.com', ...extra }
}

describe('resolveCommit: which commit is labelled', () => {
  const calls: string[] = []
  const git = {
    head: async () => LOCAL,
    commitTime: async (_dir: string, sha: string) => {
      calls.push(sha)
      return sha === HEAD ? '2024-01-01T12:00:00Z' : undefined
    }
  }

  it.each([
    ['pull_request: the PR head, not the merge commit', ctx({ eventName: 'pull_request', sha: MERGE, pullRequestHeadSha: HEAD }), HEAD, 'pull request head'],
    ['pull_request_target: the PR head', ctx({ eventName: 'pull_request_target', sha: MERGE, pullRequestHeadSha: HEAD }), HEAD, 'pull request head'],
    ['push on a branch: GITHUB_SHA', ctx({ eventName: 'push', sha: MERGE, ref: 'refs/heads/main' }), MERGE, 'GITHUB_SHA'],
    ['push of a tag: GITHUB_SHA', ctx({ eventName: 'push', sha: MERGE, ref: 'refs/tags/v1.2.3' }), MERGE, 'GITHUB_SHA'],
    ['outside Actions: git rev-parse HEAD', ctx({ actions: false }), LOCAL, 'git HEAD']
  ])('%s', async (_name, c, sha, source) => {
    const commit = await resolveCommit(c, '/ctx', git)
    expect(commit.sha).toBe(sha)
    expect(commit.source).toBe(source)
    expect(calls.at(-1)).toBe(sha) // the timestamp is looked up for the commit that is labelled
    expect(commit.time).toBe(sha === HEAD ? '2024-01-01T12:00:00Z' : undefined)
  })

  it('refuses a pull_request run whose payload has no head SHA instead of labelling the merge commit', async () => {
    const c = ctx({ eventName: 'pull_request', sha: MERGE })
    await expect(resolveCommit(c, '/ctx', git)).rejects.toThrow(/pull_request\.head\.sha/)
    await expect(resolveCommit(c, '/ctx', git)).rejects.toBeInstanceOf(ActionError)
  })

  it('no git and no GITHUB_SHA: a clear error', async () => {
    await expect(resolveCommit(ctx({ actions: false }), '/nowhere', { head: async () => undefined })).rejects.toThrow(
      /cannot tell which commit/
    )
  })

  it('rejects a GITHUB_SHA that is not a SHA', async () => {
    await expect(resolveCommit(ctx({ sha: 'main' }), '/ctx', git)).rejects.toThrow(/GITHUB_SHA 'main' is not a commit SHA/)
  })
})

describe('toUtcTimestamp', () => {
  it.each([
    ['2024-01-01T12:00:00Z', '2024-01-01T12:00:00Z'],
    ['2024-01-01T13:30:00+01:30', '2024-01-01T12:00:00Z'],
    ['2023-12-31T20:00:00-16:00', '2024-01-01T12:00:00Z'],
    ['2024-01-01 12:00:00 +0000', undefined],
    ['', undefined],
    ['yesterday', undefined]
  ])('%s → %s', (input, expected) => {
    expect(toUtcTimestamp(input)).toBe(expected)
  })
})

describe('gitHead / gitCommitTime against real git repositories', () => {
  let dir: string
  let shallow: string
  let first: string
  let second: string
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.invalid'
  }
  const git = (cwd: string, args: string[], extra: Record<string, string> = {}): string =>
    execFileSync('git', args, { cwd, env: { ...env, ...extra }, encoding: 'utf8' }).trim()

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'commit-'))
    shallow = mkdtempSync(path.join(os.tmpdir(), 'commit-shallow-'))
    git(dir, ['init', '-q', '-b', 'main'])
    writeFileSync(path.join(dir, 'a.txt'), 'a\n')
    git(dir, ['add', '-A'])
    // author time differs from committer time: the label uses the committer time (when the commit came to be)
    git(dir, ['commit', '-q', '-m', 'one'], { GIT_AUTHOR_DATE: '2020-05-05T05:05:05+00:00', GIT_COMMITTER_DATE: '2024-01-01T13:00:00+01:00' })
    first = git(dir, ['rev-parse', 'HEAD'])
    writeFileSync(path.join(dir, 'b.txt'), 'b\n')
    git(dir, ['add', '-A'])
    git(dir, ['commit', '-q', '-m', 'two'], { GIT_AUTHOR_DATE: '2024-02-02T00:00:00Z', GIT_COMMITTER_DATE: '2024-02-02T00:00:00Z' })
    second = git(dir, ['rev-parse', 'HEAD'])
    git(shallow, ['clone', '-q', '--depth', '1', `file://${dir}`, '.'])
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(shallow, { recursive: true, force: true })
  })

  it('gitHead gives HEAD, and undefined outside a repository', async () => {
    expect(await gitHead(dir)).toBe(second)
    expect(await gitHead(os.tmpdir())).toBeUndefined()
  })

  it('commit time is the committer time in UTC', async () => {
    expect(await gitCommitTime(dir, first)).toBe('2024-01-01T12:00:00Z')
    expect(await gitCommitTime(dir, second)).toBe('2024-02-02T00:00:00Z')
  })

  it('is the same on every call (no wall clock)', async () => {
    const a = await gitCommitTime(dir, first)
    await new Promise((r) => setTimeout(r, 1100))
    expect(await gitCommitTime(dir, first)).toBe(a)
  })

  it('a commit missing from a shallow clone gives undefined', async () => {
    expect(await gitCommitTime(shallow, second)).toBe('2024-02-02T00:00:00Z')
    expect(await gitCommitTime(shallow, first)).toBeUndefined()
  })

  it('an unknown commit, a non-repository and a non-SHA give undefined', async () => {
    expect(await gitCommitTime(dir, 'f'.repeat(40))).toBeUndefined()
    expect(await gitCommitTime(os.tmpdir(), first)).toBeUndefined()
    expect(await gitCommitTime(dir, '--help')).toBeUndefined()
  })

  it('resolveCommit with real git: outside Actions labels HEAD with its time', async () => {
    const commit = await resolveCommit({ actions: false, serverUrl: 'https://github.com' }, dir)
    expect(commit).toEqual({ sha: second, source: 'git HEAD', time: '2024-02-02T00:00:00Z' })
  })
})
