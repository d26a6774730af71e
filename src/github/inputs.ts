import * as core from '@actions/core'
import { InputError } from '../action/errors'
import { parseBoolean, parseList, type InputReader } from '../action/inputs'
import { branchProblem } from './branch'

/** The GitHub inputs both actions take: a pull request with the pinned files, and a sticky PR comment. */
export interface GitHubInputs {
  pullRequest: boolean
  comment: boolean
  /** Empty when neither is on. */
  token: string
  /** undefined: `pin/<image or "images">`. */
  prBranch?: string
  /** undefined: the repository's default branch. */
  prBase?: string
  /** undefined: a title naming what was pinned. */
  prTitle?: string
  prLabels: string[]
}

function branchInput(read: InputReader, name: string): string | undefined {
  const value = read(name)
  if (value === '') return undefined
  const problem = branchProblem(value)
  if (problem) throw new InputError(name, `'${value}' is not a branch name: it ${problem}`, 'use letters, digits and - _ . /, e.g. pin/app')
  return value
}

/** Read and checked at the start, so a bad value fails before anything is built, pushed or resolved. */
export function readGitHubInputs(read: InputReader): GitHubInputs {
  const pullRequest = parseBoolean('pull-request', read('pull-request'), false)
  const comment = parseBoolean('comment', read('comment'), false)
  const inputs: GitHubInputs = {
    pullRequest,
    comment,
    token: '',
    prLabels: parseList(read('pr-labels'))
  }
  const prBranch = branchInput(read, 'pr-branch')
  const prBase = branchInput(read, 'pr-base')
  const prTitle = read('pr-title')
  if (prBranch) inputs.prBranch = prBranch
  if (prBase) inputs.prBase = prBase
  if (prTitle) inputs.prTitle = prTitle
  if (prBranch && prBase && prBranch === prBase) {
    throw new InputError('pr-branch', `is the same branch as 'pr-base' (${prBase})`, 'the pinned files go to a branch of their own, e.g. pin/app')
  }
  if (!pullRequest && !comment) return inputs
  const token = read('token')
  if (token === '') {
    const uses = [pullRequest && "'pull-request'", comment && "'comment'"].filter(Boolean).join(' and ')
    throw new InputError('token', `is empty, and ${uses} need${pullRequest && comment ? '' : 's'} it to call the GitHub API`, 'leave it out (the default is ${{ github.token }}) or pass a token with contents: write and pull-requests: write')
  }
  core.setSecret(token)
  return { ...inputs, token }
}
