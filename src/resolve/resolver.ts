import { ActionError, describeError } from '../action/errors'
import { PlatformNotFoundError, RegistryError, type RegistryClient } from '../registry/client'
import { isIndex } from '../registry/manifest'
import { formatPlatform, platformEntries, type Platform } from '../registry/platform'
import { formatReference, type ImageName, type ImageReference } from '../registry/reference'
import type { ResolveTarget } from './inputs'
import { mapLimit } from '../action/pool'

export interface Resolution {
  /** The manifest digest to deploy: the tag's, or with `platform` the platform manifest's inside the index. */
  digest: string
  /** Media type of that manifest as the registry reported it ('' when the registry did not say). */
  mediaType: string
  /** The tag pointed to an index and `platform` picked one of its manifests: the index digest. */
  indexDigest?: string
  /** Platforms listed by the index, when it was read (`platform` or `list-platforms`). */
  platforms?: string[]
  /** The input was already pinned: the digest was checked to exist in the registry (HEAD by digest), not resolved. */
  verifiedPin: boolean
}

export type Outcome =
  | { target: ResolveTarget; status: 'resolved'; resolution: Resolution }
  | { target: ResolveTarget; status: 'missing'; message: string }
  | { target: ResolveTarget; status: 'failed'; message: string }

export interface ResolveOptions {
  client: (name: ImageName) => RegistryClient
  platform?: Platform
  listPlatforms?: boolean
  concurrency: number
}

/**
 * Resolves one reference with as few requests as possible (client.descriptor):
 *  - tag: HEAD (not a pull on Docker Hub); GET + hash only when the HEAD lacks a valid Docker-Content-Digest;
 *  - already pinned: HEAD by digest; a 200 proves the registry holds a manifest under exactly that digest (registries
 *    address manifests by the hash of their bytes), which is what "verified" means here. The bytes are not downloaded,
 *    and `platform` does not apply: the user pinned what they want;
 *  - `platform` on an index: the index by digest, hashed, then the platform's entry; `listPlatforms`: the index's
 *    platforms, read the same way.
 */
export async function resolveOne(client: RegistryClient, ref: ImageReference, opts: Pick<ResolveOptions, 'platform' | 'listPlatforms'>): Promise<Resolution> {
  const platform = ref.digest ? undefined : opts.platform
  let found
  try {
    found = await client.descriptor(ref.digest ?? ref.tag ?? 'latest', { ...(platform && { platform }) })
  } catch (error) {
    if (!(error instanceof PlatformNotFoundError)) throw error
    const has = error.platforms.join(', ')
    throw new ActionError(
      `${formatReference(ref, true)} is an index without ${formatPlatform(error.platform)} (it has ${has || 'no platform entries'})`,
      `set 'platform' to one of ${has || 'its platforms'}, or leave it empty to pin the index`
    )
  }
  const verifiedPin = !!ref.digest
  if (found.index) {
    return { digest: found.digest, mediaType: found.mediaType, indexDigest: found.index.digest, platforms: found.index.platforms, verifiedPin }
  }
  if (!opts.listPlatforms || !isIndex(found.mediaType)) return { digest: found.digest, mediaType: found.mediaType, verifiedPin }
  const platforms = platformEntries(await client.index(found.digest)).map((m) => formatPlatform(m.platform))
  return { digest: found.digest, mediaType: found.mediaType, platforms, verifiedPin }
}

/**
 * Resolves every target concurrently (at most `concurrency` requests in flight, over the clients' shared
 * connection pool); outcomes are in input order. Identical references spelled differently (`nginx` and
 * `docker.io/library/nginx:latest`) are asked once. References of one repository share its token (RegistryAuth
 * fetches one per scope, however many requests wait for it).
 */
export async function resolveAll(targets: readonly ResolveTarget[], opts: ResolveOptions): Promise<Outcome[]> {
  const byKey = new Map<string, { ref: ImageReference; targets: number[] }>()
  for (const [i, t] of targets.entries()) {
    const key = formatReference({ ...t.ref, tag: t.ref.digest ? t.ref.tag : (t.ref.tag ?? 'latest') })
    const entry = byKey.get(key) ?? { ref: t.ref, targets: [] }
    entry.targets.push(i)
    byKey.set(key, entry)
  }
  const results = await mapLimit([...byKey.values()], opts.concurrency, async (job) => {
    try {
      return { job, ok: true as const, resolution: await resolveOne(opts.client(job.ref), job.ref, opts) }
    } catch (error) {
      return { job, ok: false as const, error }
    }
  })

  const outcomes = new Array<Outcome>(targets.length)
  for (const r of results) {
    for (const i of r.job.targets) {
      const target = targets[i] as ResolveTarget
      if (r.ok) outcomes[i] = { target, status: 'resolved', resolution: r.resolution }
      else if (r.error instanceof RegistryError && r.error.status === 404) {
        outcomes[i] = { target, status: 'missing', message: r.error.message }
      } else outcomes[i] = { target, status: 'failed', message: describeError(r.error) }
    }
  }
  return outcomes
}

/** Fails on any error, and on missing references unless they may be skipped; names every reference concerned. */
export function checkOutcomes(outcomes: readonly Outcome[], failOnMissing: boolean): void {
  const failed = outcomes.filter((o) => o.status === 'failed')
  const missing = outcomes.filter((o) => o.status === 'missing')
  const problems = [...failed, ...(failOnMissing ? missing : [])]
  if (problems.length === 0) return
  const lines = problems.map((o) => `  ${o.target.input}: ${o.status === 'missing' ? `not found (${o.message})` : o.message}`)
  const onlyMissing = failed.length === 0
  throw new ActionError(
    `${problems.length} of ${outcomes.length} image reference${outcomes.length === 1 ? '' : 's'} could not be resolved:\n${lines.join('\n')}`,
    onlyMissing
      ? "check the names and tags in 'images', or set 'fail-on-missing: false' to report and skip missing references"
      : undefined
  )
}
