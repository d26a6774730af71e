import { envInputReader } from '../action/inputs'
import { runAction, type ActionResult } from '../action/run'
import { maskSecretInputs } from '../action/secrets'
import { dockerRegistries } from '../docker/registries'
import { renderMergeSummary, toMergeOutputs } from './report'
import {
  composeMerged,
  prepareMerge,
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
  const prepared = await prepareMerge(deps)
  // one budget phase for the whole merge: reads, writes and the read-back together
  const registries = await deps.openRegistries(registryAccess(prepared.inputs, deps.env))
  try {
    const clients = repositoryClients(registries, prepared.inputs.image)
    const checked = await readAndCheck(clients, prepared)
    const composed = composeMerged(prepared, checked)
    const held = await writeAndReadBack(clients, prepared, checked, composed)
    return { report: reportMerge(prepared, checked, composed, held, registries.requests), summary: prepared.inputs.summary }
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
