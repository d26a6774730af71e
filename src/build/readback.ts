import * as core from '@actions/core'
import { ActionError } from '../action/errors'
import type { Manifest, RegistryClient } from '../registry/client'
import { INCONSISTENT_HINT, RegistryError } from '../registry/errors'
import { DOCKER_MANIFEST_LIST, isIndex, OCI_INDEX, parseJsonBytes, type Descriptor, type ImageIndex, type ImageManifest } from '../registry/manifest'
import { formatPlatform, isAttestation } from '../registry/platform'

export interface PushedTag {
  tag: string
  /** Digest the builder claims it pushed for the tag (docker push's printed digest, buildx's containerimage.digest). */
  digest?: string
}

/** What the build says it produced, checked against what the registry holds. */
export interface BuildClaims {
  /**
   * The build's image ID (`--iidfile`). On the docker-engine paths it is the config digest (classic image store) or
   * the manifest/index digest (containerd image store): either way it must name part of what the registry holds, else
   * another build replaced the tag between this build and its push.
   */
  imageId?: string
  /** The config digest the builder claims (buildx's `containerimage.config.digest`). */
  configDigest?: string
  /** Who claimed the pushed digest, for messages: 'docker push' (default), 'buildx', … */
  claimedBy?: string
}

/** One image of what was pushed: the only one, or one platform of an index. */
export interface PlatformImage {
  /** `os/arch[/variant]`: the index entry's platform, or (single image) the config's. */
  platform: string
  /** Manifest digest, verified by hashing its bytes. */
  digest: string
  mediaType: string
  configDigest: string
  labels: Record<string, string>
}

/** An attestation manifest of an index (`unknown/unknown`): provenance, SBOM, … — never a platform. */
export interface Attestation {
  digest: string
  /** The platform manifest it describes (`vnd.docker.reference.digest`), and that manifest's platform. */
  for?: string
  platform?: string
  /** in-toto predicate types of its layers (empty when it could not be read). */
  predicateTypes: string[]
  /** false when the registry does not hold it (404): the image is intact, the attestation unreadable. */
  readable: boolean
}

export interface ReadBack {
  /** The manifest digest the registry holds for what we pushed, verified by hashing its bytes. */
  digest: string
  mediaType: string
  /** For an index: the platform manifest `labels`/`configDigest` come from (linux/amd64 first). */
  platformDigest?: string
  configDigest: string
  labels: Record<string, string>
  /** Every image: one for a single-platform push, one per platform of an index (index order). */
  platforms: PlatformImage[]
  /** The index's attestation manifests (none for a single image). */
  attestations: Attestation[]
  /** Tags whose registry digest differs from ours at read-back time (someone pushed in between). */
  movedTags: Array<{ tag: string; now: string }>
}

const PROVENANCE = /^https:\/\/slsa\.dev\/provenance\//
const SBOM = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/

/** Whether any readable attestation carries provenance / an SBOM. */
export function attestationKinds(attestations: readonly Attestation[]): { provenance: boolean; sbom: boolean } {
  const types = attestations.flatMap((a) => a.predicateTypes)
  return { provenance: types.some((t) => PROVENANCE.test(t)), sbom: types.some((t) => SBOM.test(t)) }
}

/** The image to read labels from inside an index: linux/amd64 first (what most runners build), never an attestation. */
export function pickPlatform(index: ImageIndex): Descriptor | undefined {
  const images = index.manifests.filter((m) => !isAttestation(m))
  return images.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? images[0]
}

/** One digest for the image: the builder's when it claimed one, else the one every tag agrees on. */
function ourDigest(reported: string | undefined, states: ReadonlyArray<{ tag: string; digest: string }>, client: RegistryClient): string {
  if (reported) return reported
  const distinct = [...new Set(states.map((s) => s.digest))]
  if (distinct.length !== 1) {
    throw new ActionError(
      `the pushed tags point to different digests in ${client.registry}/${client.repository}: ${states.map((s) => `${s.tag}=${s.digest}`).join(', ')}`,
      'another job may be pushing the same tags; give concurrent jobs distinct tags'
    )
  }
  return distinct[0] as string
}

