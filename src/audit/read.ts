import { describeError } from '../action/errors'
import { mapLimit } from '../action/pool'
import type { RegistryClient } from '../registry/client'
import { RegistryError } from '../registry/errors'
import { readImage, type ImageView } from '../registry/image'
import { isIndex } from '../registry/manifest'
import { platformEntries } from '../registry/platform'
import type { ImageName, ImageReference } from '../registry/reference'

/** What the registry says of one digest: the image view, or why there is none. */
export type DigestRead = { state: 'found'; view: ImageView } | { state: 'missing'; reason: string } | { state: 'error'; reason: string }

/** Where a tag points now (and, for an index, the manifests it lists), or why that is not known. */
export type TagRead =
  | { state: 'found'; digest: string; mediaType: string; listed?: ReadonlySet<string> }
  | { state: 'missing'; reason: string }
  | { state: 'error'; reason: string }

export interface RegistryReads {
  digests: Map<string, DigestRead>
  tags: Map<string, TagRead>
}

const repoKey = (ref: ImageName): string => `${ref.registry}/${ref.repository}`
export const digestKey = (ref: ImageName & { digest: string }): string => `${repoKey(ref)}@${ref.digest}`
export const tagKeyOf = (ref: ImageName & { tag?: string }): string => `${repoKey(ref)}:${ref.tag ?? 'latest'}`

function failure(error: unknown): { state: 'missing'; reason: string } | { state: 'error'; reason: string } {
  if (error instanceof RegistryError && error.status === 404) return { state: 'missing', reason: error.message }
  return { state: 'error', reason: describeError(error) }
}

interface Job {
  ref: ImageName
  run: () => Promise<void>
}

/**
 * One read per distinct digest (the image view: every platform's config, for its labels; attestations listed, not
 * fetched) and one per distinct tag (a HEAD: where it points now), all side by side, at most `concurrency` at once,
 * over the clients' shared connection pool and under their `registry-timeout` budget (the reads of one repository
 * share one token: RegistryAuth fetches one per scope). A tag that names an index while a reference pins
 * another digest under it is also read (one GET), so a platform manifest pinned out of the index is not taken for moved.
 */
export async function readRegistry(refs: readonly ImageReference[], client: (name: ImageName) => RegistryClient, concurrency: number): Promise<RegistryReads> {
  const digests = new Map<string, DigestRead>()
  const tags = new Map<string, TagRead>()
  const pinnedUnderTag = new Map<string, Set<string>>()
  const jobs = new Map<string, Job>()
  for (const ref of refs) {
    if (ref.digest) {
      const digest = ref.digest
      const key = digestKey({ ...ref, digest })
      if (!jobs.has(key)) {
        jobs.set(key, {
          ref,
          run: async () => {
            try {
              digests.set(key, { state: 'found', view: await readImage(client(ref), digest, { attestations: 'list' }) })
            } catch (error) {
              digests.set(key, failure(error))
            }
          }
        })
      }
    }
    if (ref.tag || !ref.digest) {
      const key = tagKeyOf(ref)
      if (ref.digest) pinnedUnderTag.set(key, (pinnedUnderTag.get(key) ?? new Set()).add(ref.digest))
      if (!jobs.has(key)) {
        jobs.set(key, {
          ref,
          run: async () => {
            try {
              const found = await client(ref).descriptor(ref.tag ?? 'latest')
              const others = [...(pinnedUnderTag.get(key) ?? [])].some((d) => d !== found.digest)
              const listed = others && isIndex(found.mediaType) ? new Set(platformEntries(await client(ref).index(found.digest)).map((m) => m.digest)) : undefined
              tags.set(key, { state: 'found', digest: found.digest, mediaType: found.mediaType, ...(listed && { listed }) })
            } catch (error) {
              tags.set(key, failure(error))
            }
          }
        })
      }
    }
  }
  // side by side: the references of one repository share its token (RegistryAuth fetches one per scope)
  await mapLimit([...jobs.values()], concurrency, (job) => job.run())
  return { digests, tags }
}
