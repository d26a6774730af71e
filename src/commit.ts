import * as exec from '@actions/exec'
import { ActionError } from './errors'
import type { RunContext } from './context'

export interface Commit {
  sha: string
  /** Where the SHA came from, shown in the summary. */
  source: 'pull request head' | 'GITHUB_SHA' | 'git HEAD'
}

/** Runs `git rev-parse HEAD` in dir; undefined when dir is not a git checkout or git is missing. */
export async function gitHead(dir: string): Promise<string | undefined> {
  try {
    const out = await exec.getExecOutput('git', ['rev-parse', 'HEAD'], { cwd: dir, silent: true, ignoreReturnCode: true })
    const sha = out.stdout.trim()
    return out.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined
  } catch {
    return undefined
  }
}

/**
 * The commit being built: the pull request's head for pull_request events (GITHUB_SHA is GitHub's merge commit
 * there), GITHUB_SHA otherwise, and outside Actions the build context's `git rev-parse HEAD`.
 */
export async function resolveCommit(
  ctx: RunContext,
  contextDir: string,
  head: (dir: string) => Promise<string | undefined> = gitHead
): Promise<Commit> {
  if (ctx.pullRequestHeadSha) return { sha: ctx.pullRequestHeadSha, source: 'pull request head' }
  if (ctx.sha) {
    if (!/^[0-9a-f]{40,64}$/.test(ctx.sha)) {
      throw new ActionError(`GITHUB_SHA '${ctx.sha}' is not a commit SHA`, 'leave GITHUB_SHA as the runner sets it')
    }
    return { sha: ctx.sha, source: 'GITHUB_SHA' }
  }
  const sha = await head(contextDir)
  if (!sha) {
    throw new ActionError(
      `cannot tell which commit is being built: GITHUB_SHA is not set and ${contextDir} is not a git checkout`,
      'run the action in a GitHub Actions job after actions/checkout, or build from inside a git repository'
    )
  }
  return { sha, source: 'git HEAD' }
}
