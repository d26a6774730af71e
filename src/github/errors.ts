import { ActionError } from '../action/errors'
import { GitHubApiError } from './api'

export const PERMISSIONS_BLOCK = 'permissions:\n  contents: write\n  pull-requests: write'

/**
 * A failed GitHub API call as the user can act on it. 403 and 404 are what GitHub answers when the token lacks a
 * permission (it hides what a token may not see), so both name the `permissions:` the job needs; on pull_request
 * events from forks no `permissions:` block helps, since GitHub makes GITHUB_TOKEN read-only there.
 */
export function explainApiError(e: unknown, doing: string, opts: { fork?: string; needs: string } = { needs: PERMISSIONS_BLOCK }): unknown {
  if (!(e instanceof GitHubApiError)) return e
  const answered = `GitHub answered ${e.status} ${e.message} to ${e.request}`
  if (e.status === 401) {
    return new ActionError(`Could not ${doing}: ${answered}: the token was not accepted.`, "pass a valid token in 'token' (the default, ${{ github.token }}, is valid for the job's repository)", { cause: e })
  }
  if (e.status === 403 || e.status === 404) {
    const wanted = e.acceptedPermissions ? ` (it asks for ${e.acceptedPermissions})` : ''
    const fork = opts.fork
      ? ` This run is for a pull request from the fork ${opts.fork}: there GITHUB_TOKEN is read-only whatever the workflow's permissions say.`
      : ' On pull_request events from forks GITHUB_TOKEN is read-only whatever the workflow\'s permissions say.'
    return new ActionError(
      `Could not ${doing}: ${answered}${wanted}. The job's token needs these permissions:\n${opts.needs}\n${fork.trim()}`,
      `add the permissions block above to the job (or the workflow), or pass a token that has them in 'token'; for forks, run this step on push or workflow_run instead of pull_request`,
      { cause: e }
    )
  }
  return new ActionError(`Could not ${doing}: ${answered}.`, undefined, { cause: e })
}

/** The fork a pull_request event comes from (`owner/repo`), when its head is not the base repository. */
export function forkOf(payload: Record<string, unknown> | undefined): string | undefined {
  const pr = payload?.pull_request as { head?: { repo?: { full_name?: unknown } }; base?: { repo?: { full_name?: unknown } } } | undefined
  const head = pr?.head?.repo?.full_name
  const base = pr?.base?.repo?.full_name
  return typeof head === 'string' && typeof base === 'string' && head !== base ? head : undefined
}
