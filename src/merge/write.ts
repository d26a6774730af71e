import * as core from '@actions/core'
import { ActionError } from '../action/errors'
import type { RegistryClient } from '../registry/client'
import { RegistryError } from '../registry/errors'
import type { Descriptor, ImageManifest } from '../registry/manifest'
import { tagStates } from '../registry/tags'
import type { ComposedIndex } from './compose'
import type { AttestationEntry, PlatformImage } from './read'

/**
 * Largest blob copied through the runner when a registry refuses a cross-repository mount: configs, attestation
 * statements and small layers. Anything larger is an error (this step copies no image layers; the transport also
 * caps a response body at 32 MiB).
 */
export const MAX_COPIED_BLOB_BYTES = 32 * 1024 * 1024

/** A child manifest that lives in another repository of the registry and must be copied into the target. */
export interface ForeignChild {
  repository: string
  digest: string
  mediaType: string
  manifest: ImageManifest
}

export interface CopyStats {
  mounted: number
  uploaded: number
  manifests: number
}

/** The children of the merge that are not in the target repository: their blobs must be mounted, their manifests copied. */
export function foreignChildren(target: string, images: readonly PlatformImage[], attestations: readonly AttestationEntry[]): ForeignChild[] {
  const out: ForeignChild[] = []
  for (const img of images) if (img.repository !== target) out.push({ repository: img.repository, digest: img.digest, mediaType: img.mediaType, manifest: img.manifest })
  for (const a of attestations) {
    if (a.repository === target || !a.manifest) continue
    out.push({ repository: a.repository, digest: a.descriptor.digest, mediaType: a.descriptor.mediaType, manifest: a.manifest })
  }
  return out
}

function blobsOf(m: ImageManifest): Descriptor[] {
  return [m.config, ...m.layers].filter((d): d is Descriptor => !!d?.digest)
}

/**
 * Copies children from other repositories of the same registry into the target: every blob mounted
 * (`POST …/blobs/uploads/?mount=&from=`; one request per distinct blob), then each manifest PUT by digest, with the
 * bytes the source served (so its digest, and every attestation's reference to it, stays the same). A refused mount
 * (202) of a small blob is completed by uploading the blob read from the source (hash-verified); a larger one fails
 * the step naming the blob, before any manifest is written.
 */
export async function copyChildren(
  target: RegistryClient,
  sourceClient: (repository: string) => RegistryClient,
  children: readonly ForeignChild[],
  manifestBytes: (child: ForeignChild) => Promise<Buffer>
): Promise<CopyStats> {
  const stats: CopyStats = { mounted: 0, uploaded: 0, manifests: 0 }
  const blobs = new Map<string, { descriptor: Descriptor; from: string }>()
  for (const child of children) for (const d of blobsOf(child.manifest)) if (!blobs.has(d.digest)) blobs.set(d.digest, { descriptor: d, from: child.repository })
  await Promise.all(
    [...blobs.values()].map(async ({ descriptor, from }) => {
      const mount = await target.mountBlob(descriptor.digest, from)
      if (mount.mounted) {
        stats.mounted++
        return
      }
      if (!(descriptor.size <= MAX_COPIED_BLOB_BYTES)) {
        throw new ActionError(
          `registry ${target.registry} refused to mount blob ${descriptor.digest} (${descriptor.size} bytes) from ${from} into ${target.repository}, and this step copies no image layers; no manifest was written`,
          `push the per-platform images to ${target.registry}/${target.repository} itself (tags such as sha-{{sha}}-linux-amd64), or give the credentials read access to ${from}: registries mount only what the token may pull`
        )
      }
      core.info(`Registry declined to mount ${descriptor.digest} from ${from}; copying it (${descriptor.size} bytes)`)
      await target.uploadBlob(mount.location, await sourceClient(from).blob(descriptor.digest), descriptor.digest)
      stats.uploaded++
    })
  )
  // attestation and image manifests in any order: the index, which references them, is written after all of them
  await Promise.all(
    children.map(async (child) => {
      await target.putManifest(child.digest, await manifestBytes(child), child.mediaType)
      stats.manifests++
    })
  )
  return stats
}

/**
 * PUTs the index under each tag, side by side (a PUT by tag stores it under its digest too; the read-back GETs it by
 * digest), or by digest when there is no tag.
 */
export async function pushIndex(target: RegistryClient, index: ComposedIndex, digest: string, tags: readonly string[]): Promise<void> {
  await Promise.all((tags.length > 0 ? tags : [digest]).map((ref) => target.putManifest(ref, index.bytes, index.mediaType)))
}

export interface HeldIndex {
  digest: string
  mediaType: string
  /** Tags that point elsewhere at read-back time (another push to the same tag in between). */
  movedTags: Array<{ tag: string; now: string }>
}

/**
 * What the registry holds after the writes: the index by digest (GET, the bytes hashed: an accepted PUT that stored
 * nothing, or stored something else, fails here), and where each tag points now (registry/tags.ts: a HEAD per tag
 * beside that GET, confirmed by it). A tag that is not there fails; a tag that points to another digest is reported
 * (another push to the same tag happened in between) and the index digest still stands.
 */
export async function readBackIndex(target: RegistryClient, digest: string, tags: readonly string[]): Promise<HeldIndex> {
  const where = `${target.registry}/${target.repository}`
  const [held, states] = await Promise.allSettled([
    target.manifest(digest),
    tagStates(target, tags, digest, (tag, error) =>
      error instanceof RegistryError && error.status === 404
        ? new ActionError(`registry ${target.registry} accepted tag '${tag}' but does not serve ${where}:${tag}`, 're-run the job; the index itself is in place, pinned by digest')
        : error
    )
  ])
  // the index by digest decides first: when it is not there, nothing was stored, whatever the tags say
  if (held.status === 'rejected') {
    const error = held.reason as unknown
    if (error instanceof RegistryError && error.status === 404) {
      throw new ActionError(
        `registry ${target.registry} accepted the index but does not serve ${where}@${digest}: nothing was stored`,
        'a proxy or cache between the runner and the registry may be answering for it; re-run the job, and report it to the registry operator if it persists'
      )
    }
    throw error
  }
  if (states.status === 'rejected') throw states.reason
  const movedTags = states.value.filter((s) => s.digest !== digest).map((s) => ({ tag: s.tag, now: s.digest }))
  return { digest: held.value.digest, mediaType: held.value.mediaType, movedTags }
}