/** A child of an index by digest: hashed (client.manifest), and its size must be the descriptor's. */
async function child(client: RegistryClient, index: string, entry: Descriptor, what: string): Promise<Manifest> {
  let m: Manifest
  try {
    m = await client.manifest(entry.digest)
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) {
      throw new RegistryError(
        `index ${index} in ${client.registry}/${client.repository} lists ${what} ${entry.digest}, which the registry does not hold (HTTP 404): the push is incomplete`,
        'push again; if it persists, the registry drops manifests an index refers to: report it to its operator',
        404,
        error.code
      )
    }
    throw error
  }
  if (typeof entry.size === 'number' && entry.size !== m.bytes.length) {
    throw new RegistryError(
      `registry ${client.registry} returned inconsistent data: index ${index} gives ${what} ${entry.digest} a size of ${entry.size} bytes, the manifest has ${m.bytes.length}`,
      INCONSISTENT_HINT
    )
  }
  return m
}

interface ConfigJson {
  os?: string
  architecture?: string
  variant?: string
  config?: { Labels?: Record<string, string> | null }
}

/** An image manifest (bytes already verified) → its config, hashed, and labels. */
async function image(client: RegistryClient, m: Manifest, platform: string | undefined): Promise<PlatformImage> {
  const parsed = parseJsonBytes<Partial<ImageManifest & ImageIndex>>(m.bytes, `manifest ${m.digest}`)
  if (Array.isArray(parsed.manifests)) {
    throw new ActionError(`manifest ${m.digest}${platform ? ` (${platform})` : ''} is itself an index: nested indexes are not supported`)
  }
  const configDigest = parsed.config?.digest
  if (!configDigest) throw new ActionError(`manifest ${m.digest}${platform ? ` (${platform})` : ''} has no config descriptor`)
  const config = parseJsonBytes<ConfigJson>(await client.blob(configDigest), `image config ${configDigest}`)
  const own = config.os && config.architecture ? formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant && { variant: config.variant }) }) : 'unknown'
  return { platform: platform ?? own, digest: m.digest, mediaType: m.mediaType, configDigest, labels: config.config?.Labels ?? {} }
}

/** An attestation manifest: hashed like any child; a 404 leaves it unreadable (the image itself is intact). */
async function attestation(client: RegistryClient, index: string, entry: Descriptor, platforms: PlatformImage[]): Promise<Attestation> {
  const describes = entry.annotations?.['vnd.docker.reference.digest']
  const base = {
    digest: entry.digest,
    ...(describes && { for: describes }),
    ...(describes && platforms.find((p) => p.digest === describes) && { platform: platforms.find((p) => p.digest === describes)?.platform })
  }
  let m: Manifest
  try {
    m = await child(client, index, entry, 'attestation manifest')
  } catch (error) {
    if (!(error instanceof RegistryError && error.status === 404)) throw error
    core.warning(
      `Attestation manifest ${entry.digest}${base.platform ? ` (for ${base.platform})` : ''} is listed in index ${index} but ${client.registry} does not hold it: its provenance/SBOM cannot be read. The image digests are unaffected.`
    )
    return { ...base, predicateTypes: [], readable: false }
  }
  const parsed = parseJsonBytes<{ layers?: Array<{ annotations?: Record<string, string> }> }>(m.bytes, `attestation manifest ${m.digest}`)
  const predicateTypes = [...new Set((parsed.layers ?? []).map((l) => l.annotations?.['in-toto.io/predicate-type']).filter((t): t is string => !!t))]
  return { ...base, predicateTypes, readable: true }
}

