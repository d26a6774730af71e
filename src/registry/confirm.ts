/**
 * The one rule every action's digests go through (resolve, the build's read-back, merge): a digest is reported only
 * after the registry
 *  - served a manifest under that digest (GET by digest) whose bytes hash to it, or
 *  - confirmed it by digest: a HEAD by digest answering that same digest (and the same size, when one is known).
 * A header on an answer by tag (Docker-Content-Digest, or Artifactory's X-Checksum-Sha256) only says which digest to
 * ask for; it is never the answer. What real registries send in place of the standard headers is read here too.
 */
import { isSha256Digest } from './digest'
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from './manifest'
import type { HttpResponse } from './transport'

/** What a manifest HEAD (or the headers of a GET) says, read with the registries' quirks in mind. */
export interface HeadFacts {
  /** Docker-Content-Digest; else Artifactory's X-Checksum-Sha256 (bare hex). Only well-formed sha256. */
  digest?: string
  /** A manifest media type; a generic one (Artifactory's application/octet-stream on HEAD) is no answer. */
  mediaType?: string
  size?: number
}

const MANIFEST_TYPES = new Set([OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST])

/** Docker schema 1 (signed or not): refused, never hashed into a digest (its digest is not of the bytes served). */
export const SCHEMA1_TYPES = ['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws']

export function headFacts(res: Pick<HttpResponse, 'headers'>): HeadFacts {
  const docker = res.headers['docker-content-digest']?.trim()
  const checksum = res.headers['x-checksum-sha256']?.trim().toLowerCase()
  const digest = docker && isSha256Digest(docker) ? docker : checksum && /^[a-f0-9]{64}$/.test(checksum) ? `sha256:${checksum}` : undefined
  const type = res.headers['content-type']?.split(';')[0]?.trim()
  const length = res.headers['content-length']
  const size = length === undefined ? NaN : Number(length)
  return {
    ...(digest && { digest }),
    ...(type && (MANIFEST_TYPES.has(type) || SCHEMA1_TYPES.includes(type)) && { mediaType: type }),
    ...(Number.isInteger(size) && size >= 0 && { size })
  }
}

/** A HEAD the registry does not implement (405 Method Not Allowed, 501 Not Implemented): GET and hash instead. */
export function headUnsupported(status: number): boolean {
  return status === 405 || status === 501
}

/** The answer is Docker schema 1: by its media type, or by a body saying `"schemaVersion": 1`. */
export function isSchema1(mediaType: string | undefined, body?: Buffer): boolean {
  if (mediaType && SCHEMA1_TYPES.includes(mediaType)) return true
  if (!body || body.length === 0) return false
  try {
    return (JSON.parse(body.toString('utf8')) as { schemaVersion?: unknown }).schemaVersion === 1
  } catch {
    return false
  }
}

export const SCHEMA1_HINT =
  'push the image again with a current docker or buildx (they push Docker schema 2 or OCI manifests); schema 1 is deprecated and its digests cannot be verified'

/**
 * Whether a HEAD by `digest` confirms it: the registry answered that same digest, and the size agrees when both
 * are known. `undefined`: the HEAD cannot say (no digest header, no manifest media type) and the bytes must be
 * fetched by digest and hashed; a string: why the answer contradicts the digest (inconsistent data).
 */
export function confirmsByHead(digest: string, facts: HeadFacts, size?: number): true | undefined | string {
  if (facts.digest !== undefined && facts.digest !== digest) return `HEAD by ${digest} answers with ${facts.digest}`
  if (size !== undefined && facts.size !== undefined && facts.size !== size) return `HEAD by ${digest} gives a size of ${facts.size} bytes, the tag's answer ${size}`
  if (facts.digest === undefined || facts.mediaType === undefined) return undefined
  return true
}
