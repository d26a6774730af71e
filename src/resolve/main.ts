import * as core from '@actions/core'
import { commitUrl, readRunContext, runUrl } from '../action/context'
import { InputError } from '../action/errors'
import { envInputReader, type InputReader } from '../action/inputs'
import { sections } from '../action/markdown'
import { runAction, type ActionResult } from '../action/run'
import { dockerRegistries } from '../docker/registries'
import { readGitHubInputs, type GitHubInputs } from '../github/inputs'
import { loadGitHub } from '../github/load'
import type { GitHubApiFactory, GitHubOutcome } from '../github/publish'
import type { PinReport } from '../github/report'
import type { PinnedFile } from '../pin/files'
import { resolvedRule, tagKey } from '../pin/rules'
import type { PinOutcome } from '../pin/step'
import type { OpenRegistries } from '../registry'
import { readResolveInputs } from './inputs'
import { pinnedReference, renderResolveSummary, toResolveOutputs } from './report'
import { checkOutcomes, resolveAll, type Outcome } from './resolver'

export interface ResolveDeps {
  /** Clients for every repository over one shared transport (one connection pool): the seam every action opens registries through. */
  openRegistries: OpenRegistries
  readInput: InputReader
  cwd: string
  /** The run's environment (GITHUB_* context); default process.env. */
  env?: NodeJS.ProcessEnv
  /** The GitHub API for 'pull-request' and 'comment'; default: Octokit at GITHUB_API_URL. */
  githubApi?: GitHubApiFactory
}

export function defaultResolveDeps(): ResolveDeps {
  const env = process.env
  return {
    openRegistries: async (access) => dockerRegistries(access),
    readInput: envInputReader(),
    cwd: process.cwd(),
    env
  }
}

export interface ResolveResult {
  outcomes: Outcome[]
  outputs: Record<string, string>
  summary?: string
  pinned: PinnedFile[]
}

/** inputs → parse deploy files → resolve concurrently → pin files → outputs and summary (not yet written). */
export async function resolveImages(deps: ResolveDeps): Promise<ResolveResult> {
  const inputs = readResolveInputs(deps.readInput)
  const github = readGitHubInputs(deps.readInput)
  if (github.pullRequest && inputs.files.length === 0) {
    throw new InputError('pull-request', "is true but 'files' is empty: there is nothing to put in the pull request", "list the deploy files to pin in 'files', e.g. k8s/*.yaml")
  }
  // deploy files are read and parsed before any request: a broken file fails the step early, naming the file
  const pinning = inputs.files.length > 0 ? await import('./pinning') : undefined
  const files = pinning ? await pinning.loadDeployFiles(inputs.files, deps.cwd) : []

  // one budget phase (registry-timeout) for every request of the step, from the first
  const pool = await deps.openRegistries({ env: deps.env ?? process.env, budgetMs: inputs.registryTimeoutMs })
  let outcomes: Outcome[]
  try {
    const started = Date.now()
    outcomes = await resolveAll(inputs.targets, {
      client: (name) => pool.client(name),
      concurrency: inputs.concurrency,
      listPlatforms: inputs.listPlatforms,
      ...(inputs.platform && { platform: inputs.platform })
    })
    core.info(`Resolved ${outcomes.length} reference(s) in ${Date.now() - started} ms`)
  } finally {
    await pool.close()
  }
  for (const o of outcomes) {
    if (o.status === 'resolved') core.info(`${o.target.input} → ${pinnedReference(o.target.input, o.resolution)}`)
  }
  checkOutcomes(outcomes, inputs.failOnMissing)
  for (const o of outcomes) if (o.status === 'missing') core.warning(`${o.target.input} was not found and is skipped: ${o.message}`)

  const outputs: Record<string, string> = { ...toResolveOutputs(outcomes) }
  const pins = pinning && files.length > 0 ? await pinning.pinFiles(files, resolvedRule(resolvedTags(outcomes)), inputs.write) : undefined
  if (pins) outputs['changed-files'] = pins.changedFiles
  const published = github.pullRequest || github.comment ? await publish(deps, github, outcomes, pins) : undefined
  if (published) Object.assign(outputs, published.outputs)
  return {
    outcomes,
    outputs,
    pinned: pins?.pinned ?? [],
    ...(inputs.summary && { summary: sections(renderResolveSummary(outcomes, inputs.platform), pins?.summary, published?.summary) })
  }
}

/** The report goes to GitHub: a pull request with the pinned files, the sticky comment. */
async function publish(deps: ResolveDeps, github: GitHubInputs, outcomes: readonly Outcome[], pins: PinOutcome | undefined): Promise<GitHubOutcome> {
  const ctx = readRunContext(deps.env ?? process.env)
  const references = outcomes.flatMap((o) => (o.status === 'resolved' ? [{ reference: pinnedReference(o.target.input, o.resolution), digest: o.resolution.digest }] : []))
  const only = references.length === 1 ? outcomes.find((o) => o.status === 'resolved') : undefined
  const url = runUrl(ctx)
  const report: PinReport = {
    subject: only ? only.target.input : `${references.length} images`,
    key: 'resolve',
    branch: 'pin/images',
    references,
    ...(ctx.sha && { commit: { sha: ctx.sha, ...(commitUrl(ctx, ctx.sha) && { url: commitUrl(ctx, ctx.sha) }) } }),
    run: { ...(ctx.runNumber && { number: ctx.runNumber }), ...(ctx.runAttempt && { attempt: ctx.runAttempt }), ...(url && { url }) },
    ...(pins && { pins: { files: pins.files, rule: pins.rule } })
  }
  return (await loadGitHub()).publishToGitHub(github, report, ctx, deps.githubApi)
}

/** `registry/repository:tag` → digest for every resolved reference that names a tag. */
function resolvedTags(outcomes: readonly Outcome[]): Map<string, string> {
  const digests = new Map<string, string>()
  for (const o of outcomes) {
    // a digest-only input names no tag; `x:tag@sha256:…` says what x:tag should be pinned to
    const hasTag = o.target.ref.tag !== undefined || o.target.ref.digest === undefined
    if (o.status === 'resolved' && hasTag) digests.set(tagKey(o.target.ref), o.resolution.digest)
  }
  return digests
}

export function runResolve(deps: ResolveDeps = defaultResolveDeps()): Promise<void> {
  return runAction(async (): Promise<ActionResult> => {
    const result = await resolveImages(deps)
    return { outputs: result.outputs, ...(result.summary && { summary: result.summary }) }
  })
}
