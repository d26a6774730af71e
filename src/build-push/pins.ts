import * as core from '@actions/core'
import type { ImageName } from '../registry/reference'
import { loadDeployFiles, type DeployFile } from '../pin/files'
import type { PinInputs } from '../pin/inputs'
import { ownImageRule, type PinRule } from '../pin/rules'
import { pinFiles, type PinOutcome } from '../pin/step'

/** The build action's deploy files, read and parsed before the build so a broken file fails before anything is pushed. */
export interface BuildPins {
  files: DeployFile[]
  write: boolean
}

export async function prepareBuildPins(inputs: PinInputs, push: boolean, cwd: string): Promise<BuildPins | undefined> {
  if (inputs.files.length === 0) return undefined
  if (!push) {
    core.warning("'files' is ignored with 'push: false': there is no pushed digest to pin the deploy files to")
    return undefined
  }
  return { files: await loadDeployFiles(inputs.files, cwd), write: inputs.write }
}

/**
 * After a verified read-back: every reference to one of the pushed repositories in the deploy files now names
 * `digest` (the one image every repository holds), with a tag pushed to that repository.
 */
export function pinBuiltImage(pins: BuildPins, repositories: ReadonlyArray<{ name: ImageName; tags: readonly string[] }>, digest: string): Promise<PinOutcome> {
  const rules: PinRule[] = repositories.map((r) => ownImageRule(r.name, r.tags, digest))
  const rule: PinRule = (written) => {
    for (const r of rules) {
      const out = r(written)
      if (out !== undefined) return out
    }
    return undefined
  }
  return pinFiles(pins.files, rule, pins.write)
}
