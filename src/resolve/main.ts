import * as core from '@actions/core'
import { describeError } from '../errors'
import { envInputReader, type InputReader } from '../inputs'
import { deployNotes, loadDeployFiles, pinDeployFiles, writePinnedFiles, type PinnedFile } from '../pin/files'
import { resolvedRule, tagKey } from '../pin/rules'
import { changedFilesOutput, renderPinSummary } from '../pin/summary'
import type { ImageName } from '../reference'
import { createRegistryFactory } from '../registry'
import type { RegistryClient } from '../registry/client'
import { readResolveInputs } from './inputs'
import { pinnedReference, renderResolveSummary, toResolveOutputs } from './report'
import { checkOutcomes, resolveAll, type Outcome } from './resolver'

export interface ResolveDeps {
  /** Clients for every repository over one shared transport (one connection pool). */
  openRegistries: () => { client(name: ImageName): RegistryClient; close(): Promise<void> }
  readInput: InputReader
  cwd: string
}

export function defaultResolveDeps(): ResolveDeps {
  return { openRegistries: () => createRegistryFactory({ env: process.env }), readInput: envInputReader(), cwd: process.cwd() }
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

  const pool = deps.openRegistries()
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
  let pinned: PinnedFile[] = []
  let pinSummary = ''
  if (files.length > 0) {
    const digests = new Map<string, string>()
    for (const o of outcomes) {
      // a digest-only input names no tag; `x:tag@sha256:…` says what x:tag should be pinned to
      const hasTag = o.target.ref.tag !== undefined || o.target.ref.digest === undefined
      if (o.status === 'resolved' && hasTag) digests.set(tagKey(o.target.ref), o.resolution.digest)
    }
    pinned = pinDeployFiles(files, resolvedRule(digests))
    if (inputs.write) await writePinnedFiles(pinned)
    for (const f of pinned) core.info(`${inputs.write ? 'Pinned' : 'Would pin'} ${f.changes.length} reference(s) in ${f.rel}`)
    for (const n of deployNotes(files)) core.info(n)
    outputs['changed-files'] = changedFilesOutput(pinned)
    pinSummary = renderPinSummary(pinned, inputs.write, files.length, deployNotes(files))
  }
  return {
    outcomes,
    outputs,
    pinned,
    ...(inputs.summary && { summary: renderResolveSummary(outcomes, inputs.platform) + pinSummary })
  }
}

export async function runResolve(deps: ResolveDeps = defaultResolveDeps()): Promise<void> {
  try {
    const result = await resolveImages(deps)
    if (result.summary) await core.summary.addRaw(result.summary).write()
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value)
  } catch (error) {
    core.setFailed(describeError(error))
  }
}
