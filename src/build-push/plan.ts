import type { RunContext } from '../action/context'
import type { PushTarget } from '../docker/cli'
import type { Commit } from '../plan/commit'
import { actionLabels, mergeLabels, OCI_CREATED, type LabelSet } from '../plan/labels'
import type { PlanNote } from '../plan/notes'
import type { RefTag, Repository } from '../plan/inputs'
import { planTags, tagPlatform } from '../plan/tag-plan'
import { refVersion } from '../plan/tags'
import { formatName } from '../registry/reference'
import type { Inputs } from './inputs'

/** One repository this step pushes to, with its tags. */
export interface RepositoryPlan extends Repository {
  /** Its tags with their full references; empty when pushed by digest only (`push-by-digest=true`). */
  targets: PushTarget[]
}

/** What this step will build and push, decided before docker runs. */
export interface BuildPlan {
  /** Every repository, the first being the step's own (`pinned`); each gets the one image built. */
  repositories: RepositoryPlan[]
  /** Every repository's tags with their full references `<image>:<tag>`, as given to docker: tags travel with their references. */
  targets: PushTarget[]
  /** The first repository's tag names, in order. */
  tags: string[]
  /** The targets' references, in order (outputs and the summary list them). */
  refs: string[]
  labels: LabelSet
  /** The semver version of a tag-ref run (org.opencontainers.image.version, `{{version}}`). */
  version?: string
  notes: PlanNote[]
}

type PlanInputs = Pick<Inputs, 'imageInput' | 'tags' | 'labels'> &
  Partial<Pick<Inputs, 'image' | 'images' | 'refTags' | 'latest' | 'ociLabels' | 'semverTags' | 'push' | 'platforms' | 'outputs'>>

/**
 * The repositories with the tags as written: each of `image` gets the tag names (none: the default tags, unless a
 * full reference already names it), each repository a full reference names gets its tags (a bare one: `latest`).
 */
function groups(inputs: PlanInputs): Array<{ repo: Repository; tags: string[] }> {
  const images = inputs.images ?? (inputs.image ? [{ input: inputs.imageInput, name: inputs.image }] : [])
  const refTags: RefTag[] = inputs.refTags ?? []
  const out: Array<{ repo: Repository; tags: string[] }> = []
  const find = (r: Repository): { repo: Repository; tags: string[] } => {
    let g = out.find((x) => formatName(x.repo.name) === formatName(r.name))
    if (!g) out.push((g = { repo: r, tags: [] }))
    return g
  }
  const named = new Set(refTags.map((r) => formatName(r.repository.name)))
  for (const repo of images) {
    const g = find(repo)
    // no tag names and a full reference for this repository: its references are its tags (no default tags besides)
    if (inputs.tags.length > 0 || !named.has(formatName(repo.name))) g.tags.push(...inputs.tags)
  }
  for (const r of refTags) {
    const g = find(r.repository)
    const tag = r.tag ?? 'latest'
    if (!g.tags.includes(tag)) g.tags.push(tag)
  }
  // a plan without images (unit tests of the tags alone) still has its one repository
  if (out.length === 0) out.push({ repo: { input: inputs.imageInput, name: { registry: '', repository: inputs.imageInput } }, tags: [...inputs.tags] })
  return out
}

/**
 * Tags and labels for this run, from the inputs, the run context and the commit only: the same arguments always give
 * the same plan (no clock, no randomness). `nativePlatform` is the builder's own platform, for `{{platform}}` when
 * 'platforms' is empty. Throws an InputError for tags that cannot be pushed and for `latest` under `latest: forbid`,
 * before anything is built.
 */
export function planBuild(inputs: PlanInputs, ctx: RunContext, commit: Commit, nativePlatform?: string): BuildPlan {
  const notes: PlanNote[] = []
  const oci = inputs.ociLabels ?? true

  const byDigest = (inputs.outputs ?? []).some((o) => o.byDigest)
  const grouped = groups(inputs)
  const allTags = grouped.flatMap((g) => g.tags)
  const platform = tagPlatform(allTags, inputs.platforms ?? [], nativePlatform)
  const repositories: RepositoryPlan[] = []
  let version: string | undefined
  for (const g of grouped) {
    if (byDigest) {
      repositories.push({ ...g.repo, targets: [] })
      continue
    }
    const groupNotes: PlanNote[] = []
    const t = planTags({ ...inputs, imageInput: g.repo.input, tags: g.tags }, ctx, commit.sha, groupNotes, platform)
    for (const n of groupNotes) if (!notes.some((m) => m.text === n.text)) notes.push(n)
    version ??= t.version
    repositories.push({ ...g.repo, targets: t.tags.map((tag) => ({ tag, ref: `${g.repo.input}:${tag}` })) })
  }
  if (byDigest) version = refVersion(ctx)
  const t = { ...(version && { version }) }

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
  const targets = repositories.flatMap((r) => r.targets)
  return {
    repositories,
    targets,
    tags: (repositories[0]?.targets ?? []).map((x) => x.tag),
    refs: targets.map((x) => x.ref),
    labels,
    ...(t.version && { version: t.version }),
    notes
  }
}
