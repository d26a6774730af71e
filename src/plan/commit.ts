import { isPullRequestEvent, COMMIT_SHA as SHA, type RunContext } from '../action/context'
import { ActionError } from '../action/errors'

export interface Commit {
  sha: string
  /** Where the SHA came from, shown in the summary. */
  source: 'pull request head' | 'GITHUB_SHA' | 'git HEAD'
  /**
   * The commit's committer timestamp in UTC (`2024-01-01T12:00:00Z`), read from git in the build context.
   * Undefined when the commit is not in the checkout (shallow clone, pull request head not fetched) or there is no git.
   */
  time?: string
}

// loaded on first use: merge and resolve usually know the commit from GITHUB_SHA and then start no process at all
const loadExec = (): Promise<typeof import('@actions/exec')> => import('@actions/exec')

/** Runs `git rev-parse HEAD` in dir; undefined when dir is not a git checkout or git is missing. */
export async function gitHead(dir: string): Promise<string | undefined> {
  try {
    const exec = await loadExec()
    const out = await exec.getExecOutput('git', ['rev-parse', 'HEAD'], { cwd: dir, silent: true, ignoreReturnCode: true })
    const sha = out.stdout.trim()
    return out.exitCode === 0 && SHA.test(sha) ? sha : undefined
  } catch {
    return undefined
  }
}

/**
 * The committer timestamp of `sha` as git in `dir` knows it (`git show -s --format=%cI <sha>`), normalised to UTC
 * without fractions (`2024-01-01T12:00:00Z`). Undefined when the commit is not in the checkout or git is missing:
 * the caller omits the label rather than falling back to the wall clock.
 */
export async function gitCommitTime(dir: string, sha: string): Promise<string | undefined> {
  if (!SHA.test(sha)) return undefined
  try {
    const exec = await loadExec()
    const out = await exec.getExecOutput('git', ['show', '-s', '--format=%cI', sha], {
      cwd: dir,
      silent: true,
      ignoreReturnCode: true
    })
    return out.exitCode === 0 ? toUtcTimestamp(out.stdout.trim()) : undefined
  } catch {
    return undefined
  }
}

/** `2024-01-01T13:00:00+01:00` → `2024-01-01T12:00:00Z`; undefined for anything that is not an ISO 8601 date-time. */
export function toUtcTimestamp(iso: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return undefined
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export interface GitReader {
  head: (dir: string) => Promise<string | undefined>
  commitTime: (dir: string, sha: string) => Promise<string | undefined>
}

/**
 * The commit being built: the pull request's head for pull_request events (GITHUB_SHA is GitHub's merge commit
 * there), GITHUB_SHA otherwise, and outside Actions the build context's `git rev-parse HEAD`. Also looks up the
 * commit's timestamp in the build context (for `org.opencontainers.image.created`).
 */
export async function resolveCommit(ctx: RunContext, contextDir: string, git: Partial<GitReader> = {}): Promise<Commit> {
  const head = git.head ?? gitHead
  const commitTime = git.commitTime ?? gitCommitTime
  const found = await whichCommit(ctx, contextDir, head)
  const time = await commitTime(contextDir, found.sha)
  return { ...found, ...(time && { time }) }
}

async function whichCommit(
  ctx: RunContext,
  contextDir: string,
  head: GitReader['head']
): Promise<Omit<Commit, 'time'>> {
  if (ctx.pullRequestHeadSha) return { sha: ctx.pullRequestHeadSha, source: 'pull request head' }
  if (isPullRequestEvent(ctx.eventName) && ctx.actions) {
    // GITHUB_SHA is GitHub's merge commit here: labelling with it is exactly the mistake this action exists to avoid
    throw new ActionError(
      `this is a ${ctx.eventName} event but the event payload (GITHUB_EVENT_PATH) has no pull_request.head.sha, so the commit being built is unknown`,
      'leave GITHUB_EVENT_PATH as the runner sets it; GITHUB_SHA is the merge commit on pull request events and is not used as the commit label'
    )
  }
  if (ctx.sha) {
    if (!SHA.test(ctx.sha)) {
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
