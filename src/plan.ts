import type { Commit } from './commit'
import type { RunContext } from './context'
import type { Inputs } from './inputs'
import { actionLabels, mergeLabels, type LabelSet } from './labels'
import { resolveTags } from './tags'

/** What this step will build and push, decided before docker runs. */
export interface BuildPlan {
  tags: string[]
  /** `<image>:<tag>` for each tag, as given to docker. */
  refs: string[]
  labels: LabelSet
}

export function planBuild(inputs: Inputs, ctx: RunContext, commit: Commit): BuildPlan {
  const tags = resolveTags(inputs.tags, commit.sha)
  const labels = mergeLabels(actionLabels(commit.sha, ctx), inputs.labels)
  return { tags, refs: tags.map((t) => `${inputs.imageInput}:${t}`), labels }
}
