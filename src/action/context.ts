import { existsSync } from 'node:fs'
// the Context class alone: @actions/github's index would bring Octokit (and its HTTP stack) into every start
import { Context } from '@actions/github/lib/context'

/**
 * What the workflow run tells us about the build, read through @actions/github's Context (GITHUB_* variables and the
 * event payload at GITHUB_EVENT_PATH), with the rules this project adds on top (the pull request head SHA).
 */
export interface RunContext {
  /** True inside a GitHub Actions job (GITHUB_ACTIONS=true). */
  actions: boolean
  eventName?: string
  /** GITHUB_SHA: on pull_request events this is the merge commit, not the commit the author pushed. */
  sha?: string
  /** Head commit of the pull request for pull_request / pull_request_target events. */
  pullRequestHeadSha?: string
  ref?: string
  /** GITHUB_HEAD_REF: the pull request's source branch (pull_request events only). */
  headRef?: string
  runNumber?: string
  runAttempt?: string
  runId?: string
  repository?: string
  serverUrl: string
  workspace?: string
  /** Directory for temporary files that the runner cleans up (RUNNER_TEMP). */
  tempDir?: string
  /** The REST API base URL (GITHUB_API_URL, github.com's by default). */
  apiUrl?: string
  /** The event payload (empty when there is none, or it cannot be read). */
  payload?: Context['payload']
}

/** A git commit SHA (SHA-1, or SHA-256 for repositories in that object format). */
export const COMMIT_SHA = /^[0-9a-f]{40,64}$/

function nonEmpty(value: string | number | undefined): string | undefined {
  const v = typeof value === 'number' ? (Number.isNaN(value) ? undefined : String(value)) : value?.trim()
  return v ? v : undefined
}

/**
 * @actions/github's Context for `env`. Context reads process.env, so another environment (tests, a step-private
 * one) is swapped in for the synchronous constructor only. An event file that is missing or is not JSON reads as an
 * empty payload, as the runner would never write one: the pull request rule below then reports it.
 */
function githubContext(env: NodeJS.ProcessEnv): Context {
  const path = env.GITHUB_EVENT_PATH
  const usable = path && existsSync(path) ? env : { ...env, GITHUB_EVENT_PATH: '' }
  const saved = process.env
  process.env = usable
  try {
    return new Context()
  } catch {
    process.env = { ...usable, GITHUB_EVENT_PATH: '' }
    return new Context()
  } finally {
    process.env = saved
  }
}

function pullRequestHead(payload: Context['payload']): string | undefined {
  const sha: unknown = payload.pull_request?.head?.sha
  return typeof sha === 'string' && COMMIT_SHA.test(sha) ? sha : undefined
}

export function isPullRequestEvent(eventName: string | undefined): boolean {
  return eventName === 'pull_request' || eventName === 'pull_request_target'
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const gh = githubContext(env)
  const eventName = nonEmpty(gh.eventName)
  const pullRequestHeadSha = isPullRequestEvent(eventName) ? pullRequestHead(gh.payload) : undefined
  return {
    actions: env.GITHUB_ACTIONS === 'true',
    eventName,
    sha: nonEmpty(gh.sha),
    pullRequestHeadSha,
    ref: nonEmpty(gh.ref),
    headRef: nonEmpty(env.GITHUB_HEAD_REF),
    runNumber: nonEmpty(gh.runNumber),
    runAttempt: nonEmpty(gh.runAttempt),
    runId: nonEmpty(gh.runId),
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    serverUrl: (nonEmpty(gh.serverUrl) ?? 'https://github.com').replace(/\/+$/, ''),
    workspace: nonEmpty(env.GITHUB_WORKSPACE),
    tempDir: nonEmpty(env.RUNNER_TEMP),
    apiUrl: gh.apiUrl,
    payload: gh.payload
  }
}

/** Link to a commit page, when the repository is known. */
export function commitUrl(ctx: RunContext, sha: string): string | undefined {
  return ctx.repository ? `${ctx.serverUrl}/${ctx.repository}/commit/${sha}` : undefined
}

/** The git tag name when the run is for a tag ref (`refs/tags/v1.2.3` → `v1.2.3`). */
export function refTag(ctx: RunContext): string | undefined {
  return ctx.ref?.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) || undefined : undefined
}

/** The branch being built: the source branch for pull requests, else the `refs/heads/` ref; undefined on tag refs. */
export function refBranch(ctx: RunContext): string | undefined {
  if (isPullRequestEvent(ctx.eventName) && ctx.headRef) return ctx.headRef
  return ctx.ref?.startsWith('refs/heads/') ? ctx.ref.slice('refs/heads/'.length) || undefined : undefined
}

/** Link to the workflow run page, when known. */
export function runUrl(ctx: RunContext): string | undefined {
  return ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : undefined
}

/** Link to one attempt of the workflow run, when known. */
export function runAttemptUrl(ctx: RunContext): string | undefined {
  const run = runUrl(ctx)
  return run && ctx.runAttempt ? `${run}/attempts/${ctx.runAttempt}` : undefined
}

export function repositoryUrl(ctx: RunContext): string | undefined {
  return ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : undefined
}
