import type { Commit } from './commit'
import type { LabelSource } from './labels'

/** Everything the step reports, built once and rendered as outputs and as the job summary. */
export interface Report {
  /** The repository as the user named it in `image`. */
  image: string
  imageId: string
  pushed: boolean
  /** Manifest digest as held by the registry (pushed only). */
  digest?: string
  /** `<image>@<digest>` (pushed only). */
  pinned?: string
  mediaType?: string
  /** Full references: pushed ones, or the local tags when push is false. */
  tags: string[]
  /** Pushed: labels read back from the registry-held config. Not pushed: the labels the image was built with. */
  labels: Record<string, string>
  labelSources: Record<string, LabelSource>
  commit: Commit
  commitUrl?: string
  runNumber?: string
  runAttempt?: string
  runUrl?: string
  movedTags: Array<{ tag: string; now: string }>
}

export type Outputs = Record<'digest' | 'pinned' | 'imageid' | 'tags' | 'labels' | 'metadata', string>

export function toOutputs(report: Report): Partial<Outputs> {
  const metadata = {
    image: report.image,
    ...(report.digest && { digest: report.digest, pinned: report.pinned, mediaType: report.mediaType }),
    imageid: report.imageId,
    tags: report.tags,
    labels: report.labels,
    commit: report.commit.sha,
    pushed: report.pushed
  }
  return {
    ...(report.digest && { digest: report.digest, pinned: report.pinned }),
    imageid: report.imageId,
    tags: report.tags.join('\n'),
    labels: JSON.stringify(report.labels),
    metadata: JSON.stringify(metadata)
  }
}
