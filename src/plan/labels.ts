import { repositoryUrl, type RunContext } from '../action/context'
import { ActionError, cut, InputError } from '../action/errors'
import type { Commit } from './commit'

export const COMMIT_LABEL = 'git-commit'
export const BUILD_NUMBER_LABEL = 'build-number'
export const BUILD_ATTEMPT_LABEL = 'build-attempt'
export const OCI_CREATED = 'org.opencontainers.image.created'
export const OCI_REVISION = 'org.opencontainers.image.revision'
export const OCI_SOURCE = 'org.opencontainers.image.source'
export const OCI_URL = 'org.opencontainers.image.url'
export const OCI_VERSION = 'org.opencontainers.image.version'

/**
 * Labels that make the image traceable to one commit and one run; the user cannot override them (an error), because a
 * wrong value here defeats the reason the action exists. OCI labels are conventions users legitimately adjust (a
 * monorepo's source URL, a package version), so those may be overridden, with a notice.
 */
export const PROTECTED_LABELS = [COMMIT_LABEL, BUILD_NUMBER_LABEL, BUILD_ATTEMPT_LABEL] as const

export type LabelSource = 'action' | 'user' | 'user (overrides action)'

export interface LabelSet {
  labels: Record<string, string>
  sources: Record<string, LabelSource>
  /** Action labels the user replaced, with both values. */
  overridden: Array<{ key: string; ours: string; theirs: string }>
}

export interface ActionLabelOptions {
  /** Add the org.opencontainers.image.* labels (input `oci-labels`). */
  oci: boolean
  /** The semver version of a tag-ref run, for org.opencontainers.image.version. */
  version?: string
}

/**
 * The labels the action adds. Every value comes from the commit and the run, never from the clock or randomness, so
 * the same commit and run give the same labels (and, with a reproducible builder, the same image):
 * - `git-commit`: the commit built (PR head on pull requests); `build-number`: GITHUB_RUN_NUMBER;
 *   `build-attempt`: GITHUB_RUN_ATTEMPT (separate, so build-number stays the plain run number);
 * - with `oci`: `revision` (= git-commit), `source` and `url` (repository URL), `version` (tag refs with a semver
 *   version only), `created` (the commit's committer time; omitted when git does not know the commit).
 */
export function actionLabels(commit: Commit, ctx: RunContext, options: ActionLabelOptions = { oci: true }): Record<string, string> {
  if (!ctx.runNumber) {
    throw new ActionError(
      'GITHUB_RUN_NUMBER is not set, so the build-number label cannot be written',
      'run this action in a GitHub Actions job, or set GITHUB_RUN_NUMBER (and GITHUB_SHA) yourself when running it elsewhere'
    )
  }
  const labels: Record<string, string> = {
    [COMMIT_LABEL]: commit.sha,
    [BUILD_NUMBER_LABEL]: ctx.runNumber
  }
  if (ctx.runAttempt) labels[BUILD_ATTEMPT_LABEL] = ctx.runAttempt
  if (!options.oci) return labels
  if (commit.time) labels[OCI_CREATED] = commit.time
  labels[OCI_REVISION] = commit.sha
  const repo = repositoryUrl(ctx)
  if (repo) {
    labels[OCI_SOURCE] = repo
    labels[OCI_URL] = repo
  }
  if (options.version) labels[OCI_VERSION] = options.version
  return labels
}

/** Why a label key is not acceptable, or undefined. Reverse-DNS keys (com.example.team) and k8s-style a.b/c are fine. */
export function labelKeyProblem(key: string): string | undefined {
  if (key === '') return 'the key is empty'
  const space = key.match(/\s/)
  if (space) return `label key '${cut(key)}' contains whitespace`
  const bad = [...key].find((c) => !/[A-Za-z0-9._/-]/.test(c))
  if (bad) return `label key '${cut(key)}' contains '${bad}'; keys may only contain letters, digits, '.', '_', '-' and '/'`
  if (!/^[A-Za-z0-9]/.test(key) || !/[A-Za-z0-9]$/.test(key)) {
    return `label key '${cut(key)}' must start and end with a letter or digit`
  }
  if (/[./]{2}/.test(key)) return `label key '${cut(key)}' has an empty component ('${key.match(/[./]{2}/)?.[0]}')`
  return undefined
}

/**
 * Parses the `labels` input: one `key=value` per line, split at the first '=' (so a key never contains '=' and a
 * value may), blank lines and `#` comments ignored. Keys are validated (spaces around a key are indentation and
 * dropped); the value may be empty. With `literal`, the value is everything after the '=' exactly as written, spaces
 * included, as docker's `--label` takes it (lines from parseLiteralLines); otherwise it is trimmed.
 */
export function parseLabelLines(lines: string[], input = 'labels', { literal = false }: { literal?: boolean } = {}): Array<[string, string]> {
  return lines.map((line) => {
    const eq = line.indexOf('=')
    if (eq === -1) {
      const hint = /^[^\s:]+:\s/.test(line)
        ? `write '${cut(line.replace(/:\s*/, '='))}' (${input} use key=value, not key: value)`
        : `write one ${input === 'labels' ? 'label' : 'entry'} per line as key=value`
      throw new InputError(input, `'${cut(line)}' is not key=value`, hint)
    }
    const key = line.slice(0, eq).trim()
    const rest = line.slice(eq + 1)
    const value = literal ? rest : rest.trim()
    const problem = labelKeyProblem(key)
    if (problem) {
      throw new InputError(
        input,
        key === '' ? `'${cut(line)}' has an empty key` : problem,
        'write key=value with a key of letters, digits and . _ - / (reverse-DNS style such as com.example.team is fine)'
      )
    }
    return [key, value] as [string, string]
  })
}

/** Our labels, then the user's in order (later wins). Protected keys are refused; other overrides are recorded. */
export function mergeLabels(ours: Record<string, string>, user: Array<[string, string]>): LabelSet {
  const labels: Record<string, string> = { ...ours }
  const sources: Record<string, LabelSource> = Object.fromEntries(Object.keys(ours).map((k) => [k, 'action']))
  const overridden: LabelSet['overridden'] = []
  for (const [key, value] of user) {
    if ((PROTECTED_LABELS as readonly string[]).includes(key)) {
      throw new InputError(
        'labels',
        `'${key}' is set by the action from the workflow run and cannot be overridden`,
        `remove '${key}' from 'labels'; ${PROTECTED_LABELS.join(', ')} always describe the commit and run that built the image`
      )
    }
    const original = ours[key]
    if (original !== undefined) {
      const previous = overridden.findIndex((o) => o.key === key)
      if (previous !== -1) overridden.splice(previous, 1)
      overridden.push({ key, ours: original, theirs: value })
    }
    labels[key] = value
    sources[key] = original !== undefined ? 'user (overrides action)' : 'user'
  }
  return { labels, sources, overridden }
}
