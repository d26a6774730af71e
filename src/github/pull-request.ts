import * as core from '@actions/core'
import { ActionError } from '../action/errors'
import { pinText } from '../pin/files'
import type { GitHubApi, PullRequest, RepoId, TreeEntry } from './api'
import { commitMessage, pullRequestBody, pullRequestTitle, type ChangedFile } from './body'
import { explainApiError } from './errors'
import type { GitHubInputs } from './inputs'
import type { PinReport } from './report'

export type PullRequestOperation = 'created' | 'updated' | 'none'

export interface PullRequestOutcome {
  operation: PullRequestOperation
  branch: string
  base: string
  files: ChangedFile[]
  pull?: { number: number; url: string }
  /** Why nothing was written (operation `none`). */
  reason?: string
}

export interface PullRequestContext {
  api: GitHubApi
  repo: RepoId
  inputs: GitHubInputs
  report: PinReport
  /** The default branch named by the event payload, when it names one (saves a request). */
  payloadDefaultBranch?: string
  /** The fork a pull_request event comes from: its token is read-only, and the error says so. */
  fork?: string
}

interface BaseFile extends ChangedFile {
  mode: string
  text: string
}

const EXECUTABLE_OR_FILE = new Set(['100644', '100755'])

/**
 * The base branch's version of every deploy file, pinned by the same rule as the files on disk. The workspace may be
 * another commit than the base's head (a tag, a pull request, a base that moved on): committing the workspace's
 * files would undo what landed on the base meanwhile; re-pinning the base's own text changes only the references.
 */
async function pinBaseFiles(api: GitHubApi, repo: RepoId, head: { sha: string; tree: string }, report: PinReport, base: string): Promise<BaseFile[]> {
  const pins = report.pins
  if (!pins) throw new ActionError("'pull-request' has no deploy files to put in the pull request", "list them in 'files'")
  const { entries, truncated } = await api.tree(repo, head.tree)
  const byPath = new Map(entries.map((e) => [e.path, e]))
  const out: BaseFile[] = []
  for (const path of pins.files) {
    let entry: Pick<TreeEntry, 'mode' | 'sha'> | undefined = byPath.get(path)
    let content: Buffer | undefined
    if (!entry && truncated) {
      // a tree too large to list in one answer: ask for the file itself
      const file = await api.fileAt(repo, path, head.sha)
      if (file) {
        entry = { mode: '100644', sha: file.sha }
        content = file.content
      }
    }
    if (!entry || !EXECUTABLE_OR_FILE.has(entry.mode)) {
      core.warning(`${path} is not a file on ${base}: it is left out of the pull request`)
      continue
    }
    const text = (content ?? (await api.blob(repo, entry.sha))).toString('utf8')
    const pinned = pinText(path, text, pins.rule)
    if (pinned.changes.length > 0 && pinned.text !== text) out.push({ path, mode: entry.mode, text: pinned.text, changes: pinned.changes })
  }
  return out
}

/**
 * Opens or updates the one pull request that carries the pinned deploy files: blobs → a tree on top of the base's
 * head → a commit → the branch (created, or force-moved: it only ever holds this action's commit) → the pull request.
 * Nothing to change on the base → no write at all. A branch this run created is deleted again when the pull request
 * cannot be opened; an existing one is reused by the next run.
 */
export async function publishPullRequest(c: PullRequestContext): Promise<PullRequestOutcome> {
  const { api, repo, inputs, report } = c
  const branch = inputs.prBranch ?? report.branch
  let doing = 'read the repository'
  let createdRef = false
  try {
    const base = inputs.prBase ?? c.payloadDefaultBranch ?? (await api.defaultBranch(repo))
    if (base === branch) {
      throw new ActionError(`The pull request branch ${branch} is the base branch`, "set 'pr-branch' to a branch of its own, e.g. pin/app")
    }
    doing = `read the base branch ${base}`
    const head = await api.branch(repo, base)
    if (!head) {
      throw new ActionError(
        `The base branch ${base} does not exist in ${repo.owner}/${repo.repo}`,
        inputs.prBase ? "set 'pr-base' to an existing branch" : "check the repository's default branch, or set 'pr-base'"
      )
    }
    const files = await pinBaseFiles(api, repo, head, report, base)
    if (files.length === 0) {
      const reason = `the deploy files on ${base} already pin ${report.references.length === 1 ? 'this digest' : 'these digests'}`
      core.info(`No pull request: ${reason}`)
      return { operation: 'none', branch, base, files, reason }
    }

    doing = `look for an open pull request from ${branch}`
    const [open, existing] = await Promise.all([api.openPulls(repo, branch, base), api.branch(repo, branch)])
    const pull: PullRequest | undefined = open[0]

    doing = `write the pinned files to ${branch}`
    const blobs = await Promise.all(files.map((f) => api.createBlob(repo, Buffer.from(f.text, 'utf8'))))
    const tree = await api.createTree(
      repo,
      head.tree,
      files.map((f, i) => ({ path: f.path, mode: f.mode, type: 'blob', sha: blobs[i] as string }))
    )
    const title = inputs.prTitle ?? pullRequestTitle(report)
    const body = pullRequestBody(report, files)
    const upToDate = existing !== undefined && existing.tree === tree && existing.parents.length === 1 && existing.parents[0] === head.sha
    if (upToDate && pull && pull.body === body) {
      const reason = `#${pull.number} already holds these files on top of ${base}`
      core.info(`Pull request ${pull.url}: nothing new (${reason})`)
      return { operation: 'none', branch, base, files, pull: { number: pull.number, url: pull.url }, reason }
    }
    if (!upToDate) {
      const commit = await api.createCommit(repo, commitMessage(report, files), tree, [head.sha])
      if (existing) {
        await api.forceRef(repo, `heads/${branch}`, commit)
      } else {
        await api.createRef(repo, `heads/${branch}`, commit)
        createdRef = true
      }
      core.info(`Committed ${files.length} pinned file(s) to ${branch}: ${commit}`)
    }

    doing = pull ? `update pull request #${pull.number}` : `open a pull request from ${branch} into ${base}`
    const result = pull ? await api.updatePull(repo, pull.number, { title, body }) : await api.createPull(repo, { head: branch, base, title, body })
    createdRef = false
    if (inputs.prLabels.length > 0) {
      doing = `label pull request #${result.number}`
      await api.addLabels(repo, result.number, inputs.prLabels)
    }
    const operation = pull ? 'updated' : 'created'
    core.info(`Pull request ${operation}: ${result.url}`)
    return { operation, branch, base, files, pull: { number: result.number, url: result.url } }
  } catch (e) {
    if (createdRef) await deleteBranch(api, repo, branch)
    throw explainApiError(e, doing, { needs: 'permissions:\n  contents: write\n  pull-requests: write', ...(c.fork && { fork: c.fork }) })
  }
}

/** A branch without its pull request is clutter: removed again, best effort (the error that matters is the caller's). */
async function deleteBranch(api: GitHubApi, repo: RepoId, branch: string): Promise<void> {
  try {
    await api.deleteRef(repo, `heads/${branch}`)
    core.info(`Deleted ${branch} again: the pull request could not be opened`)
  } catch (e) {
    core.warning(`${branch} was created but its pull request could not be opened, and deleting it failed (${(e as Error).message}): the next run reuses it`)
  }
}
