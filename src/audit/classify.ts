import type { DeployReference } from '../pin/formats'
import { BUILD_NUMBER_LABEL, COMMIT_LABEL, OCI_CREATED, OCI_REVISION, OCI_SOURCE } from '../plan/labels'
import { formatReference, parseReference, type ImageReference } from '../registry/reference'
import type { AuditState } from './inputs'
import { digestKey, tagKeyOf, type RegistryReads } from './read'

/** The labels an audit reads from each platform's config: who built the image, from what, when. */
export const AUDIT_LABELS = [COMMIT_LABEL, BUILD_NUMBER_LABEL, OCI_SOURCE, OCI_REVISION, OCI_CREATED] as const

/** One line of the `report` output. */
export interface AuditEntry {
  file: string
  line: number
  /** As written in the file (spelled from the fields for kustomize and Helm values); null for a file skipped whole. */
  reference: string | null
  state: AuditState
  /** `registry/repository`, when the reference parses. */
  image: string | null
  digest: string | null
  /** Where the reference's tag points now (null: no tag, or not found). */
  tagDigest: string | null
  /** Per platform (`linux/amd64`, …): the audit labels its config carries. */
  labels: Record<string, Partial<Record<(typeof AUDIT_LABELS)[number], string>>>
  /** Why: a missing digest's registry answer, the file or value skipped, the error behind `unknown`. */
  reason?: string
  /** The config's `created` per platform (the age when the label is absent); not in the output. */
  created?: Record<string, string>
}

export function tryParse(written: string): ImageReference | undefined {
  try {
    return parseReference(written)
  } catch {
    return undefined
  }
}

/**
 * The one state of a reference, the first that holds of: missing (the digest is gone: a deploy fails), unknown (the
 * registry did not answer), unpinned (a tag only), unlabeled (a platform lacks git-commit or build-number: who built it
 * cannot be said), other-commit (built from another commit than expected), moved (its tag points elsewhere now),
 * pinned.
 */
export function classify(r: DeployReference, reads: RegistryReads, expectCommit: string | undefined): AuditEntry {
  const base = { file: r.file, line: r.line, reference: r.written, labels: {} }
  const ref = tryParse(r.written)
  if (!ref) return { ...base, state: 'skipped', image: null, digest: null, tagDigest: null, reason: 'not an image reference (a variable or template is only known when rendered)' }
  const image = formatReference({ registry: ref.registry, repository: ref.repository })
  const tag = ref.tag || !ref.digest ? reads.tags.get(tagKeyOf(ref)) : undefined
  const tagDigest = tag?.state === 'found' ? tag.digest : null
  if (!ref.digest) {
    return { ...base, state: 'unpinned', image, digest: null, tagDigest, ...(tag && tag.state !== 'found' && { reason: `tag: ${tag.reason}` }) }
  }
  const read = reads.digests.get(digestKey({ ...ref, digest: ref.digest }))
  const entry = { ...base, image, digest: ref.digest, tagDigest }
  if (!read || read.state === 'error') return { ...entry, state: 'unknown', reason: read?.reason ?? 'not read' }
  if (read.state === 'missing') return { ...entry, state: 'missing', reason: read.reason }
  const labels: AuditEntry['labels'] = {}
  const created: Record<string, string> = {}
  for (const p of read.view.platforms) {
    labels[p.platform] = Object.fromEntries(AUDIT_LABELS.flatMap((k) => (p.labels[k] ? [[k, p.labels[k]]] : [])))
    if (p.created) created[p.platform] = p.created
  }
  const found = { ...entry, labels, created }
  const platforms = read.view.platforms
  if (platforms.length === 0 || platforms.some((p) => !p.labels[COMMIT_LABEL] || !p.labels[BUILD_NUMBER_LABEL])) {
    const lacking = platforms.filter((p) => !p.labels[COMMIT_LABEL] || !p.labels[BUILD_NUMBER_LABEL]).map((p) => p.platform)
    return { ...found, state: 'unlabeled', reason: platforms.length === 0 ? 'an index of no images' : `no ${COMMIT_LABEL} or ${BUILD_NUMBER_LABEL} label on ${lacking.join(', ')}` }
  }
  if (expectCommit) {
    const others = [...new Set(platforms.map((p) => p.labels[COMMIT_LABEL] as string))].filter((c) => !c.toLowerCase().startsWith(expectCommit))
    if (others.length > 0) return { ...found, state: 'other-commit', reason: `built from ${others.join(', ')}, not ${expectCommit}` }
  }
  if (tag?.state === 'found' && tag.digest !== ref.digest && !tag.listed?.has(ref.digest)) {
    return { ...found, state: 'moved', reason: `tag ${ref.tag ?? 'latest'} now points to ${tag.digest}` }
  }
  return { ...found, state: 'pinned' }
}

/** A file the pinning skips (a template, not YAML) is a finding of its own. */
export function skippedFileEntry(file: string, line: number | undefined, reason: string): AuditEntry {
  return { file, line: line ?? 1, reference: null, state: 'skipped', image: null, digest: null, tagDigest: null, labels: {}, reason }
}
