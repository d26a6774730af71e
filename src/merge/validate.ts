import { ActionError } from '../action/errors'
import { BUILD_NUMBER_LABEL, COMMIT_LABEL } from '../plan/labels'
import type { PlatformImage, SourceOutcome, SourceRead } from './read'

export interface Checked {
  reads: SourceRead[]
  images: PlatformImage[]
  /** The one git-commit every source carries. */
  commit: string
}

const quote = (s: { input: string }): string => `'${s.input}'`

/**
 * Everything that must hold before the merge writes anything, checked over all sources at once so one failure names
 * every source involved: each source exists; no platform comes twice; every image carries git-commit and
 * build-number; the git-commit labels agree with each other and (with `requireSameCommit`) with this run's commit.
 */
export function checkSources(outcomes: readonly SourceOutcome[], runCommit: string, requireSameCommit: boolean): Checked {
  const problems: string[] = []
  const missing = outcomes.filter((o) => o.status === 'missing')
  for (const m of missing) problems.push(`source ${quote(m.source)} was not found (${m.source.reference}): ${m.message}`)
  const reads = outcomes.flatMap((o) => (o.status === 'read' ? [o.read] : []))
  const images = reads.flatMap((r) => r.images)
  for (const r of reads) {
    if (r.images.length === 0) problems.push(`source ${quote(r.source)} (${r.source.reference}) is an index without any image manifest`)
  }

  const byPlatform = new Map<string, PlatformImage[]>()
  for (const image of images) byPlatform.set(image.platformText, [...(byPlatform.get(image.platformText) ?? []), image])
  for (const [platform, same] of byPlatform) {
    if (same.length > 1) {
      const from = same.map((i) => `${quote(i.source)} (${i.digest})`).join(', ')
      problems.push(`platform ${platform} comes from more than one image: ${from}; an index holds one image per platform`)
    }
  }

  for (const image of images) {
    const lacking = [COMMIT_LABEL, BUILD_NUMBER_LABEL].filter((l) => !image.labels[l])
    if (lacking.length > 0) {
      problems.push(`source ${quote(image.source)} (${image.platformText}, ${image.digest}) has no ${lacking.join(' or ')} label; build it with this action, which sets both`)
    }
  }

  const commits = new Map<string, PlatformImage[]>()
  for (const image of images) {
    const c = image.labels[COMMIT_LABEL]
    if (c) commits.set(c, [...(commits.get(c) ?? []), image])
  }
  const list = (group: PlatformImage[]): string => [...new Set(group.map((i) => `${quote(i.source)} (${i.platformText})`))].join(', ')
  if (commits.size > 1) {
    const parts = [...commits].map(([c, group]) => `${c} in ${list(group)}`)
    problems.push(`the sources were built from different commits: ${parts.join('; ')}`)
  } else if (commits.size === 1 && requireSameCommit) {
    const [[commit, group]] = [...commits] as [[string, PlatformImage[]]]
    if (commit !== runCommit) {
      problems.push(`the sources were built from commit ${commit} (${list(group)}), but this run is for commit ${runCommit}; set 'require-same-commit: false' to merge images of another commit`)
    }
  }

  if (problems.length > 0) {
    throw new ActionError(
      `nothing was written: ${problems.length === 1 ? problems[0] : `\n${problems.map((p) => `  - ${p}`).join('\n')}`}`,
      'check the sources: each must name one per-platform image (or index) built by this action from the same commit, one per platform'
    )
  }
  const commit = [...commits.keys()][0] as string
  return { reads, images, commit }
}