/** Every image of an index (each hashed, its config read) and its attestation manifests. */
async function readIndex(client: RegistryClient, digest: string, index: ImageIndex): Promise<{ platforms: PlatformImage[]; attestations: Attestation[] }> {
  const entries = index.manifests.filter((m) => !isAttestation(m))
  if (entries.length === 0) throw new ActionError(`index ${digest} in ${client.registry}/${client.repository} lists no image manifest`)
  for (const e of index.manifests) {
    if (typeof e?.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(e.digest)) {
      throw new ActionError(`index ${digest} in ${client.registry}/${client.repository} has an entry without a sha256 digest (${JSON.stringify(e?.digest)})`)
    }
  }
  const platforms = await Promise.all(
    entries.map(async (e) => {
      const name = e.platform ? formatPlatform(e.platform) : undefined
      return image(client, await child(client, digest, e, `the ${name ?? 'image'} manifest`), name)
    })
  )
  const seen = new Set<string>()
  for (const p of platforms) {
    if (seen.has(p.platform)) throw new ActionError(`index ${digest} in ${client.registry}/${client.repository} lists ${p.platform} more than once`)
    seen.add(p.platform)
  }
  const attestations = await Promise.all(index.manifests.filter(isAttestation).map((e) => attestation(client, digest, e, platforms)))
  return { platforms, attestations }
}

/**
 * Fails unless the build's image ID (and the builder's claimed config digest) names part of what the registry holds:
 * the pushed manifest/index itself, or one platform's manifest or config. Anything else means the registry holds
 * another build's image under our tags (F1: two builds of one tag on one daemon; F2: a tag re-pointed before the
 * read-back), and reporting its digest would deploy the wrong image.
 */
function checkBuilt(client: RegistryClient, held: Pick<ReadBack, 'digest' | 'platforms'>, built: BuildClaims, tags: string[]): void {
  const names = new Set([held.digest, ...held.platforms.flatMap((p) => [p.digest, p.configDigest])])
  const where = `${client.registry}/${client.repository}:${tags.join(', :')}`
  const holds = `${held.digest} (config ${held.platforms.map((p) => p.configDigest).join(', ')})`
  if (built.imageId && !names.has(built.imageId)) {
    throw new ActionError(
      `the image in the registry is not the image this step built: ${where} holds ${holds}, but the build produced image ID ${built.imageId}. Another build replaced the tag between this build and its push or read-back`,
      'give builds that may run at the same time on one docker daemon distinct tags (e.g. add {{sha}} or {{run_id}}), or run them one after the other'
    )
  }
  const claimed = built.configDigest
  if (claimed && !held.platforms.some((p) => p.configDigest === claimed)) {
    throw new ActionError(
      `${built.claimedBy ?? 'the builder'} reported config ${claimed}, but ${where} holds ${holds}`,
      'another push replaced the image, or the builder reported another image; re-run the job and report it with the build log if it persists'
    )
  }
}

/**
 * Reads back what the registry holds for the pushed tags:
 *  1. each tag's digest, never from a header alone: the HEAD by tag names it, a GET by digest confirms it (hashed;
 *     client.descriptor, verified: see registry/confirm.ts);
 *  2. the manifest by digest, hashed byte for byte (no request when step 1 already fetched it);
 *  3. a single image: its config blob (hashed) and labels. An index: every platform manifest it lists (hashed, size
 *     checked against the descriptor) with its config and labels, and every attestation manifest (hashed; listed as
 *     attestations, never as platforms);
 *  4. what the build produced (`built`): its image ID and claimed config digest must name part of what the registry
 *     holds.
 * When a tag no longer points to our push (someone pushed the same tag in between), our digest is still verified
 * by digest and reported, with a warning naming the tag and where it points now.
 * Requests for one tag with the builder's digest, after authentication: HEAD tag, GET manifest, GET config blob.
 */
