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
  const { imageInput, image, tags, labels, summary, latest, ociLabels, semverTags, login, registryTimeoutMs, builder, ...spec } = inputs
  // values shown as *** where the build command line is printed
  const redact = spec.buildArgs
    .filter((a) => secretLookingBuildArgs([a]).length > 0)
    .map((a) => a.slice(a.indexOf('=') + 1))
    .filter(Boolean)
  return { ...spec, tags: plan.refs, labels: plan.labels.labels, redact }
}
