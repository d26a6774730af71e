import { code, codeBlock, html, htmlCode, htmlLink, htmlTable, link, sections } from '../action/markdown'
import { BUILD_NUMBER_LABEL, COMMIT_LABEL } from '../plan/labels'
import type { PlatformImage } from './read'

/** Everything the merge reports, built once and rendered as outputs and as the job summary. */
export interface MergeReport {
  /** The repository as the user named it in `image`. */
  image: string
  digest: string
  pinned: string
  mediaType: string
  /** Full references `<image>:<tag>`. */
  tags: string[]
  /** The sources' commit (git-commit), and this run's. */
  commit: string
  runCommit: string
  images: PlatformImage[]
  attestations: number
  annotations: Record<string, string>
  movedTags: Array<{ tag: string; now: string }>
  /** Links, when the run context knows them. */
  commitUrl?: string
  runNumber?: string
  runUrl?: string
  requests?: number
  /** Written to several repositories: each one's `<image>@<digest>` (the first is `pinned`). */
  pinnedAll?: string[]
}

/** platform → manifest digest, platforms sorted: the same shape as the build action's `platforms` output. */
export function platformDigests(images: readonly PlatformImage[]): Record<string, string> {
  return Object.fromEntries([...images].sort((a, b) => (a.platformText < b.platformText ? -1 : 1)).map((i) => [i.platformText, i.digest]))
}

export function toMergeOutputs(r: MergeReport): Record<string, string> {
  const platforms = platformDigests(r.images)
  const metadata = {
    image: r.image,
    digest: r.digest,
    pinned: r.pinned,
    mediaType: r.mediaType,
    tags: r.tags,
    commit: r.commit,
    platforms: [...r.images]
      .sort((a, b) => (a.platformText < b.platformText ? -1 : 1))
      .map((i) => ({
        platform: i.platformText,
        digest: i.digest,
        source: i.source.input,
        reference: i.source.reference,
        commit: i.labels[COMMIT_LABEL],
        buildNumber: i.labels[BUILD_NUMBER_LABEL]
      })),
    attestations: r.attestations,
    annotations: r.annotations
  }
  return {
    digest: r.digest,
    pinned: r.pinned,
    'pinned-all': (r.pinnedAll ?? [r.pinned]).join('\n'),
    platforms: JSON.stringify(platforms),
    tags: r.tags.join('\n'),
    metadata: JSON.stringify(metadata)
  }
}

/** A source as this run resolved it (templates filled in): the tag alone when it is a tag of `image`. */
function sourceText(image: string, reference: string): string {
  return reference.startsWith(`${image}:`) ? reference.slice(image.length + 1) : reference
}

/** One row per platform: platform, manifest digest, commit, build number (linked to the run when it is this run's), source. */
function platformTable(r: MergeReport): string {
  const rows = [...r.images]
    .sort((a, b) => (a.platformText < b.platformText ? -1 : 1))
    .map((i) => {
      const commit = i.labels[COMMIT_LABEL] ?? ''
      const build = i.labels[BUILD_NUMBER_LABEL] ?? ''
      // a build number links to this run when it is this run's: the matrix jobs of one workflow run share it
      return [
        htmlCode(i.platformText, { wrap: false }),
        htmlCode(i.digest),
        htmlLink(htmlCode(commit.slice(0, 12), { wrap: false }), commit === r.commit ? r.commitUrl : undefined),
        build ? htmlLink(html(`#${build}`), build === r.runNumber ? r.runUrl : undefined) : '',
        htmlCode(sourceText(r.image, i.source.reference))
      ]
    })
  return htmlTable(['Platform', 'Digest', 'Commit', 'Build', 'Source'], rows)
}

/** The job summary: the pinned index first (in a block the copy button copies whole), then platforms and tags. */
export function renderMergeSummary(r: MergeReport): string {
  const kind = r.mediaType.includes('docker') ? 'Docker manifest list' : 'OCI image index'
  const attestations = r.attestations > 0 ? `, ${r.attestations} attestation manifest${r.attestations === 1 ? '' : 's'} kept` : ''
  const facts = [
    `**Index** ${kind} of ${r.images.length} platform${r.images.length === 1 ? '' : 's'}${attestations}; read back from the registry by digest, sha256 verified`,
    `**Commit** ${link(code(r.commit), r.commitUrl)}`,
    `**Tags** ${r.tags.map((t) => code(t)).join(' ')}`
  ]
  const moved =
    r.movedTags.length > 0
      ? ['> [!WARNING]', ...r.movedTags.map((m) => `> Tag ${code(m.tag)} now points to ${code(m.now)}: another push happened after this one. Deploy with the pinned reference.`)].join('\n')
      : undefined
  const keys = Object.keys(r.annotations)
  const annotations =
    keys.length > 0
      ? ['<details><summary>Index annotations</summary>', '', htmlTable(['Key', 'Value'], keys.map((k) => [htmlCode(k, { wrap: false }), htmlCode(r.annotations[k] as string)])), '', '</details>'].join('\n')
      : undefined
  return sections(
    `### Merged ${code(r.image)}`,
    codeBlock(r.pinned),
    facts.map((f) => `- ${f}`).join('\n'),
    moved,
    '#### Platforms',
    platformTable(r),
    annotations
  )
}
