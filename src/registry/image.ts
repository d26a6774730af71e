/**
 * An image as a registry holds it, after go-containerregistry's remote.Image / remote.Index: what a tag or digest
 * names (one manifest, or an index), each platform's manifest and config (labels, created), and the attestations,
 * in either form BuildKit writes them: `unknown/unknown` index entries annotated `vnd.docker.reference.*`, or OCI 1.1
 * artifacts (`artifactType`, a `subject`, an empty config) listed in the index or found through the referrers API.
 * An attestation is never taken for a platform.
 *
 * Every manifest is read by digest and hashed (RegistryClient.manifest), and its size checked against the descriptor
 * that listed it; every config blob is hashed (RegistryClient.blob). One request per manifest or blob (the client
 * keeps what it fetched by digest), and reads that do not wait on each other run side by side. Policy stays with the
 * action that reads: which labels must match, what an index without images means, whether a platform may come twice.
 *
 *    const view = await readImage(client, 'sha256:…')       // or resolveImage(client, 'v1.2.3')
 *    for (const p of view.platforms) console.log(p.platform, p.digest, p.labels['git-commit'])
 *    await imageExists(client, 'sha256:…')                  // one HEAD
 */
import type { Manifest, RegistryClient } from './client'
import { isSha256Digest } from './digest'
import { INCONSISTENT_HINT, RegistryError } from './errors'
import {
  ATTESTATION_ARTIFACT_TYPE,
  DOCKER_MANIFEST_LIST,
  isIndex,
  OCI_EMPTY,
  OCI_INDEX,
  parseJsonBytes,
  type Descriptor,
  type ImageIndex,
  type ImageManifest
} from './manifest'
import { formatPlatform, isAttestation, type Platform } from './platform'

/** One image of a view: the only one, or one platform of an index. */
export interface ImagePlatform {
  /** `os/arch[/variant]`: the index entry's platform, else the config's, else 'unknown'. */
  platform: string
  /** The platform the config names (`os`, `architecture`, `variant`, `os.version`), when it names os and architecture. */
  configPlatform?: Platform & { 'os.version'?: string }
  /** Manifest digest, verified by hashing its bytes. */
  digest: string
  /** The manifest's own media type, else its descriptor's, else the registry's Content-Type. */
  mediaType: string
  /** Byte length of the manifest. */
  size: number
  manifest: ImageManifest
  configDigest: string
  labels: Record<string, string>
  /** The config's `created`, when set. */
  created?: string
  /** The index entry's annotations, when it has any. */
  annotations?: Record<string, string>
}

/** An attestation manifest (provenance, SBOM, …) of an image. */
export interface ImageAttestation {
  digest: string
  /** As the index (or the referrers API) describes it. */
  descriptor: Descriptor
  /** 'annotated': an index entry with `vnd.docker.reference.*`; 'artifact': an OCI 1.1 artifact (`artifactType`/`subject`). */
  form: 'annotated' | 'artifact'
  /** Where it was found: an entry of the index, or the referrers API (only with `referrers`). */
  foundIn: 'index' | 'referrers'
  artifactType?: string
  /** The platform manifest it describes (`vnd.docker.reference.digest`, else the artifact's `subject`), and its platform. */
  for?: string
  platform?: string
  /** in-toto predicate types of its layers (`in-toto.io/predicate-type`; empty when it was not read). */
  predicateTypes: string[]
  /** What its predicate types say it carries. */
  kinds: Array<'provenance' | 'sbom'>
  /** 'read': fetched and hashed; 'listed': not fetched (attestations: 'list'); 'missing': the registry does not hold it (404). */
  state: 'read' | 'listed' | 'missing'
  /** The registry's words when `missing`. */
  problem?: string
  /** Its manifest, when read. */
  manifest?: ImageManifest
}

export interface ImageView {
  /** The manifest or index digest, verified by hashing its bytes. */
  digest: string
  /** For an index, an index media type even when the registry labelled it otherwise (the body decides). */
  mediaType: string
  size: number
  index: boolean
  /** One for a single image; one per image entry of an index, in index order (none for an index of no images). */
  platforms: ImagePlatform[]
  /** An index's attestations, in index order, then those found through the referrers API. */
  attestations: ImageAttestation[]
}

