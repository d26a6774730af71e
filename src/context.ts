import { readFileSync } from 'node:fs'

/**
 * What the workflow run tells us about the build, read from the runner's environment
 * (GITHUB_* variables and the event payload at GITHUB_EVENT_PATH).
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
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim()
  return v ? v : undefined
}

function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
}

function pullRequestHead(payload: Record<string, unknown>): string | undefined {
  const pr = payload.pull_request as { head?: { sha?: unknown } } | undefined
  const sha = pr?.head?.sha
  return typeof sha === 'string' && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined
}

export function isPullRequestEvent(eventName: string | undefined): boolean {
  return eventName === 'pull_request' || eventName === 'pull_request_target'
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const eventName = nonEmpty(env.GITHUB_EVENT_NAME)
  const pullRequestHeadSha = isPullRequestEvent(eventName) ? pullRequestHead(readPayload(env.GITHUB_EVENT_PATH)) : undefined
  return {
    actions: env.GITHUB_ACTIONS === 'true',
    eventName,
    sha: nonEmpty(env.GITHUB_SHA),
    pullRequestHeadSha,
    ref: nonEmpty(env.GITHUB_REF),
    headRef: nonEmpty(env.GITHUB_HEAD_REF),
    runNumber: nonEmpty(env.GITHUB_RUN_NUMBER),
    runAttempt: nonEmpty(env.GITHUB_RUN_ATTEMPT),
    runId: nonEmpty(env.GITHUB_RUN_ID),
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
    workspace: nonEmpty(env.GITHUB_WORKSPACE),
    tempDir: nonEmpty(env.RUNNER_TEMP)
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
