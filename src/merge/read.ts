import { ActionError } from '../action/errors'
import type { RegistryClient } from '../registry/client'
import { INCONSISTENT_HINT, RegistryError } from '../registry/errors'
import { NestedIndexError, NotAnImageError, readImage, type ImageAttestation, type ImagePlatform } from '../registry/image'
import { DOCKER_MANIFEST, OCI_MANIFEST } from '../registry/manifest'
import { formatPlatform, type Platform } from '../registry/platform'
import { sourceRef, type Source } from './sources'

/** One platform's image of a source (the registry view's), with the platform its config names: what the image runs as. */
export interface PlatformImage extends Omit<ImagePlatform, 'platform' | 'configPlatform'> {
  source: Source
  /** Repository that holds it (the source's). */
  repository: string
  /** From the image config: `os`, `architecture`, `variant` (and `os.version` when set). */
  platform: Platform & { 'os.version'?: string }
  /** `os/arch[/variant]` */
  platformText: string
}

/**
 * An attestation manifest of an index source (SBOM, provenance), kept with the image it describes; its manifest is
 * read only when it has to be copied to another repository (to find its blobs).
 */
export interface AttestationEntry extends ImageAttestation {
  source: Source
  repository: string
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

/** An image of the view as merge takes it: an OCI or Docker v2 image manifest whose config names its platform. */
function mergeable(client: RegistryClient, source: Source, image: ImagePlatform): PlatformImage {
  const where = `source '${source.input}' (${client.registry}/${client.repository}@${image.digest})`
  if (!IMAGE_MANIFESTS.includes(image.mediaType)) throw notMergeable(where, image.mediaType)
  const { platform: _entryPlatform, configPlatform, ...rest } = image
  if (!configPlatform) throw new ActionError(`the image config of ${where} names no os/architecture, so its platform is unknown`)
  return { ...rest, source, repository: client.repository, platform: configPlatform, platformText: formatPlatform(configPlatform) }
}

function notMergeable(where: string, mediaType: string): ActionError {
  return new ActionError(
    `${where} is not an image manifest or index this step can merge (media type ${mediaType || 'unknown'})`,
    'merge images pushed as OCI or Docker v2 schema 2 manifests (what docker, buildx and BuildKit push)'
  )
}

/**
 * What a source's tag or digest names: its bytes, hashed, in one GET. Bytes by tag that the registry does not vouch
 * for (a mirror that altered them on the way) are not the end: the registry is then asked by HEAD, and its digest read
 * by digest, as a client that cannot trust the tag's bytes must.
 */
async function find(client: RegistryClient, ref: string): ReturnType<RegistryClient['descriptor']> {
  try {
    return await client.descriptor(ref, { verified: true })
  } catch (error) {
    if (error instanceof RegistryError && error.hint === INCONSISTENT_HINT && !ref.includes(':')) return client.descriptor(ref)
    throw error
  }
}

/**
 * Reads one source: its manifest by tag or digest, hashed (client.descriptor with `verified`: one GET whose bytes the
 * registry names with a matching Docker-Content-Digest, or which it confirms with a HEAD by digest when it does not, so
 * a proxy that altered them cannot slip a digest the registry does not hold into the index; a HEAD first would only
 * add a round trip, since merge needs the bytes anyway), then the image view (registry/image.ts), which finds those
 * bytes already read: for an image its config, for an index each image manifest (by digest, hashed, size checked) and
 * its config. Attestation manifests of an index are kept as descriptors; their manifests are read only when `copying`
 * (they must then be copied to another repository, blobs and all). A source that is not there is 'missing', not an
 * error, so that every missing source can be named at once.
 */
export async function readSource(client: RegistryClient, source: Source, copying: boolean): Promise<SourceOutcome> {
  let found
  try {
    found = await find(client, sourceRef(source))
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return { status: 'missing', source, message: error.message }
    throw error
  }
  let view
  try {
    view = await readImage(client, found.digest, { attestations: copying ? 'read' : 'list' })
  } catch (error) {
    if (error instanceof NestedIndexError) {
      throw new ActionError(`source '${source.input}' is an index that contains another index (${error.child}); merge its images directly`)
    }
    if (error instanceof NotAnImageError) throw notMergeable(`source '${source.input}' (${client.registry}/${client.repository}@${error.digest})`, error.mediaType)
    throw error
  }
  const missing = view.attestations.find((a) => a.state === 'missing')
  if (missing) throw new ActionError(`source '${source.input}': ${missing.problem}`, 'push the source again, or merge it from its own repository')
  const images = view.platforms.map((p) => mergeable(client, source, p))
  const attestations = view.attestations.map((a) => ({ ...a, source, repository: client.repository }))
  return { status: 'read', read: { source, digest: view.digest, mediaType: view.mediaType, images, attestations } }
}
