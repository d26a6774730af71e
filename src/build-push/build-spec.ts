import { secretLookingBuildArgs } from '../action/secrets'
import type { BuildSpec } from '../docker/spec'
import type { Inputs } from './inputs'
import type { BuildPlan } from './plan'

/**
 * What the builder is asked to build: the inputs as they are (every BuildKit option, context, file, build args, …),
 * less those that are not the builder's business, with the plan's full tags and labels. A new build input reaches
 * the builder without being copied here; one the builder must not see is named below.
 */
export function buildSpec(inputs: Inputs, plan: BuildPlan): BuildSpec {
  const { imageInput, image, images, tags, refTags, remoteContext, labels, summary, latest, ociLabels, semverTags, login, registryTimeoutMs, builder, ...spec } = inputs
  // values shown as *** where the build command line is printed
  const redact = spec.buildArgs
    .filter((a) => secretLookingBuildArgs([a]).length > 0)
    .map((a) => a.slice(a.indexOf('=') + 1))
    .filter(Boolean)
  // pushed by digest only, the builder is given the bare repositories (no tag is pushed)
  const byDigest = (spec.outputs ?? []).some((o) => o.byDigest)
  const refs = byDigest ? plan.repositories.map((r) => r.input) : plan.refs
  return { ...spec, tags: refs, labels: plan.labels.labels, redact }
}