export interface ReadImageOptions {
  /** 'read' (default): every attestation manifest is fetched and hashed for its predicate types; 'list': descriptors only. */
  attestations?: 'read' | 'list'
  /** Also ask the referrers API (OCI 1.1) about each platform manifest: one more request per platform. */
  referrers?: boolean
}

/** An index lists another index where an image manifest should be: not read further. */
export class NestedIndexError extends RegistryError {
  constructor(
    readonly index: string,
    readonly child: string,
    where: string,
    platform?: string
  ) {
    super(`manifest ${child}${platform ? ` (${platform})` : ''} of index ${index} in ${where} is itself an index: nested indexes are not supported`)
    this.name = 'NestedIndexError'
  }
}

/** A manifest where an image should be that has no config descriptor or no layers list (an artifact, a schema 1 manifest, …). */
export class NotAnImageError extends RegistryError {
  constructor(
    readonly digest: string,
    readonly mediaType: string,
    where: string,
    platform?: string
  ) {
    super(`manifest ${digest}${platform ? ` (${platform})` : ''} in ${where} is not an image manifest (media type ${mediaType || 'unknown'}): it has no config descriptor or no layers`)
    this.name = 'NotAnImageError'
  }
}

const PROVENANCE = /^https:\/\/slsa\.dev\/provenance\//
const SBOM = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/

function kindsOf(predicateTypes: readonly string[]): Array<'provenance' | 'sbom'> {
  return [...(predicateTypes.some((t) => PROVENANCE.test(t)) ? ['provenance' as const] : []), ...(predicateTypes.some((t) => SBOM.test(t)) ? ['sbom' as const] : [])]
}

/** Whether any attestation carries provenance / an SBOM. */
export function attestationKinds(attestations: readonly Pick<ImageAttestation, 'kinds'>[]): { provenance: boolean; sbom: boolean } {
  const kinds = new Set(attestations.flatMap((a) => a.kinds))
  return { provenance: kinds.has('provenance'), sbom: kinds.has('sbom') }
}

function whereOf(client: RegistryClient): string {
  return `${client.registry}/${client.repository}`
}

/** What a tag or digest names (client.descriptor: a HEAD, or a GET hashed), then read whole by digest. */
export async function resolveImage(client: RegistryClient, ref: string, options: ReadImageOptions = {}): Promise<ImageView> {
  return readImage(client, (await client.descriptor(ref)).digest, options)
}

/** Whether the repository holds a manifest under `digest` (one HEAD; a 404 is no). */
export async function imageExists(client: RegistryClient, digest: string): Promise<boolean> {
  try {
    await client.head(digest)
    return true
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return false
    throw error
  }
}

/** The image or index held under `digest`: see the module comment. */
export async function readImage(client: RegistryClient, digest: string, options: ReadImageOptions = {}): Promise<ImageView> {
  const top = await client.manifest(digest)
  const parsed = parseJsonBytes<Partial<ImageIndex & ImageManifest>>(top.bytes, `manifest ${digest}`)
  // decided by the body, not by Content-Type: a registry or proxy may mislabel it
  if (!Array.isArray(parsed.manifests) && (parsed.config || !isIndex(top.mediaType))) {
    const image = await readPlatform(client, top, parsed, {})
    return { digest: top.digest, mediaType: top.mediaType, size: top.bytes.length, index: false, platforms: [image], attestations: [] }
  }
  if (!Array.isArray(parsed.manifests)) throw new RegistryError(`index ${digest} has no manifests list`)
  const mediaType = isIndex(top.mediaType) ? top.mediaType : parsed.mediaType === DOCKER_MANIFEST_LIST ? DOCKER_MANIFEST_LIST : OCI_INDEX
  const where = whereOf(client)
  for (const e of parsed.manifests) {
    if (typeof e?.digest !== 'string' || !isSha256Digest(e.digest)) {
      throw new RegistryError(`index ${digest} in ${where} has an entry without a sha256 digest (${JSON.stringify(e?.digest)})`)
    }
  }
  const listedBy = { name: `index ${digest}`, where }
  const entries = await Promise.all(parsed.manifests.map((e) => readEntry(client, digest, listedBy, e, options)))
  const platforms = entries.flatMap((e) => ('image' in e ? [e.image] : []))
  const listed = entries.flatMap((e) => ('attestation' in e ? [e.attestation] : []))
  const referred = options.referrers ? await readReferrers(client, platforms, listed) : []
  const attestations = [...listed, ...referred].map((a) => {
    const platform = platforms.find((p) => p.digest === a.for)?.platform
    return platform ? { ...a, platform } : a
  })
  return { digest: top.digest, mediaType, size: top.bytes.length, index: true, platforms, attestations }
}

