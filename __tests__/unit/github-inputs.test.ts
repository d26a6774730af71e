import { describe, expect, it } from '@jest/globals'
import { branchProblem, pinBranchFor } from '../../src/github/branch'
import { readGitHubInputs } from '../../src/github/inputs'
import { captureStdout, maskedValues } from '../helpers/capture'

const reader = (inputs: Record<string, string>) => (n: string) => inputs[n] ?? ''

describe('readGitHubInputs', () => {
  it('defaults: off, no token needed', () => {
    expect(readGitHubInputs(reader({ token: 'ghs_x' }))).toEqual({ pullRequest: false, comment: false, token: '', prLabels: [] })
  })

  it('pull-request with a token: masked; labels, branch, base and title read', async () => {
    const { result, out } = await captureStdout(async () =>
      readGitHubInputs(reader({ 'pull-request': 'true', token: 'ghs_secret', 'pr-labels': 'deploy, pins', 'pr-branch': 'pin/app', 'pr-base': 'release', 'pr-title': 'T' }))
    )
    expect(result).toEqual({ pullRequest: true, comment: false, token: 'ghs_secret', prLabels: ['deploy', 'pins'], prBranch: 'pin/app', prBase: 'release', prTitle: 'T' })
    expect(maskedValues(out)).toEqual(['ghs_secret'])
  })

  it('an empty token with pull-request or comment names the input', () => {
    expect(() => readGitHubInputs(reader({ comment: 'true' }))).toThrow("Input 'token': is empty, and 'comment' needs it")
    expect(() => readGitHubInputs(reader({ 'pull-request': 'true', comment: 'true' }))).toThrow("'pull-request' and 'comment' need it")
  })

  it('bad booleans and branch names name the input', () => {
    expect(() => readGitHubInputs(reader({ 'pull-request': 'yes' }))).toThrow("Input 'pull-request': 'yes' is not a boolean")
    expect(() => readGitHubInputs(reader({ 'pr-branch': 'pin..x' }))).toThrow("Input 'pr-branch': 'pin..x' is not a branch name: it contains '..'")
    expect(() => readGitHubInputs(reader({ 'pr-base': 'a b' }))).toThrow("Input 'pr-base'")
    expect(() => readGitHubInputs(reader({ 'pr-branch': 'main', 'pr-base': 'main' }))).toThrow("Input 'pr-branch': is the same branch as 'pr-base'")
  })
})

describe('branch names', () => {
  it('pin/<image>, safe for git, flat so nested image names never collide as refs', () => {
    expect(pinBranchFor('ghcr.io/acme/app')).toBe('pin/ghcr.io-acme-app')
    expect(pinBranchFor('127.0.0.1:5000/demo')).toBe('pin/127.0.0.1-5000-demo')
    expect(pinBranchFor('..weird..name.lock')).toBe('pin/weird.name-lock')
    expect(pinBranchFor('')).toBe('pin/images')
    for (const b of ['pin/ghcr.io-acme-app', 'pin/127.0.0.1-5000-demo', 'pin/weird.name-lock']) expect(branchProblem(b)).toBeUndefined()
  })

  it('branchProblem follows git check-ref-format', () => {
    for (const bad of ['', '@', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', 'a..b', 'a@{1}', '/a', 'a/', 'a//b', 'a.', 'a/.b', 'a.lock', '-a', 'a\tb']) {
      expect(branchProblem(bad)).toBeDefined()
    }
    for (const good of ['main', 'pin/app', 'release/1.2', 'a-b_c.d', 'a@b']) expect(branchProblem(good)).toBeUndefined()
  })
})
