import * as core from '@actions/core'
import type { ImageName } from '../reference'
import { deployNotes, loadDeployFiles, pinDeployFiles, writePinnedFiles, type DeployFile } from './files'
import type { PinInputs } from './inputs'
import { ownImageRule } from './rules'
import { changedFilesOutput, renderPinSummary } from './summary'

/** The build action's deploy files, read and parsed before the build so a broken file fails before anything is pushed. */
export interface BuildPins {
  files: DeployFile[]
  write: boolean
}

export interface BuildPinResult {
  changedFiles: string
  summary: string
}

export async function prepareBuildPins(inputs: PinInputs, push: boolean, cwd: string): Promise<BuildPins | undefined> {
  if (inputs.files.length === 0) return undefined
  if (!push) {
    core.warning("'files' is ignored with 'push: false': there is no pushed digest to pin the deploy files to")
    return undefined
  }
  return { files: await loadDeployFiles(inputs.files, cwd), write: inputs.write }
}

/** After a verified read-back: every reference to `image` in the deploy files now names `digest`. */
export async function pinBuiltImage(pins: BuildPins, image: ImageName, tags: readonly string[], digest: string): Promise<BuildPinResult> {
  const pinned = pinDeployFiles(pins.files, ownImageRule(image, tags, digest))
  if (pins.write) await writePinnedFiles(pinned)
  for (const f of pinned) core.info(`${pins.write ? 'Pinned' : 'Would pin'} ${f.changes.length} reference(s) in ${f.rel}`)
  const notes = deployNotes(pins.files)
  return { changedFiles: changedFilesOutput(pinned), summary: renderPinSummary(pinned, pins.write, pins.files.length, notes) }
}