interface ListedBy {
  /** `index sha256:…`, or `the referrers of sha256:…` */
  name: string
  where: string
}

type Entry = { image: ImagePlatform } | { attestation: ImageAttestation }

/** One index entry: an attestation by its descriptor, else its manifest (an artifact that turns out one is an attestation). */
async function readEntry(client: RegistryClient, index: string, listedBy: ListedBy, e: Descriptor, options: ReadImageOptions): Promise<Entry> {
  if (isAttestation(e)) {
    if (options.attestations === 'list') return { attestation: attestationOf(e, 'index', { state: 'listed' }) }
    return { attestation: await readAttestation(client, listedBy, e, 'index') }
  }
  const name = e.platform ? formatPlatform(e.platform) : undefined
  const m = await child(client, listedBy, e, `the ${name ?? 'image'} manifest`)
  const parsed = parseJsonBytes<Partial<ImageIndex & ImageManifest>>(m.bytes, `manifest ${m.digest}`)
  if (Array.isArray(parsed.manifests)) throw new NestedIndexError(index, m.digest, listedBy.where, name)
  if (isArtifact(parsed)) return { attestation: attestationOf(e, 'index', { state: 'read', manifest: parsed as ImageManifest }) }
  return { image: await readPlatform(client, m, parsed, { ...(name && { name }), descriptor: e }) }
}

/** An OCI 1.1 artifact, not an image: it says what it is (`artifactType`), what it is about (`subject`), or has the empty config. */
function isArtifact(m: Partial<ImageManifest>): boolean {
  return !!m.artifactType || !!m.subject || m.config?.mediaType === OCI_EMPTY
}

interface ConfigJson {
  os?: unknown
  architecture?: unknown
  variant?: unknown
  'os.version'?: unknown
  created?: unknown
  config?: { Labels?: Record<string, string> | null }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** An image manifest (bytes already verified) → its config (hashed): platform, labels, created. */
async function readPlatform(
  client: RegistryClient,
  m: Manifest,
  parsed: Partial<ImageManifest & ImageIndex>,
  entry: { name?: string; descriptor?: Descriptor }
): Promise<ImagePlatform> {
  const mediaType = parsed.mediaType || entry.descriptor?.mediaType || m.mediaType
  const config = parsed.config
  if (!config?.digest || !Array.isArray(parsed.layers)) throw new NotAnImageError(m.digest, mediaType, whereOf(client), entry.name)
  const bytes = await client.blob(config.digest)
  if (typeof config.size === 'number' && config.size !== bytes.length) {
    throw new RegistryError(
      `registry ${client.registry} returned inconsistent data: manifest ${m.digest} gives its config ${config.digest} a size of ${config.size} bytes, the blob has ${bytes.length}`,
      INCONSISTENT_HINT
    )
  }
  const json = parseJsonBytes<ConfigJson>(bytes, `image config ${config.digest}`)
  const os = str(json.os)
  const architecture = str(json.architecture)
  const variant = str(json.variant)
  const osVersion = str(json['os.version'])
  const configPlatform = os && architecture ? { os, architecture, ...(variant && { variant }), ...(osVersion && { 'os.version': osVersion }) } : undefined
  const created = str(json.created)
  const annotations = entry.descriptor?.annotations
  return {
    platform: entry.name ?? (configPlatform ? formatPlatform(configPlatform) : 'unknown'),
    ...(configPlatform && { configPlatform }),
    digest: m.digest,
    mediaType,
    size: m.bytes.length,
    manifest: parsed as ImageManifest,
    configDigest: config.digest,
    labels: json.config?.Labels ?? {},
    ...(created && { created }),
    ...(annotations && Object.keys(annotations).length > 0 && { annotations })
  }
}

/** A child manifest by digest: hashed (client.manifest), and its size must be the descriptor's. */
async function child(client: RegistryClient, listedBy: ListedBy, entry: Descriptor, what: string): Promise<Manifest> {
  let m: Manifest
  try {
    m = await client.manifest(entry.digest)
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) {
      throw new RegistryError(
        `${listedBy.name} in ${listedBy.where} lists ${what} ${entry.digest}, which the registry does not hold (HTTP 404): the push is incomplete`,
        'push again; if it persists, the registry drops manifests an index refers to: report it to its operator',
        404,
        error.code
      )
    }
    throw error
  }
  if (typeof entry.size === 'number' && entry.size !== m.bytes.length) {
    throw new RegistryError(
      `registry ${client.registry} returned inconsistent data: ${listedBy.name} gives ${what} ${entry.digest} a size of ${entry.size} bytes, the manifest has ${m.bytes.length}`,
      INCONSISTENT_HINT
    )
  }
  return m
}

