/** What the build action tells the user in its log, apart from errors its steps raise: notes, read-back lines, the legacy-builder refusal. */
import * as core from '@actions/core'
import { InputError } from '../action/errors'
import { secretLookingBuildArgs } from '../action/secrets'
import type { Builder } from '../docker/builder'
import type { PlanNote } from '../plan/notes'
import type { Inputs } from './inputs'
import type { ReadBack } from './readback'

/** Warnings about the inputs that only make sense once the builder is known. */
export function builderNotes(inputs: Inputs, builder: Builder): PlanNote[] {
  const notes: PlanNote[] = []
  const risky = secretLookingBuildArgs(inputs.buildArgs)
  if (risky.length > 0) {
    notes.push({
      level: 'warning',
      title: 'Secret in a build argument',
      text:
        `build-args ${risky.map((n) => `'${n}'`).join(', ')} look${risky.length === 1 ? 's' : ''} like a secret: build arguments are stored in the ` +
        "image's history and provenance, where anyone who can pull the image reads them. Pass secrets with the 'secrets' " +
        "input (id=value) and mount them in the Dockerfile with RUN --mount=type=secret,id=<id>."
    })
  }
  if (builder.info.tool === 'buildx' && !inputs.push && inputs.platforms.length > 1) {
    notes.push({
      level: 'notice',
      title: 'Multi-platform build not loaded',
      text:
        `${inputs.platforms.length} platforms cannot be loaded into docker images: with 'push: false' the result stays in the ` +
        `cache of builder '${builder.info.name}'. Set 'push: true' to publish it, or build one platform to get it in docker images.`
    })
  }
  return notes
}

/** An input only BuildKit can honour, on the legacy builder: the error names the input, why there is no BuildKit, and the fix. */
export function needsBuildKit(input: string, env: NodeJS.ProcessEnv): InputError {
  const why = env.DOCKER_BUILDKIT === '0' ? 'DOCKER_BUILDKIT=0 selects the legacy builder' : 'docker buildx is not installed'
  return new InputError(
    input,
    `needs BuildKit (docker buildx), but this step builds with the legacy docker build: ${why}`,
    `add docker/setup-buildx-action before this step${env.DOCKER_BUILDKIT === '0' ? ' and remove DOCKER_BUILDKIT=0' : ''}, or remove '${input}'`
  )
}

/** What the read-back found, one line per platform and attestation. */
export function logReadBack(r: ReadBack): void {
  core.info(`Registry holds ${r.digest} (${r.mediaType})`)
  for (const i of r.platforms) core.info(`  ${i.platform}: manifest ${i.digest}, config ${i.configDigest}`)
  for (const a of r.attestations) core.info(`  attestation ${a.digest}${a.platform ? ` for ${a.platform}` : ''}: ${a.predicateTypes.join(', ') || 'unreadable'}`)
}
