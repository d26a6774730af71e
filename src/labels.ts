import { ActionError, InputError } from './errors'
import { repositoryUrl, type RunContext } from './context'

export const COMMIT_LABEL = 'git-commit'
export const BUILD_NUMBER_LABEL = 'build-number'
export const BUILD_ATTEMPT_LABEL = 'build-attempt'
export const OCI_REVISION = 'org.opencontainers.image.revision'
export const OCI_SOURCE = 'org.opencontainers.image.source'

/** Labels that make the image traceable; the user cannot override them. */
export const PROTECTED_LABELS = [COMMIT_LABEL, BUILD_NUMBER_LABEL, BUILD_ATTEMPT_LABEL] as const

export type LabelSource = 'action' | 'user' | 'user (overrides action)'

export interface LabelSet {
  labels: Record<string, string>
  sources: Record<string, LabelSource>
  /** Keys of action labels the user replaced. */
  overridden: string[]
}

/** The labels the action adds: traceability first, then OCI standard annotations. */
export function actionLabels(commit: string, ctx: RunContext): Record<string, string> {
  if (!ctx.runNumber) {
    throw new ActionError(
      'GITHUB_RUN_NUMBER is not set, so the build-number label cannot be written',
      'run this action in a GitHub Actions job, or set GITHUB_RUN_NUMBER (and GITHUB_SHA) yourself when running it elsewhere'
    )
  }
  const labels: Record<string, string> = {
    [COMMIT_LABEL]: commit,
    [BUILD_NUMBER_LABEL]: ctx.runNumber
  }
  if (ctx.runAttempt) labels[BUILD_ATTEMPT_LABEL] = ctx.runAttempt
  labels[OCI_REVISION] = commit
  const source = repositoryUrl(ctx)
  if (source) labels[OCI_SOURCE] = source
  return labels
}

export function mergeLabels(ours: Record<string, string>, user: Array<[string, string]>): LabelSet {
  const labels: Record<string, string> = { ...ours }
  const sources: Record<string, LabelSource> = Object.fromEntries(Object.keys(ours).map((k) => [k, 'action']))
  const overridden: string[] = []
  for (const [key, value] of user) {
    if ((PROTECTED_LABELS as readonly string[]).includes(key)) {
      throw new InputError(
        'labels',
        `'${key}' is set by the action from the workflow run and cannot be overridden`,
        `remove '${key}' from 'labels'`
      )
    }
    if (key in ours && !overridden.includes(key)) overridden.push(key)
    labels[key] = value
    sources[key] = key in ours ? 'user (overrides action)' : 'user'
  }
  return { labels, sources, overridden }
}