export async function readBack(client: RegistryClient, pushed: PushedTag[], built: BuildClaims = {}): Promise<ReadBack> {
  const claimedBy = built.claimedBy ?? 'docker push'
  const reported = [...new Set(pushed.map((p) => p.digest).filter((d): d is string => !!d))]
  if (reported.length > 1) {
    throw new ActionError(
      `${claimedBy} reported different digests for the tags of one image: ${reported.join(', ')}`,
      'push each image from a single build step'
    )
  }
  const states: Array<{ tag: string; digest: string }> = []
  for (const p of pushed) {
    // confirmed by a GET by digest, kept: the manifest(digest) below costs no request
    const found = await client.descriptor(p.tag, { verified: true })
    states.push({ tag: p.tag, digest: found.digest })
  }
  const digest = ourDigest(reported[0], states, client)
  const movedTags = states.filter((s) => s.digest !== digest).map((s) => ({ tag: s.tag, now: s.digest }))

  let manifest
  try {
    // by digest: proves the registry holds exactly these bytes under this digest
    manifest = await client.manifest(digest)
  } catch (error) {
    // the tags point elsewhere and the claim is not there: the claim is wrong (when the tags agree with it, a 404 is
    // the registry's own failure and its words say more)
    if (movedTags.length > 0 && error instanceof RegistryError && error.status === 404) {
      const now = [...new Set(movedTags.map((s) => s.now))]
      throw new ActionError(
        `digest mismatch: ${claimedBy} reported ${digest} but ${client.registry}/${client.repository} does not hold it (the tags point to ${now.join(', ')})`,
        'the registry may rewrite manifests on push, or a proxy in between answered for it; report this with the push log'
      )
    }
    throw error
  }
  for (const m of movedTags) {
    core.warning(
      `Tag '${m.tag}' now points to ${m.now}, not to the ${digest} this step pushed: another push to the same tag happened in between. Deploy with the 'pinned' output, which names exactly this build.`
    )
  }

  const parsed = parseJsonBytes<Partial<ImageIndex & ImageManifest>>(manifest.bytes, `manifest ${digest}`)
  let platforms: PlatformImage[]
  let attestations: Attestation[] = []
  let mediaType = manifest.mediaType
  // decided by the body, not by Content-Type: a registry or proxy may mislabel it
  if (Array.isArray(parsed.manifests) || (!parsed.config && isIndex(manifest.mediaType))) {
    if (!Array.isArray(parsed.manifests)) throw new ActionError(`index ${digest} has no manifests list`)
    if (!isIndex(mediaType)) mediaType = parsed.mediaType === DOCKER_MANIFEST_LIST ? DOCKER_MANIFEST_LIST : OCI_INDEX
    ;({ platforms, attestations } = await readIndex(client, digest, parsed as ImageIndex))
  } else {
    platforms = [await image(client, manifest, undefined)]
  }
  const primary = platforms.find((p) => p.platform === 'linux/amd64') ?? (platforms[0] as PlatformImage)
  const held: ReadBack = {
    digest,
    mediaType,
    ...(primary.digest !== digest && { platformDigest: primary.digest }),
    configDigest: primary.configDigest,
    labels: primary.labels,
    platforms,
    attestations,
    movedTags
  }
  checkBuilt(client, held, { ...built, claimedBy }, pushed.map((p) => p.tag))
  return held
}

/** Fails unless every expected label is in the registry-held config with the same value. */
export function checkLabels(held: Record<string, string>, expected: Record<string, string>, platform?: string): void {
  const wrong = Object.entries(expected).filter(([k, v]) => held[k] !== v)
  if (wrong.length === 0) return
  const lines = wrong.map(([k, v]) => `  ${k}: expected '${v}', registry holds ${held[k] === undefined ? 'nothing' : `'${held[k]}'`}`)
  throw new ActionError(
    `the image${platform ? ` for ${platform}` : ''} in the registry does not carry the labels this step built it with:\n${lines.join('\n')}`,
    'another build may have pushed the same tag at the same moment, or the builder dropped labels; re-run the job'
  )
}

/** checkLabels on every platform of what was read back (an index's platforms each carry their own config). */
export function checkPlatformLabels(held: Pick<ReadBack, 'platforms'>, expected: Record<string, string>): void {
  const many = held.platforms.length > 1
  for (const p of held.platforms) checkLabels(p.labels, expected, many ? p.platform : undefined)
}