function attestationOf(
  descriptor: Descriptor,
  foundIn: ImageAttestation['foundIn'],
  read: { state: ImageAttestation['state']; manifest?: ImageManifest; problem?: string }
): ImageAttestation {
  const { manifest } = read
  const describes = descriptor.annotations?.['vnd.docker.reference.digest'] ?? manifest?.subject?.digest
  const artifactType = descriptor.artifactType ?? manifest?.artifactType
  const predicateTypes = [...new Set((manifest?.layers ?? []).map((l) => l.annotations?.['in-toto.io/predicate-type']).filter((t): t is string => !!t))]
  const annotated = descriptor.annotations?.['vnd.docker.reference.type'] !== undefined || descriptor.platform?.os === 'unknown'
  return {
    digest: descriptor.digest,
    descriptor,
    form: annotated && !artifactType && !manifest?.subject ? 'annotated' : 'artifact',
    foundIn,
    ...(artifactType && { artifactType }),
    ...(describes && { for: describes }),
    predicateTypes,
    kinds: kindsOf(predicateTypes),
    state: read.state,
    ...(read.problem && { problem: read.problem }),
    ...(manifest && { manifest })
  }
}

/** An attestation manifest: hashed and size-checked like any child; a 404 leaves it 'missing' (the image is intact). */
async function readAttestation(client: RegistryClient, listedBy: ListedBy, e: Descriptor, foundIn: ImageAttestation['foundIn']): Promise<ImageAttestation> {
  let m: Manifest
  try {
    m = await child(client, listedBy, e, 'attestation manifest')
  } catch (error) {
    if (!(error instanceof RegistryError && error.status === 404)) throw error
    return attestationOf(e, foundIn, { state: 'missing', problem: error.message })
  }
  const manifest = parseJsonBytes<ImageManifest>(m.bytes, `attestation manifest ${m.digest}`)
  return attestationOf(e, foundIn, { state: 'read', manifest })
}

/** Attestation artifacts the referrers API names for the platforms, not already listed in the index (read side by side). */
async function readReferrers(client: RegistryClient, platforms: readonly ImagePlatform[], listed: readonly ImageAttestation[]): Promise<ImageAttestation[]> {
  const where = whereOf(client)
  const answers = await Promise.all(platforms.map(async (p) => ({ p, referrers: await client.referrers(p.digest) })))
  const seen = new Set(listed.map((a) => a.digest))
  const wanted: Array<{ listedBy: ListedBy; descriptor: Descriptor }> = []
  for (const { p, referrers } of answers) {
    for (const d of referrers) {
      if (d.artifactType !== ATTESTATION_ARTIFACT_TYPE || typeof d.digest !== 'string' || !isSha256Digest(d.digest) || seen.has(d.digest)) continue
      seen.add(d.digest)
      wanted.push({ listedBy: { name: `the referrers of ${p.digest}`, where }, descriptor: d })
    }
  }
  return Promise.all(wanted.map((w) => readAttestation(client, w.listedBy, w.descriptor, 'referrers')))
}
