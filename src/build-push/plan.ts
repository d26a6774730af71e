import type { RunContext } from '../action/context'
import type { PushTarget } from '../docker/cli'
import type { Commit } from '../plan/commit'
import { actionLabels, mergeLabels, OCI_CREATED, type LabelSet } from '../plan/labels'
import type { PlanNote } from '../plan/notes'
import { planTags, tagPlatform } from '../plan/tag-plan'
import type { Inputs } from './inputs'

/** What this step will build and push, decided before docker runs. */
export interface BuildPlan {
  /** Each tag with its full reference `<image>:<tag>`, as given to docker: tags travel with their references. */
  targets: PushTarget[]
  /** The targets' tag names, in order. */
  tags: string[]
  /** The targets' references, in order (outputs and the summary list them). */
  refs: string[]
  labels: LabelSet
  /** The semver version of a tag-ref run (org.opencontainers.image.version, `{{version}}`). */
  version?: string
  notes: PlanNote[]
}

type PlanInputs = Pick<Inputs, 'imageInput' | 'tags' | 'labels'> &
  Partial<Pick<Inputs, 'latest' | 'ociLabels' | 'semverTags' | 'push' | 'platforms'>>

/**
 * Tags and labels for this run, from the inputs, the run context and the commit only: the same arguments always give
 * the same plan (no clock, no randomness). `nativePlatform` is the builder's own platform, for `{{platform}}` when
 * 'platforms' is empty. Throws an InputError for tags that cannot be pushed and for `latest` under `latest: forbid`,
 * before anything is built.
 */
export function planBuild(inputs: PlanInputs, ctx: RunContext, commit: Commit, nativePlatform?: string): BuildPlan {
  const notes: PlanNote[] = []
  const oci = inputs.ociLabels ?? true

  const t = planTags(inputs, ctx, commit.sha, notes, tagPlatform(inputs.tags, inputs.platforms ?? [], nativePlatform))

  const labels = mergeLabels(actionLabels(commit, ctx, { oci, ...(t.version && { version: t.version }) }), inputs.labels)
  for (const o of labels.overridden) {
    notes.push({
      level: 'notice',
      title: 'Label overridden',
      text: `Label '${o.key}' from 'labels' replaces the action's value '${o.ours}' with '${o.theirs}'`
    })
  }
  if (oci && !commit.time && labels.labels[OCI_CREATED] === undefined) {
    notes.push({
      level: 'info',
      text:
        `Label ${OCI_CREATED} omitted: commit ${commit.sha} is not in the checkout at the build context (shallow clone ` +
        'or pull request head not fetched), and the wall clock is never used so that labels stay reproducible'
    })
  }
  const targets = t.tags.map((tag) => ({ tag, ref: `${inputs.imageInput}:${tag}` }))
  return {
    targets,
    tags: targets.map((x) => x.tag),
    refs: targets.map((x) => x.ref),
    labels,
    ...(t.version && { version: t.version }),
    notes
  }
}
