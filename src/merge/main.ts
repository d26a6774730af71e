import { ActionError } from '../action/errors'
import { envInputReader } from '../action/inputs'
import { runAction, type ActionResult } from '../action/run'
import { maskSecretInputs } from '../action/secrets'
import { dockerRegistries } from '../docker/registries'
import { renderMergeSummary, toMergeOutputs } from './report'
import {
  composeMerged,
  prepareMergeTargets,
  readAndCheck,
  registryAccess,
  repositoryClients,
  reportMerge,
  writeAndReadBack,
  type MergeDeps,
  type MergeResult
} from './steps'

export type { MergeDeps, MergeResult } from './steps'

export function defaultMergeDeps(): MergeDeps {
  return {
    openRegistries: async (access) => dockerRegistries(access),
    readInput: envInputReader(),
    env: process.env,
    cwd: process.cwd()
  }
}

/**
 * inputs → sources read and checked (nothing written until every check passes) → children of other repositories
 * mounted and copied → the index PUT by digest and under each tag → read back by digest → report.
 */
export async function mergeImages(deps: MergeDeps): Promise<MergeResult> {
  maskSecretInputs(deps.readInput)
  const targets = await prepareMergeTargets(deps)
  const first = targets[0] as (typeof targets)[number]
  // one budget phase for the whole merge: reads, writes and the read-back together, every registry
  const registries = await deps.openRegistries(registryAccess(first.inputs, deps.env))
  try {
    const reports = []
    // each registry's index from its own sources, one after the other: every one read back by digest
    for (const prepared of targets) {
      const clients = repositoryClients(registries, prepared.inputs.image)
      const checked = await readAndCheck(clients, prepared)
      const composed = composeMerged(prepared, checked)
      const held = await writeAndReadBack(clients, prepared, checked, composed)
      reports.push(reportMerge(prepared, checked, composed, held, registries.requests))
    }
    const digests = new Set(reports.map((r) => r.digest))
    if (digests.size > 1) {
      throw new ActionError(
        `the registries hold different indexes for this one merge:\n${reports.map((r) => `  ${r.image}: ${r.digest}`).join('\n')}`,
        'give every registry the same per-platform images (push them by digest to each repository of the index), or merge once per registry'
      )
    }
    const report = reports[0] as (typeof reports)[number]
    return {
      report: { ...report, ...(reports.length > 1 && { pinnedAll: reports.map((r) => r.pinned), tags: reports.flatMap((r) => r.tags) }) },
      summary: first.inputs.summary
    }
  } finally {
    await registries.close()
  }
}

function toActionResult({ report, summary }: MergeResult): ActionResult {
  return {
    outputs: toMergeOutputs(report),
    ...(summary && { summary: renderMergeSummary(report) }),
    notice: { text: `Pinned: ${report.pinned}`, title: 'Index pushed' }
  }
}

export function runMerge(deps: MergeDeps = defaultMergeDeps()): Promise<void> {
  return runAction(async () => toActionResult(await mergeImages(deps)))
}
