import type { RunContext } from '../action/context'
import { InputError } from '../action/errors'
import type { PlanNote } from './notes'
import { LATEST, resolveTags, usesPlatformTemplate, type LatestPolicy, type SemverTags } from './tags'

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

interface TagInputs {
  imageInput: string
  tags: string[]
  latest?: LatestPolicy
  semverTags?: SemverTags
  push?: boolean
}

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
