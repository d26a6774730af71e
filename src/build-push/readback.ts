import * as core from '@actions/core'
import { ActionError } from '../action/errors'
import type { RegistryClient } from '../registry/client'
import { RegistryError } from '../registry/errors'
import { readImage, type ImageAttestation, type ImagePlatform, type ImageView } from '../registry/image'
import { tagStates } from '../registry/tags'

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
  /**
   * Which digest `imageId` is, from the engine's image store: 'config' (classic store) or 'manifest' (containerd
   * store: the manifest or index digest). Undefined when the engine did not say.
   */
  imageIdKind?: 'config' | 'manifest'
  /** The config digest the builder claims (buildx's `containerimage.config.digest`). */
  configDigest?: string
  /** Who claimed the pushed digest, for messages: 'docker push' (default), 'buildx', … */
  claimedBy?: string
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
  platforms: ImagePlatform[]
  /** The index's attestation manifests (none for a single image). */
  attestations: ImageAttestation[]
  /** Tags whose registry digest differs from ours at read-back time (someone pushed in between). */
  movedTags: Array<{ tag: string; now: string }>
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

/** What a pushed index must hold: at least one image, and each platform once. */
function checkImages(client: RegistryClient, view: ImageView): void {
  const where = `${client.registry}/${client.repository}`
  if (view.platforms.length === 0) throw new ActionError(`index ${view.digest} in ${where} lists no image manifest`)
  const seen = new Set<string>()
  for (const p of view.platforms) {
    if (seen.has(p.platform)) throw new ActionError(`index ${view.digest} in ${where} lists ${p.platform} more than once`)
    seen.add(p.platform)
  }
}

/**
 * Fails unless the build's image ID (and the builder's claimed config digest) names part of what the registry holds:
 * the pushed manifest/index itself, or one platform's manifest or config. Anything else means the registry holds
 * another build's image under our tags (F1: two builds of one tag on one daemon; F2: a tag re-pointed before the
 * read-back), and reporting its digest would deploy the wrong image.
 */
function checkBuilt(client: RegistryClient, held: Pick<ReadBack, 'digest' | 'platforms'>, built: BuildClaims, tags: string[]): void {
  const names = new Set([held.digest, ...held.platforms.flatMap((p) => [p.digest, p.configDigest])])
  const where = tags.length ? `${client.registry}/${client.repository}:${tags.join(', :')}` : `${client.registry}/${client.repository}@${held.digest}`
  const configs = `config ${held.platforms.map((p) => p.configDigest).join(', ')}`
  const holds = `${held.digest} (${configs})`
  if (built.imageId && !names.has(built.imageId)) {
    // say what was compared: the engine names an image by its config (classic store) or its manifest (containerd)
    const platformManifests = held.platforms.map((p) => p.digest).filter((d) => d !== held.digest)
    const compared =
      built.imageIdKind === 'manifest'
        ? `manifest ${held.digest}${platformManifests.length ? ` (platform manifests ${platformManifests.join(', ')})` : ''}, but the build produced image ID ${built.imageId}, a manifest digest (the engine's containerd image store names images by manifest)`
        : built.imageIdKind === 'config'
          ? `${holds}, but the build produced image ID ${built.imageId}, a config digest (the engine's classic image store names images by config)`
          : `${holds}, but the build produced image ID ${built.imageId}`
    throw new ActionError(
      `the image in the registry is not the image this step built: ${where} holds ${compared}. Another build replaced the tag between this build and its push or read-back`,
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
 *     tagStates: the builder's digest is read by digest while the tags are asked);
 *  2. the manifest by digest, hashed byte for byte (no request when step 1 already fetched it);
 *  3. a single image: its config blob (hashed) and labels. An index: every platform manifest it lists (hashed, size
 *     checked against the descriptor) with its config and labels, and every attestation manifest (hashed; listed as
 *     attestations, never as platforms);
 *  4. what the build produced (`built`): its image ID and claimed config digest must name part of what the registry
 *     holds.
 * When a tag no longer points to our push (someone pushed the same tag in between), our digest is still verified
 * by digest and reported, with a warning naming the tag and where it points now.
 * Requests for one tag with the builder's digest, after authentication: HEAD tag and GET manifest side by side, then
 * GET config blob.
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
  const states = await tagStates(client, pushed.map((p) => p.tag), reported[0])
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

  return hold(client, digest, manifest.digest, movedTags, { ...built, claimedBy }, pushed.map((p) => p.tag))
}

/**
 * Reads back an image pushed by digest only (`push-by-digest=true`: no tag): the manifest by the digest the builder
 * reported, hashed byte for byte, then everything readBack checks after it.
 */
export async function readBackByDigest(client: RegistryClient, digest: string, built: BuildClaims = {}): Promise<ReadBack> {
  const manifest = await client.manifest(digest)
  return hold(client, digest, manifest.digest, [], { ...built, claimedBy: built.claimedBy ?? 'the builder' }, [])
}

/** The image view under a verified manifest digest, checked against what the build claims. */
async function hold(
  client: RegistryClient,
  digest: string,
  manifestDigest: string,
  movedTags: ReadBack['movedTags'],
  built: BuildClaims,
  tags: string[]
): Promise<ReadBack> {
  const view = await readImage(client, manifestDigest)
  const { platforms, mediaType } = view
  if (view.index) checkImages(client, view)
  for (const a of view.attestations.filter((a) => a.state === 'missing')) {
    core.warning(
      `Attestation manifest ${a.digest}${a.platform ? ` (for ${a.platform})` : ''} is listed in index ${digest} but ${client.registry} does not hold it: its provenance/SBOM cannot be read. The image digests are unaffected.`
    )
  }
  const primary = platforms.find((p) => p.platform === 'linux/amd64') ?? (platforms[0] as ImagePlatform)
  const held: ReadBack = {
    digest,
    mediaType,
    ...(primary.digest !== digest && { platformDigest: primary.digest }),
    configDigest: primary.configDigest,
    labels: primary.labels,
    platforms,
    attestations: view.attestations,
    movedTags
  }
  checkBuilt(client, held, built, tags)
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

/** `linux/arm64/v8` is what BuildKit and the engine write for `linux/arm64`: compare them as one. */
function samePlatform(p: string): string {
  return p === 'linux/arm64/v8' ? 'linux/arm64' : p
}

/**
 * Fails unless the registry holds exactly the platforms the step asked for (`platforms` input): a builder that reused
 * a cached image of another platform, or ignored `--platform`, would otherwise get another platform's digest pinned.
 */
export function checkPlatforms(held: Pick<ReadBack, 'digest' | 'platforms'>, requested: readonly string[]): void {
  if (requested.length === 0) return
  const want = [...new Set(requested.map(samePlatform))].sort()
  const got = [...new Set(held.platforms.map((p) => samePlatform(p.platform)))].sort()
  if (want.join(',') === got.join(',')) return
  throw new ActionError(
    `the registry holds ${held.digest} for ${got.join(', ') || 'no platform'}, but the step asked for ${want.join(', ')} ('platforms' input): the builder produced another platform than asked`,
    "the builder may have reused a cached image of another platform; build each platform on a builder that honours --platform (docker/setup-buildx-action), or leave 'platforms' empty for the runner's own"
  )
}
