/** The build's GitHub side: 'pull-request' and 'comment' checked before the build, and the report published after it. */
import * as core from '@actions/core'
import { readRunContext } from '../action/context'
import { InputError } from '../action/errors'
import type { InputReader } from '../action/inputs'
import { pinBranchFor } from '../github/branch'
import { readGitHubInputs, type GitHubInputs } from '../github/inputs'
import { loadGitHub } from '../github/load'
import type { PinReport } from '../github/report'
import type { PinOutcome } from '../pin/step'
import type { BuildResult, Deps, Prepared } from './deps'
import type { Report } from './report'
import { labelLink } from './summary'

/** 'pull-request' and 'comment', checked before the build: they publish a pushed digest, the first one needs 'files'. */
export function gitHubInputs(read: InputReader, hasFiles: boolean, push: boolean): GitHubInputs | undefined {
  const github = readGitHubInputs(read)
  if (!github.pullRequest && !github.comment) return undefined
  if (github.pullRequest && !hasFiles) {
    throw new InputError('pull-request', "is true but 'files' is empty: there is nothing to put in the pull request", "list the deploy files to pin in 'files', e.g. k8s/*.yaml")
  }
  if (!push) {
    core.warning("'pull-request' and 'comment' are ignored with 'push: false': there is no pushed digest to publish")
    return undefined
  }
  return github
}

/** What the pull request and the comment show: the report (read back from the registry) and the pinned files. */
export function pinReport(r: Report, pins: PinOutcome | undefined): PinReport {
  return {
    subject: r.image,
    key: `image ${r.image}`,
    branch: pinBranchFor(r.image),
    references: r.pinned && r.digest ? [{ reference: r.pinned, digest: r.digest }] : [],
    labels: Object.keys(r.labels)
      .sort()
      .map((name) => {
        const value = r.labels[name] as string
        const url = labelLink(r, name, value)
        return { name, value, ...(url && { url }) }
      }),
    commit: { sha: r.commit.sha, ...(r.commitUrl && { url: r.commitUrl }) },
    run: { ...(r.runNumber && { number: r.runNumber }), ...(r.runAttempt && { attempt: r.runAttempt }), ...(r.runUrl && { url: r.runUrl }) },
    ...(pins && { pins: { files: pins.files, rule: pins.rule } })
  }
}

/** Step 5: the report goes to GitHub: a pull request with the pinned files, the sticky comment. */
export async function publish(deps: Deps, p: Prepared, result: BuildResult): Promise<BuildResult> {
  if (!p.github || !result.report.pinned) return result
  const gh = await loadGitHub()
  const ctx = readRunContext(deps.env)
  const github = await gh.publishToGitHub(p.github, pinReport(result.report, result.pins), ctx, deps.githubApi)
  return { ...result, github }
}

