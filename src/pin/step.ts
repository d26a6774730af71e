import * as core from '@actions/core'
import { skippedNotes } from './formats'
import { deployNotes, pinDeployFiles, writePinnedFiles, type DeployFile, type PinnedFile } from './files'
import type { PinRule } from './rules'
import { changedFilesOutput, renderPinSummary } from './summary'

export interface PinOutcome {
  pinned: PinnedFile[]
  /** The `changed-files` output. */
  changedFiles: string
  /** The "Pinned files" section of the job summary. */
  summary: string
  /** Every deploy file the patterns matched (relative paths), changed or not, and the rule applied to them: what a
   *  pull request re-applies to the base branch's version of each file. */
  files: string[]
  rule: PinRule
}

/** The step both actions end with: apply the rule to the deploy files, write them (unless a dry run), log and report. */
export async function pinFiles(files: readonly DeployFile[], rule: PinRule, write: boolean): Promise<PinOutcome> {
  const pinned = pinDeployFiles(files, rule)
  if (write && pinned.length > 0) {
    const originals = new Map(files.map((f) => [f.abs, f.scanned.source]))
    const changed = await writePinnedFiles(pinned, originals)
    core.info(`Changed ${changed.length} file(s): ${changed.join(', ')}`)
  }
  for (const f of pinned) core.info(`${write ? 'Pinned' : 'Would pin'} ${f.changes.length} reference(s) in ${f.rel}`)
  const skipped = skippedNotes(files)
  for (const s of skipped) core.warning(s)
  const notes = deployNotes(files)
  for (const n of notes) core.info(n)
  return {
    pinned,
    changedFiles: changedFilesOutput(pinned),
    summary: renderPinSummary(pinned, write, files.length, [...skipped, ...notes]),
    files: files.map((f) => f.rel),
    rule
  }
}
