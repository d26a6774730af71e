import type { Commit } from '../plan/commit'
import type { LabelSource } from '../plan/labels'

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
  /** Config digest of the image the labels were read from (pushed only). */
  configDigest?: string
  /** Every image pushed: one for a single-platform image, one per platform of an index (pushed only). */
  platforms?: Array<{ platform: string; digest: string; configDigest: string }>
  /** The index's attestation manifests: how many, and whether they carry provenance / an SBOM (pushed only). */
  attestations?: { count: number; provenance: boolean; sbom: boolean }
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
  /** Every repository pushed, each read back from its registry (pushed only; the first is `image`'s). */
  repositories?: Array<{ image: string; registry: string; digest: string; pinned: string; tags: string[] }>
  /** With `call` other than build: the method and what buildx reported (no image). */
  called?: { method: string; output: string }
}

export type Outputs = Record<'digest' | 'pinned' | 'pinned-all' | 'repositories' | 'imageid' | 'tags' | 'labels' | 'metadata' | 'platforms', string>

export function toOutputs(report: Report): Partial<Outputs> {
  const metadata = {
    image: report.image,
    ...(report.digest && { digest: report.digest, pinned: report.pinned, mediaType: report.mediaType }),
    imageid: report.imageId,
    tags: report.tags,
    labels: report.labels,
    commit: report.commit.sha,
    pushed: report.pushed,
    // build-push-action's keys, so fromJSON(steps.x.outputs.metadata)['containerimage.digest'] keeps working; ours are
    // read back from the registry and verified, not the builder's claim
    ...(report.repositories && { repositories: report.repositories }),
    ...(report.digest && { 'containerimage.digest': report.digest }),
    ...(report.digest && report.configDigest && { 'containerimage.config.digest': report.configDigest })
  }
  const platforms = report.platforms && Object.fromEntries(report.platforms.map((p) => [p.platform, p.digest]))
  return {
    ...(report.digest && { digest: report.digest, pinned: report.pinned }),
    ...(report.repositories && {
      'pinned-all': report.repositories.map((r) => r.pinned).join('\n'),
      repositories: JSON.stringify(report.repositories)
    }),
    ...(platforms && { platforms: JSON.stringify(platforms) }),
    imageid: report.imageId,
    tags: report.tags.join('\n'),
    labels: JSON.stringify(report.labels),
    metadata: JSON.stringify(metadata)
  }
}
