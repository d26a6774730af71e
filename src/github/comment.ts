import * as core from '@actions/core'
import type { GitHubApi, RepoId } from './api'
import { commentBody, commentMarker } from './body'
import { explainApiError } from './errors'
import type { PinReport } from './report'

export type CommentOperation = 'created' | 'updated' | 'none'

export interface CommentOutcome {
  operation: CommentOperation
  url?: string
  /** Why there is no comment (not a pull request event). */
  reason?: string
}

export interface CommentContext {
  api: GitHubApi
  repo: RepoId
  report: PinReport
  /** The pull request of a pull_request event; undefined on other events. */
  pullNumber?: number
  fork?: string
}

/**
 * One sticky comment per pull request and per image (or resolve step): found again by its hidden marker and edited
 * in place, so re-runs and new pushes to the pull request never stack up comments. Unchanged text → no write.
 */
export async function publishComment(c: CommentContext): Promise<CommentOutcome> {
  if (c.pullNumber === undefined) {
    const reason = "'comment' applies to pull_request events only: this run has no pull request to comment on"
    core.notice(reason, { title: 'No pull request comment' })
    return { operation: 'none', reason }
  }
  const marker = commentMarker(c.report.key)
  const body = commentBody(c.report)
  let doing = `read the comments of pull request #${c.pullNumber}`
  try {
    const mine = (await c.api.comments(c.repo, c.pullNumber)).filter((m) => m.body.startsWith(marker))
    // the newest one is kept up to date; should a race ever have left two, the older ones are left alone
    const current = mine[mine.length - 1]
    if (current && current.body === body) return { operation: 'none', url: current.url, reason: 'the comment already says this' }
    doing = current ? `update the comment on pull request #${c.pullNumber}` : `comment on pull request #${c.pullNumber}`
    const written = current ? await c.api.updateComment(c.repo, current.id, body) : await c.api.createComment(c.repo, c.pullNumber, body)
    core.info(`Comment ${current ? 'updated' : 'created'}: ${written.url}`)
    return { operation: current ? 'updated' : 'created', url: written.url }
  } catch (e) {
    throw explainApiError(e, doing, { needs: 'permissions:\n  pull-requests: write', ...(c.fork && { fork: c.fork }) })
  }
}
