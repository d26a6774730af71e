import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readRunContext, refBranch, refTag, runAttemptUrl, type RunContext } from '../../src/action/context'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'events')
const PR_EVENT = path.join(fixtures, 'pull_request.json')
const PR_HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'

describe('readRunContext: the pull request head from the event payload', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ctx-'))
  const badSha = path.join(tmp, 'bad.json')
  writeFileSync(badSha, JSON.stringify({ pull_request: { head: { sha: 'not-a-sha' } } }))
  const notJson = path.join(tmp, 'broken.json')
  writeFileSync(notJson, '{"pull_request": ')
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it.each([
    ['pull_request with the payload', 'pull_request', PR_EVENT, PR_HEAD],
    ['pull_request_target with the payload', 'pull_request_target', PR_EVENT, PR_HEAD],
    ['push event ignores a pull_request key', 'push', PR_EVENT, undefined],
    ['pull_request without an event file', 'pull_request', undefined, undefined],
    ['pull_request with a missing event file', 'pull_request', path.join(tmp, 'nope.json'), undefined],
    ['pull_request with a malformed head sha', 'pull_request', badSha, undefined],
    ['pull_request with a truncated payload', 'pull_request', notJson, undefined]
  ])('%s', (_name, eventName, eventPath, expected) => {
    const ctx = readRunContext({
      GITHUB_EVENT_NAME: eventName,
      ...(eventPath && { GITHUB_EVENT_PATH: eventPath }),
      GITHUB_SHA: '9999999999999999999999999999999999999999'
    })
    expect(ctx.pullRequestHeadSha).toBe(expected)
    expect(ctx.sha).toBe('9999999999999999999999999999999999999999')
  })

  it('reads GITHUB_HEAD_REF and trims the server URL', () => {
    const ctx = readRunContext({ GITHUB_HEAD_REF: 'feature/login', GITHUB_SERVER_URL: 'https://ghe.example.com/' })
    expect(ctx.headRef).toBe('feature/login')
    expect(ctx.serverUrl).toBe('https://ghe.example.com')
  })
})

describe('refTag / refBranch', () => {
  const base: RunContext = { actions: true, serverUrl: 'https://github.com' }
  it.each([
    ['tag ref', { ref: 'refs/tags/v1.2.3' }, 'v1.2.3', undefined],
    ['branch ref', { ref: 'refs/heads/main' }, undefined, 'main'],
    ['branch with a slash', { ref: 'refs/heads/feature/x' }, undefined, 'feature/x'],
    ['pull request: the source branch', { ref: 'refs/pull/17/merge', eventName: 'pull_request', headRef: 'feature/login' }, undefined, 'feature/login'],
    ['pull request without GITHUB_HEAD_REF', { ref: 'refs/pull/17/merge', eventName: 'pull_request' }, undefined, undefined],
    ['head ref ignored outside pull requests', { ref: 'refs/heads/main', eventName: 'push', headRef: 'other' }, undefined, 'main'],
    ['no ref at all', {}, undefined, undefined],
    ['empty tag name', { ref: 'refs/tags/' }, undefined, undefined]
  ])('%s', (_name, extra, tag, branch) => {
    const ctx = { ...base, ...extra }
    expect(refTag(ctx)).toBe(tag)
    expect(refBranch(ctx)).toBe(branch)
  })
})

describe('runAttemptUrl', () => {
  it('links one attempt of the run when repository, run id and attempt are known', () => {
    const ctx: RunContext = { actions: true, serverUrl: 'https://github.com', repository: 'acme/demo', runId: '77', runAttempt: '2' }
    expect(runAttemptUrl(ctx)).toBe('https://github.com/acme/demo/actions/runs/77/attempts/2')
    expect(runAttemptUrl({ ...ctx, runId: undefined })).toBeUndefined()
    expect(runAttemptUrl({ ...ctx, runAttempt: undefined })).toBeUndefined()
  })
})

describe('readRunContext: through @actions/github', () => {
  it('carries the API URL and the event payload of the environment it is given, not of the process', () => {
    const ctx = readRunContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: PR_EVENT, GITHUB_API_URL: 'https://ghe.example.com/api/v3', GITHUB_RUN_NUMBER: '42' })
    expect(ctx.apiUrl).toBe('https://ghe.example.com/api/v3')
    expect(ctx.payload?.pull_request?.head?.sha).toBe(PR_HEAD)
    expect(ctx.runNumber).toBe('42')
    expect(readRunContext({}).apiUrl).toBe('https://api.github.com')
  })
})
