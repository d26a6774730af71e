import * as core from '@actions/core'
import type { RunContext } from '../action/context'
import { InputError } from '../action/errors'
import type { PushTarget } from '../docker/cli'
import type { Commit } from './commit'
import type { Inputs } from './inputs'
import { actionLabels, mergeLabels, OCI_CREATED, type LabelSet } from './labels'
import { LATEST, resolveTags, usesPlatformTemplate } from './tags'

/** A message for the log, decided while planning; the prepare step prints them (planning itself stays free of side effects). */
export interface PlanNote {
  level: 'info' | 'notice' | 'warning'
  text: string
  title?: string
}

/** Prints the plan's notes (planning itself stays free of side effects). */
export function logPlanNotes(notes: readonly PlanNote[]): void {
  for (const note of notes) {
    if (note.level === 'info') core.info(note.text)
    // core.notice / core.warning named statically: indexing the core namespace (core[level]) keeps every export in
    // the bundle, and @actions/http-client's own undici with them
    else (note.level === 'warning' ? core.warning : core.notice)(note.text, note.title ? { title: note.title } : {})
  }
}

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
 * The one platform `{{platform}}` stands for: the `platforms` input's only entry, else the builder's own platform
 * (`nativePlatform`). Several platforms make it ambiguous: an InputError on 'tags'.
 */
export function tagPlatform(tags: string[], platforms: string[], nativePlatform: string | undefined): string | undefined {
  const used = tags.filter(usesPlatformTemplate)
  if (used.length === 0) return undefined
  if (platforms.length > 1) {
    throw new InputError(
      'tags',
      `'${used[0]}' uses {{platform}}, but 'platforms' lists ${platforms.length} platforms (${platforms.join(', ')}): one image tag cannot name several`,
      'build one platform per job (a matrix over platforms) and join them with the merge action, or drop {{platform}} from the tags'
    )
  }
  return platforms[0] ?? nativePlatform
}

type TagInputs = Pick<Inputs, 'imageInput' | 'tags'> & Partial<Pick<Inputs, 'latest' | 'semverTags' | 'push'>>

/**
 * The tags to push in this run, as every action that pushes tags decides them: templates filled in (a tag whose
 * template has no value in this run is skipped, with a note), the default tags when `tags` is empty, and the `latest`
 * guard. Throws an InputError naming 'tags' or 'latest'; pushes notes for the log onto `notes`. `platform` is the
 * value of `{{platform}}` (undefined: a tag using it is skipped like any template without a value).
 */
export function planTags(
  inputs: TagInputs,
  ctx: RunContext,
  sha: string,
  notes: PlanNote[],
  platform?: string
): { tags: string[]; version?: string } {
  const latest = inputs.latest ?? 'warn'
  const t = resolveTags(inputs.tags, sha, ctx, inputs.semverTags ?? 'all', platform)
  const [invalid] = t.invalid
  if (invalid) {
    throw new InputError(
      'tags',
      `tag '${invalid.input}' expands to '${invalid.tag}' in this run, which is not a valid tag: ${invalid.problem}`,
      'shorten the literal part of the tag, or use {{sha}} / {{run_number}} instead of {{branch}} for long branch names'
    )
  }
  for (const s of t.skipped) {
    notes.push({
      level: 'info',
      text: `Tag '${s.input}' skipped: ${s.missing.map((m) => `{{${m}}}`).join(', ')} has no value in this run (ref ${ctx.ref ?? 'unknown'})`
    })
  }
  if (t.tags.length === 0) {
    throw new InputError(
      'tags',
      `none of the tags has a value in this run (ref ${ctx.ref ?? 'unknown'}): ${t.skipped.map((s) => `'${s.input}'`).join(', ')}`,
      "add a tag that always resolves, such as 'sha-{{sha}}' or 'build-{{run_number}}'"
    )
  }
  if (inputs.tags.length === 0 && t.nonSemverTagRef) {
    notes.push({ level: 'info', text: `Git tag '${t.nonSemverTagRef}' is not a semver version: no version tags added` })
  }

  if (t.tags.includes(LATEST)) {
    const from = inputs.tags.includes(LATEST) ? "'tags'" : 'a template in \'tags\''
    if (latest === 'forbid') {
      throw new InputError(
        'latest',
        `tag 'latest' (from ${from}) is not allowed: 'latest: forbid' is set`,
        "remove 'latest' from 'tags' and deploy with the 'pinned' output (<image>@sha256:…), or set 'latest: warn'"
      )
    }
    // with push: false the tag stays local and moves nothing a deploy could pull
    if (latest === 'warn' && inputs.push !== false) {
      notes.push({
        level: 'warning',
        title: "Pushing the moving tag 'latest'",
        text:
          `${inputs.imageInput}:latest will point to whatever is pushed next, so a deploy that pulls it later can get a ` +
          "different image than this build. Deploy with the 'pinned' output (<image>@sha256:…), which names exactly " +
          "this build. Set 'latest: allow' to silence this warning or 'latest: forbid' to refuse the tag."
      })
    }
  }

  return { tags: t.tags, ...(t.version && { version: t.version }) }
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
