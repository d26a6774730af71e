import type { Descriptor, ImageIndex } from './manifest'

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

const PART = /^[a-z0-9][a-z0-9._-]*$/

/** Parses `os/arch[/variant]` (`linux/arm64`, `linux/arm/v7`); undefined when it is not one. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/')
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p))) return undefined
  const [os, architecture, variant] = parts as [string, string, string | undefined]
  return { os, architecture, ...(variant && { variant }) }
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}

/**
 * An index entry that holds attestations (SBOM, provenance), not an image: `unknown/unknown` or annotated
 * `vnd.docker.reference.type` (BuildKit's index form), or any OCI 1.1 artifact (`artifactType` set).
 */
export function isAttestation(entry: Descriptor): boolean {
  return (
    entry.platform?.os === 'unknown' ||
    entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (typeof entry.artifactType === 'string' && entry.artifactType !== '')
  )
}

/** The image entries of an index that name their platform. */
export function platformEntries(index: ImageIndex): Array<Descriptor & { platform: Platform }> {
  return (index.manifests ?? []).filter((m): m is Descriptor & { platform: Platform } => !!m.platform && !isAttestation(m))
}

/** The entry for a platform; without a variant asked, an entry with any variant matches (`linux/arm64` ↔ `linux/arm64/v8`). */
export function pickPlatformEntry(index: ImageIndex, want: Platform): Descriptor | undefined {
  const candidates = platformEntries(index).filter((m) => m.platform.os === want.os && m.platform.architecture === want.architecture)
  if (want.variant) return candidates.find((m) => m.platform.variant === want.variant)
  return candidates.find((m) => !m.platform.variant) ?? candidates[0]
}
