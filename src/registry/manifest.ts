import { RegistryError } from './errors'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'

/** Sent on every manifest request: without all four a registry may answer with one platform's manifest. */
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(', ')

export function isIndex(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST
}

/** An OCI 1.1 artifact's `artifactType` as BuildKit writes it on an attestation manifest. */
export const ATTESTATION_ARTIFACT_TYPE = 'application/vnd.docker.attestation.manifest.v1+json'
/** The empty config descriptor's media type of an OCI 1.1 artifact (`{}`). */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json'

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  /** OCI 1.1: the artifact's type, on an index entry or a referrers answer's descriptor. */
  artifactType?: string
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}

export interface ImageManifest {
  schemaVersion: number
  mediaType?: string
  config: Descriptor
  layers: Descriptor[]
  /** OCI 1.1 artifacts (attestations): what the artifact is, and the manifest it is about. */
  artifactType?: string
  subject?: Descriptor
}

export interface ImageIndex {
  schemaVersion: number
  mediaType?: string
  manifests: Descriptor[]
}

/** Registry-held JSON (a manifest, an index, an image config) parsed; bytes that are not JSON fail naming `what`. */
export function parseJsonBytes<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T
  } catch {
    throw new RegistryError(`${what} is not valid JSON`)
  }
}
