import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, type Descriptor } from '../registry/manifest'
import type { AttestationEntry, PlatformImage } from './read'

export interface ComposedIndex {
  mediaType: string
  /** The exact bytes PUT to the registry: their sha256 is the index digest. */
  bytes: Buffer
  /** Descriptors in index order: images by platform, then the attestations in their images' order. */
  manifests: Descriptor[]
  annotations: Record<string, string>
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The merged index. Children are ordered so that the same sources always give the same bytes (and digest): images by
 * platform (`os/arch/variant`, then digest), then each image's attestation manifests in that order (their
 * vnd.docker.reference.digest is unchanged: children are referenced, never rewritten). An OCI image index when any
 * child is OCI (attestations always are) or annotations were asked for explicitly; else a Docker manifest list, which
 * older clients read and which has no annotations.
 */
export function composeIndex(
  images: readonly PlatformImage[],
  attestations: readonly AttestationEntry[],
  annotations: Record<string, string>,
  annotationsAsked: boolean
): ComposedIndex {
  const sorted = [...images].sort((a, b) => byText(a.platformText, b.platformText) || byText(a.digest, b.digest))
  const order = new Map(sorted.map((img, i) => [img.digest, i]))
  const kept = attestations
    .filter((a) => a.for !== undefined && order.has(a.for))
    .sort((a, b) => (order.get(a.for as string) as number) - (order.get(b.for as string) as number) || byText(a.descriptor.digest, b.descriptor.digest))
  const docker = kept.length === 0 && !annotationsAsked && sorted.every((i) => i.mediaType === DOCKER_MANIFEST)
  const mediaType = docker ? DOCKER_MANIFEST_LIST : OCI_INDEX
  const manifests: Descriptor[] = [
    ...sorted.map((img) => ({
      mediaType: img.mediaType,
      digest: img.digest,
      size: img.size,
      ...(!docker && img.annotations && { annotations: img.annotations }),
      platform: img.platform
    })),
    ...kept.map((a) => ({
      mediaType: a.descriptor.mediaType,
      digest: a.descriptor.digest,
      size: a.descriptor.size,
      ...(a.descriptor.annotations && { annotations: a.descriptor.annotations }),
      ...(a.descriptor.platform && { platform: a.descriptor.platform })
    }))
  ]
  const written = docker ? {} : Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => byText(a, b)))
  const body = {
    schemaVersion: 2,
    mediaType,
    manifests,
    ...(Object.keys(written).length > 0 && { annotations: written })
  }
  return { mediaType, bytes: Buffer.from(JSON.stringify(body)), manifests, annotations: written }
}
