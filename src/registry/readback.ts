import * as core from '@actions/core'
import { ActionError } from '../errors'
import type { Manifest, RegistryClient } from './client'
import { INCONSISTENT_HINT, RegistryError } from './errors'
import { isIndex, type Descriptor, type ImageIndex, type ImageManifest } from './media-types'

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

/** Picks the image manifest to read the config from inside an index: linux/amd64 first, skipping attestations. */
export function pickPlatform(index: ImageIndex): Descriptor | undefined {
  const images = index.manifests.filter(
    (m) => m.platform?.os !== 'unknown' && m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest'
  )
  return images.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? images[0]
}

/** What one tag points to now, and the manifest when it had to be fetched to know. */
interface TagState {
  tag: string
  digest: string
  manifest?: Manifest
}

/**
 * The digest `tag` points to, never taken from a header alone when it matters:
 *  - with docker's digest (`ours`): a HEAD that agrees with it is enough (two independent sources agree, and the GET
 *    by digest that follows verifies the bytes); a HEAD without the header or with another digest is checked by GET
 *    and hash, and a HEAD that contradicts its own body is inconsistent data;
 *  - without it: GET and hash.
 */
async function tagState(client: RegistryClient, tag: string, ours: string | undefined): Promise<TagState> {
  let head: string | undefined
  if (ours) {
    head = (await client.head(tag)).digest
    if (head === ours) return { tag, digest: ours }
  }
  const manifest = await client.manifest(tag)
  if (head && head !== manifest.digest) {
    throw new RegistryError(
      `registry ${client.registry} returned inconsistent data for ${client.registry}/${client.repository}:${tag}: HEAD says ${head} but the manifest bytes hash to ${manifest.digest}`,
      INCONSISTENT_HINT
    )
  }
  return { tag, digest: manifest.digest, manifest }
}

/**
 * Reads back what the registry holds for the pushed tags:
 *  1. each tag's digest (see tagState); all must agree with what docker push reported;
 *  2. the manifest by digest, hashed byte for byte (skipped when step 1 already fetched and hashed it);
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
  const ours = reported[0]
  const states: TagState[] = []
  for (const p of pushed) states.push(await tagState(client, p.tag, ours))

  let digest: string
  const movedTags: ReadBack['movedTags'] = []
  if (ours) {
    digest = ours
    for (const s of states) if (s.digest !== ours) movedTags.push({ tag: s.tag, now: s.digest })
  } else {
    const distinct = [...new Set(states.map((s) => s.digest))]
    if (distinct.length !== 1) {
      throw new ActionError(
        `the pushed tags point to different digests in ${client.registry}/${client.repository}: ${states.map((s) => `${s.tag}=${s.digest}`).join(', ')}`,
        'another job may be pushing the same tags; give concurrent jobs distinct tags'
      )
    }
    digest = distinct[0] as string
  }

  // GET by digest: proves the registry holds exactly these bytes under this digest
  let manifest = states.find((s) => s.manifest?.digest === digest)?.manifest
  try {
    manifest ??= await client.manifest(digest)
  } catch (error) {
    if (ours && movedTags.length > 0 && error instanceof RegistryError && error.status === 404) {
      throw new ActionError(
        `digest mismatch: docker push reported ${ours} but ${client.registry}/${client.repository} does not hold it (tags point to ${movedTags.map((m) => m.now).join(', ')})`,
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
