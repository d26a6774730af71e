// only the parser: semver's index loads every range and comparison function at every action's start
import parseSemver from 'semver/functions/parse'
import { refBranch, refTag, type RunContext } from '../action/context'
import { cut } from '../action/errors'
import { validateTag } from '../registry/reference'

/** Which version tags a `refs/tags/v1.2.3` run gets when `tags` is empty. */
export const SEMVER_TAG_MODES = ['all', 'exact', 'none'] as const
export type SemverTags = (typeof SEMVER_TAG_MODES)[number]

/** What happens when `latest` is among the tags to push. */
export const LATEST_POLICIES = ['warn', 'forbid', 'allow'] as const
export type LatestPolicy = (typeof LATEST_POLICIES)[number]

/** Placeholders a tag may carry, e.g. `pr-{{branch}}-{{run_number}}`. */
export const TEMPLATE_NAMES = ['sha', 'run_number', 'branch', 'version', 'platform'] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]
export type TemplateValues = Partial<Record<TemplateName, string>>

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g
const KNOWN = TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(', ')

function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name)
}

/** Why a text's placeholders are not all known templates (undefined when they are): `'x' uses unknown template …`. */
export function templateProblem(text: string): string | undefined {
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? ''
    if (!isTemplateName(name)) return `'${cut(text)}' uses unknown template '${m[0]}' (known: ${KNOWN})`
  }
  return undefined
}

/**
 * Why a tag as written in the `tags` input is invalid (undefined when it is fine). Placeholders must be known; the
 * text around them must follow the tag grammar `[\w][\w.-]{0,127}`. The expanded tag is checked again at plan time.
 */
export function tagInputProblem(tag: string): string | undefined {
  const unknown = templateProblem(tag)
  if (unknown) return `tag ${unknown}`
  if (!tag.includes('{{')) return validateTag(tag)
  // check the literal parts with each placeholder standing in for a one-character value
  const sample = tag.replace(PLACEHOLDER, '0')
  if (/[{}]/.test(sample)) return `tag '${cut(tag)}' has an unclosed or stray brace; templates are written {{name}} (known: ${KNOWN})`
  const problem = validateTag(sample)
  return problem ? `tag '${cut(tag)}' is not valid once its templates are filled in: ${problem.replace(/^tag '[^']*' /, '')}` : undefined
}

/**
 * Turns a branch name into something usable inside a tag: every character outside `[A-Za-z0-9_.-]` becomes `-`
 * (`feature/login` → `feature-login`), leading `.`/`-` are dropped, and the result is cut to 128 characters.
 */
export function sanitizeForTag(value: string): string {
  return value
    .replace(/[^\w.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
}

/**
 * The version of a `refs/tags/<semver>` run: `v1.2.3` / `1.2.3` → `1.2.3`, `v2.0.0-rc.1` → `2.0.0-rc.1`
 * (build metadata after `+` is dropped, since `+` cannot appear in a tag). Undefined for other refs.
 */
export function refVersion(ctx: RunContext): string | undefined {
  const name = refTag(ctx)
  if (!name) return undefined
  return parseSemver(name)?.version ?? undefined
}

/**
 * Version tags for a version: `exact` → [1.2.3]; `all` → [1.2.3, 1.2, 1]. Pre-releases only ever get the exact tag
 * (an rc must not move `1.2`), and 0.x versions get no bare `0` tag (0.x minors may break compatibility).
 */
export function versionTags(version: string, mode: SemverTags): string[] {
  const v = parseSemver(version)
  if (!v || mode === 'none') return []
  if (mode === 'exact' || v.prerelease.length > 0) return [v.version]
  const tags = [v.version, `${v.major}.${v.minor}`]
  if (v.major > 0) tags.push(`${v.major}`)
  return tags
}

/** A platform as written in a tag: `linux/arm/v7` → `linux-arm-v7`. */
export function platformTag(platform: string): string {
  return platform.replace(/\//g, '-')
}

/**
 * Values for the tag templates in this run; a name is missing when the run has no value for it (no branch on a tag
 * ref). `platform` is the build's one platform (`os/arch[/variant]`), when the plan knows it.
 */
export function templateValues(commit: string, ctx: RunContext, platform?: string): TemplateValues {
  const branch = refBranch(ctx)
  const version = refVersion(ctx)
  return {
    sha: commit.slice(0, 7),
    ...(ctx.runNumber && { run_number: ctx.runNumber }),
    ...(branch && sanitizeForTag(branch) && { branch: sanitizeForTag(branch) }),
    ...(version && { version }),
    ...(platform && { platform: platformTag(platform) })
  }
}

/** Whether a tag as written uses the `{{platform}}` template. */
export function usesPlatformTemplate(tag: string): boolean {
  return [...tag.matchAll(PLACEHOLDER)].some((m) => m[1] === 'platform')
}

export interface ExpandedTag {
  /** As written in the input. */
  input: string
  /** Filled in; undefined when a template has no value in this run. */
  tag?: string
  /** Template names without a value in this run. */
  missing: TemplateName[]
}

export function expandTag(input: string, values: TemplateValues): ExpandedTag {
  const missing: TemplateName[] = []
  const tag = input.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = isTemplateName(name) ? values[name] : undefined
    if (value === undefined && isTemplateName(name) && !missing.includes(name)) missing.push(name)
    return value ?? ''
  })
  return missing.length > 0 ? { input, missing } : { input, tag, missing }
}

export interface TagPlan {
  /** Tag names to push, deduplicated, in order. */
  tags: string[]
  /** Input tags left out because a template has no value in this run. */
  skipped: ExpandedTag[]
  /** Expanded tags that break the tag grammar, with the reason. */
  invalid: Array<{ input: string; tag: string; problem: string }>
  /** The semver version of a `refs/tags/` run, if any. */
  version?: string
  /** The run is for a tag ref that is not a semver version (so no version tags). */
  nonSemverTagRef?: string
}

/**
 * The tags to push. With `tags` empty: `sha-<first 7 of the commit>`, plus the version tags on a semver tag ref.
 * Otherwise the user's tags with templates filled in; a tag whose template has no value in this run is skipped.
 */
export function resolveTags(
  userTags: string[],
  commit: string,
  ctx: RunContext,
  semverTags: SemverTags = 'all',
  platform?: string
): TagPlan {
  const version = refVersion(ctx)
  const tagRef = refTag(ctx)
  const base = { ...(version && { version }), ...(tagRef && !version && { nonSemverTagRef: tagRef }) }
  if (userTags.length === 0) {
    const tags = [`sha-${commit.slice(0, 7)}`, ...(version ? versionTags(version, semverTags) : [])]
    return { tags: [...new Set(tags)], skipped: [], invalid: [], ...base }
  }
  const values = templateValues(commit, ctx, platform)
  const tags: string[] = []
  const skipped: ExpandedTag[] = []
  const invalid: TagPlan['invalid'] = []
  for (const input of userTags) {
    const expanded = expandTag(input, values)
    if (expanded.tag === undefined) {
      skipped.push(expanded)
      continue
    }
    const problem = validateTag(expanded.tag)
    if (problem) invalid.push({ input, tag: expanded.tag, problem })
    else if (!tags.includes(expanded.tag)) tags.push(expanded.tag)
  }
  return { tags, skipped, invalid, ...base }
}

export const LATEST = 'latest'
