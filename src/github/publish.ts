/**
 * The GitHub room's entry, loaded on first use (load.ts) only when 'pull-request' or 'comment' is on: it is what
 * brings Octokit into the process, so a run without them never loads it.
 */
import { ActionError } from '../action/errors'
import { isPullRequestEvent, type RunContext } from '../action/context'
import { code, link } from '../action/markdown'
import type { GitHubApi, RepoId } from './api'
import { publishComment, type CommentOutcome } from './comment'
import { forkOf } from './errors'
import type { GitHubInputs } from './inputs'
import { octokitApi } from './octokit'
import { publishPullRequest, type PullRequestOutcome } from './pull-request'
import type { PinReport } from './report'

export interface GitHubOutcome {
  outputs: Record<string, string>
  /** A section for the job summary. */
  summary: string
  pullRequest?: PullRequestOutcome
  comment?: CommentOutcome
}

export type GitHubApiFactory = (token: string, apiUrl: string | undefined) => GitHubApi

function repoOf(ctx: RunContext): RepoId {
  const [owner, repo, ...rest] = (ctx.repository ?? '').split('/')
  if (!owner || !repo || rest.length > 0) {
    throw new ActionError("'pull-request' and 'comment' need GITHUB_REPOSITORY (owner/name)", 'run the step in a GitHub Actions job, where the runner sets it')
  }
  return { owner, repo }
}

function pullNumber(ctx: RunContext): number | undefined {
  if (!isPullRequestEvent(ctx.eventName)) return undefined
  const n: unknown = ctx.payload?.pull_request?.number
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined
}

function defaultBranchOf(ctx: RunContext): string | undefined {
  const b: unknown = ctx.payload?.repository?.default_branch
  return typeof b === 'string' && b !== '' ? b : undefined
}

/** report → pull request with the pinned files, and/or the sticky comment; their outputs and summary section. */
export async function publishToGitHub(inputs: GitHubInputs, report: PinReport, ctx: RunContext, factory: GitHubApiFactory = octokitApi): Promise<GitHubOutcome> {
  const repo = repoOf(ctx)
  const api = factory(inputs.token, ctx.apiUrl)
  const fork = forkOf(ctx.payload)
  const outputs: Record<string, string> = {}
  const summary: string[] = []
  let pullRequest: PullRequestOutcome | undefined
  let comment: CommentOutcome | undefined
  if (inputs.pullRequest) {
    const payloadDefaultBranch = defaultBranchOf(ctx)
    pullRequest = await publishPullRequest({ api, repo, inputs, report, ...(payloadDefaultBranch && { payloadDefaultBranch }), ...(fork && { fork }) })
    outputs['pull-request-operation'] = pullRequest.operation
    outputs['pull-request-url'] = pullRequest.pull?.url ?? ''
    outputs['pull-request-number'] = pullRequest.pull ? String(pullRequest.pull.number) : ''
    summary.push(pullRequestLine(pullRequest))
  }
  if (inputs.comment) {
    const n = pullNumber(ctx)
    comment = await publishComment({ api, repo, report, ...(n !== undefined && { pullNumber: n }), ...(fork && { fork }) })
    if (comment.url) outputs['comment-url'] = comment.url
    summary.push(`- Comment: ${comment.url ? link(comment.operation === 'none' ? 'unchanged' : comment.operation, comment.url) : (comment.reason ?? 'none')}`)
  }
  return {
    outputs,
    summary: `#### On GitHub\n\n${summary.join('\n')}\n`,
    ...(pullRequest && { pullRequest }),
    ...(comment && { comment })
  }
}

function pullRequestLine(p: PullRequestOutcome): string {
  const files = `${p.files.length} file${p.files.length === 1 ? '' : 's'}`
  if (p.operation === 'none') return `- Pull request: none written (${p.reason ?? 'nothing changed'})${p.pull ? `: ${link(`#${p.pull.number}`, p.pull.url)}` : ''}`
  return `- Pull request ${link(`#${p.pull?.number ?? '?'}`, p.pull?.url)} ${p.operation}: ${files} pinned on ${code(p.branch)} → ${code(p.base)}`
}
