import { ActionError } from '../action/errors'
import type { RegistryClient } from '../registry/client'
import { RegistryError } from '../registry/errors'
import { DOCKER_MANIFEST, OCI_MANIFEST, parseJsonBytes, type Descriptor, type ImageManifest } from '../registry/manifest'
import { formatPlatform, isAttestation, type Platform } from '../registry/platform'
import { sourceRef, type Source } from './sources'

/** One platform's image manifest, as a source holds it (read by digest, hash-verified) with its config's facts. */
export interface PlatformImage {
  source: Source
  /** Repository that holds it (the source's). */
  repository: string
  digest: string
  mediaType: string
  /** Byte length of the manifest (what the index descriptor says). */
  size: number
  manifest: ImageManifest
  /** From the image config: `os`, `architecture`, `variant` (and `os.version` when set). */
  platform: Platform & { 'os.version'?: string }
  /** `os/arch[/variant]` */
  platformText: string
  labels: Record<string, string>
  /** The descriptor's annotations in the source index, kept on the merged index's descriptor. */
  annotations?: Record<string, string>
}

/** An attestation manifest of an index source (SBOM, provenance), kept with the image it describes. */
export interface AttestationEntry {
  source: Source
  repository: string
  /** The descriptor as the source index has it (digest, size, `unknown/unknown`, vnd.docker.reference.* annotations). */
  descriptor: Descriptor
  /** The platform manifest it describes (`vnd.docker.reference.digest`). */
  for?: string
  /** Its manifest, read only when it has to be copied to another repository (to find its blobs). */
  manifest?: ImageManifest
}

export interface SourceRead {
  source: Source
  /** What the source's tag or digest names (an image manifest or an index). */
  digest: string
  mediaType: string
  images: PlatformImage[]
  attestations: AttestationEntry[]
}

export type SourceOutcome = { status: 'read'; read: SourceRead } | { status: 'missing'; source: Source; message: string }

const IMAGE_MANIFESTS = [OCI_MANIFEST, DOCKER_MANIFEST]

interface ImageConfig {
  os?: unknown
  architecture?: unknown
  variant?: unknown
  'os.version'?: unknown
  config?: { Labels?: Record<string, string> | null }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** An image manifest's body and config: platform and labels from the config, which is what the image runs as. */
async function readImage(client: RegistryClient, source: Source, digest: string, bytes: Buffer, mediaType: string, annotations?: Record<string, string>): Promise<PlatformImage> {
  const where = `source '${source.input}' (${client.registry}/${client.repository}@${digest})`
  const manifest = parseJsonBytes<ImageManifest>(bytes, `manifest of ${where}`)
  const type = manifest.mediaType ?? mediaType
  if (!IMAGE_MANIFESTS.includes(type) || !manifest.config?.digest || !Array.isArray(manifest.layers)) {
    throw new ActionError(
      `${where} is not an image manifest or index this step can merge (media type ${type || 'unknown'})`,
      'merge images pushed as OCI or Docker v2 schema 2 manifests (what docker, buildx and BuildKit push)'
    )
  }
  const config = parseJsonBytes<ImageConfig>(await client.blob(manifest.config.digest), `image config of ${where}`)
  const os = str(config.os)
  const architecture = str(config.architecture)
  if (!os || !architecture) throw new ActionError(`the image config of ${where} names no os/architecture, so its platform is unknown`)
  const variant = str(config.variant)
  const osVersion = str(config['os.version'])
  const platform = { os, architecture, ...(variant && { variant }), ...(osVersion && { 'os.version': osVersion }) }
  return {
    source,
    repository: client.repository,
    digest,
    mediaType: type,
    size: bytes.length,
    manifest,
    platform,
    platformText: formatPlatform(platform),
    labels: config.config?.Labels ?? {},
    ...(annotations && Object.keys(annotations).length > 0 && { annotations })
  }
}

/**
 * Reads one source: what its tag or digest names (client.descriptor, verified: HEAD by tag, then GET by digest with the
 * bytes hashed, see registry/confirm.ts; a proxy that altered an answer cannot slip a digest the registry does not
 * hold into the index), then for an image its config, for an
 * index each image manifest (by digest, hashed) and its config. Attestation manifests of an index are kept as
 * descriptors; their manifests are read only when `copying` (they must then be copied to another repository, blobs
 * and all). A source that is not there is 'missing', not an error, so that every missing source can be named at once.
 */
export async function readSource(client: RegistryClient, source: Source, copying: boolean): Promise<SourceOutcome> {
  const ref = sourceRef(source)
  let found
  try {
    found = await client.descriptor(ref, { verified: true })
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return { status: 'missing', source, message: error.message }
    throw error
  }
  const top = await client.manifest(found.digest)
  const parsed = parseJsonBytes<{ manifests?: Descriptor[] }>(top.bytes, `manifest of source '${source.input}'`)
  if (!Array.isArray(parsed.manifests)) {
    const image = await readImage(client, source, top.digest, top.bytes, top.mediaType)
    return { status: 'read', read: { source, digest: top.digest, mediaType: top.mediaType, images: [image], attestations: [] } }
  }
  const entries = parsed.manifests
  const [images, attestations] = await Promise.all([
    Promise.all(
      entries
        .filter((e) => !isAttestation(e))
        .map(async (e) => {
          const child = await client.manifest(e.digest)
          if (Array.isArray(parseJsonBytes<{ manifests?: unknown }>(child.bytes, `manifest ${e.digest}`).manifests)) {
            throw new ActionError(`source '${source.input}' is an index that contains another index (${e.digest}); merge its images directly`)
          }
          return readImage(client, source, child.digest, child.bytes, e.mediaType, e.annotations)
        })
    ),
    Promise.all(
      entries.filter(isAttestation).map(async (descriptor): Promise<AttestationEntry> => {
        const target = descriptor.annotations?.['vnd.docker.reference.digest']
        const manifest = copying ? parseJsonBytes<ImageManifest>((await client.manifest(descriptor.digest)).bytes, `attestation manifest ${descriptor.digest}`) : undefined
        return { source, repository: client.repository, descriptor, ...(target && { for: target }), ...(manifest && { manifest }) }
      })
    )
  ])
  return { status: 'read', read: { source, digest: top.digest, mediaType: top.mediaType, images, attestations } }
}
