import * as core from '@actions/core'
import { ActionError } from '../action/errors'
import type { RegistryClient } from '../registry/client'
import { RegistryError } from '../registry/errors'
import { isIndex, type Descriptor, type ImageIndex, type ImageManifest } from '../registry/manifest'
import { isAttestation } from '../registry/platform'

export interface PushedTag {
  tag: string
  /** Digest docker push reported for the tag, if it printed one. */
  digest?: string
}

export interface ReadBack {
  /** The manifest digest the registry holds for what we pushed, verified by hashing its bytes. */
  digest: string
  mediaType: string
  /** For an index: the platform manifest the labels were read from. */
  platformDigest?: string
  configDigest: string
  labels: Record<string, string>
  /** Tags whose registry digest differs from ours at read-back time (someone pushed in between). */
  movedTags: Array<{ tag: string; now: string }>
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T
  } catch {
    throw new ActionError(`${what} is not valid JSON`)
  }
}

/** The image to read labels from inside an index: linux/amd64 first (what most runners build), never an attestation. */
export function pickPlatform(index: ImageIndex): Descriptor | undefined {
  const images = index.manifests.filter((m) => !isAttestation(m))
  return images.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? images[0]
}

/** One digest for the image: docker's when it printed one, else the one every tag agrees on. */
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

/**
 * Reads back what the registry holds for the pushed tags:
 *  1. each tag's digest, never from a header alone: a HEAD is enough only when it agrees with what docker push
 *     reported (two independent sources), else the manifest is fetched and hashed (client.descriptor, verified);
 *  2. the manifest by digest, hashed byte for byte (no request when step 1 already fetched it);
 *  3. the image config blob (hashed) and its labels.
 * When a tag no longer points to our push (someone pushed the same tag in between), our digest is still verified
 * by digest and reported, with a warning naming the tag and where it points now.
 * Requests for one tag with docker's digest, after authentication: HEAD tag, GET manifest, GET config blob.
 */
export async function readBack(client: RegistryClient, pushed: PushedTag[]): Promise<ReadBack> {
  const reported = [...new Set(pushed.map((p) => p.digest).filter((d): d is string => !!d))]
  if (reported.length > 1) {
    throw new ActionError(
      `docker push reported different digests for the tags of one image: ${reported.join(', ')}`,
      'push each image from a single build step'
    )
  }
  const states: Array<{ tag: string; digest: string }> = []
  for (const p of pushed) {
    const found = await client.descriptor(p.tag, { verified: true, ...(reported[0] && { expected: reported[0] }) })
    states.push({ tag: p.tag, digest: found.digest })
  }
  const digest = ourDigest(reported[0], states, client)
  const movedTags = states.filter((s) => s.digest !== digest).map((s) => ({ tag: s.tag, now: s.digest }))

  let manifest
  try {
    // by digest: proves the registry holds exactly these bytes under this digest
    manifest = await client.manifest(digest)
  } catch (error) {
    if (movedTags.length > 0 && error instanceof RegistryError && error.status === 404) {
      throw new ActionError(
        `digest mismatch: docker push reported ${digest} but ${client.registry}/${client.repository} does not hold it (tags point to ${movedTags.map((m) => m.now).join(', ')})`,
        'the registry may rewrite manifests on push; report this with the push log'
      )
    }
    throw error
  }
  for (const m of movedTags) {
    core.warning(
      `Tag '${m.tag}' now points to ${m.now}, not to the ${digest} this step pushed: another push to the same tag happened in between. Deploy with the 'pinned' output, which names exactly this build.`
    )
  }

  let platformDigest: string | undefined
  let imageManifest: ImageManifest
  const parsed = parseJson<Partial<ImageIndex & ImageManifest>>(manifest.bytes, `manifest ${digest}`)
  // decided by the body, not by Content-Type: a registry or proxy may mislabel it
  if (Array.isArray(parsed.manifests) || (!parsed.config && isIndex(manifest.mediaType))) {
    const index = parsed as ImageIndex
    if (!Array.isArray(index.manifests)) throw new ActionError(`index ${digest} has no manifests list`)
    const platform = pickPlatform(index)
    if (!platform) throw new ActionError(`index ${digest} lists no image manifest to read labels from`)
    platformDigest = platform.digest
    imageManifest = parseJson<ImageManifest>((await client.manifest(platform.digest)).bytes, `manifest ${platform.digest}`)
  } else {
    imageManifest = parsed as ImageManifest
  }
  const configDigest = imageManifest.config?.digest
  if (!configDigest) throw new ActionError(`manifest ${platformDigest ?? digest} has no config descriptor`)
  const config = parseJson<{ config?: { Labels?: Record<string, string> | null } }>(
    await client.blob(configDigest),
    `image config ${configDigest}`
  )
  return {
    digest,
    mediaType: manifest.mediaType,
    ...(platformDigest && { platformDigest }),
    configDigest,
    labels: config.config?.Labels ?? {},
    movedTags
  }
}

/** Fails unless every expected label is in the registry-held config with the same value. */
export function checkLabels(held: Record<string, string>, expected: Record<string, string>): void {
  const wrong = Object.entries(expected).filter(([k, v]) => held[k] !== v)
  if (wrong.length === 0) return
  const lines = wrong.map(([k, v]) => `  ${k}: expected '${v}', registry holds ${held[k] === undefined ? 'nothing' : `'${held[k]}'`}`)
  throw new ActionError(
    `the image in the registry does not carry the labels this step built it with:\n${lines.join('\n')}`,
    'another build may have pushed the same tag at the same moment, or the builder dropped labels; re-run the job'
  )
}
