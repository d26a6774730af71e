import * as core from '@actions/core'
import { envInputReader, type InputReader } from '../action/inputs'
import { sections } from '../action/markdown'
import { runAction, type ActionResult } from '../action/run'
import { dockerKeychain } from '../docker/config'
import { loadDeployFiles, type PinnedFile } from '../pin/files'
import { resolvedRule, tagKey } from '../pin/rules'
import { pinFiles } from '../pin/step'
import { createRegistryFactory, RegistryBudget } from '../registry'
import type { RegistryClient } from '../registry/client'
import type { ImageName } from '../registry/reference'
import { readResolveInputs } from './inputs'
import { pinnedReference, renderResolveSummary, toResolveOutputs } from './report'
import { checkOutcomes, resolveAll, type Outcome } from './resolver'

export interface ResolveDeps {
  /** Clients for every repository over one shared transport (one connection pool), under a budget of `budgetMs`. */
  openRegistries: (budgetMs?: number) => { client(name: ImageName): RegistryClient; close(): Promise<void> }
  readInput: InputReader
  cwd: string
}

export function defaultResolveDeps(): ResolveDeps {
  const env = process.env
  return {
    openRegistries: (budgetMs) => createRegistryFactory({ env, credentials: dockerKeychain(env), budget: new RegistryBudget(budgetMs) }),
    readInput: envInputReader(),
    cwd: process.cwd()
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
  // deploy files are read and parsed before any request: a broken file fails the step early, naming the file
  const files = await loadDeployFiles(inputs.files, deps.cwd)

  // one budget phase (registry-timeout) for every request of the step, from the first
  const pool = deps.openRegistries(inputs.registryTimeoutMs)
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
  const pins = files.length > 0 ? await pinFiles(files, resolvedRule(resolvedTags(outcomes)), inputs.write) : undefined
  if (pins) outputs['changed-files'] = pins.changedFiles
  return {
    outcomes,
    outputs,
    pinned: pins?.pinned ?? [],
    ...(inputs.summary && { summary: sections(renderResolveSummary(outcomes, inputs.platform), pins?.summary) })
  }
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
