import { ActionError, describeError } from '../errors'
import { formatName, formatReference, type ImageName, type ImageReference } from '../reference'
import { RegistryError, type RegistryClient } from '../registry/client'
import { isIndex, type ImageIndex } from '../registry/media-types'
import type { ResolveTarget } from './inputs'
import { formatPlatform, pickPlatformEntry, platformEntries, type Platform } from './platform'
import { mapLimit } from './pool'

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

const SHA256 = /^sha256:[0-9a-f]{64}$/

function parseIndex(bytes: Buffer, what: string): ImageIndex {
  try {
    const index = JSON.parse(bytes.toString('utf8')) as ImageIndex
    if (!Array.isArray(index.manifests)) throw new Error('no manifests array')
    return index
  } catch (e) {
    throw new ActionError(`${what} is not a valid image index: ${(e as Error).message}`)
  }
}

/**
 * Resolves one reference with as few requests as possible:
 *  - tag: HEAD (not a pull on Docker Hub); GET + hash only when the HEAD lacks a valid Docker-Content-Digest;
 *  - already pinned: HEAD by digest; a 200 proves the registry holds a manifest under exactly that digest (registries
 *    address manifests by the hash of their bytes), which is what "verified" means here; a header that names another
 *    digest is an error. The bytes are not downloaded;
 *  - index, when `platform` (or `listPlatforms`) asks for its content: GET by digest, hashed, then the platform's entry.
 */
export async function resolveOne(client: RegistryClient, ref: ImageReference, opts: Pick<ResolveOptions, 'platform' | 'listPlatforms'>): Promise<Resolution> {
  const asked = ref.digest ?? ref.tag ?? 'latest'
  const head = await client.head(asked)
  let digest: string
  let mediaType = head.mediaType ?? ''
  let bytes: Buffer | undefined
  if (ref.digest) {
    if (head.digest && head.digest !== ref.digest) {
      throw new RegistryError(`registry ${client.registry} answered for ${ref.digest} with a manifest whose digest is ${head.digest}`)
    }
    digest = ref.digest
  } else if (head.digest && SHA256.test(head.digest)) {
    digest = head.digest
  } else {
    const m = await client.manifest(asked)
    digest = m.digest
    mediaType = m.mediaType
    bytes = m.bytes
  }
  const resolution: Resolution = { digest, mediaType, verifiedPin: !!ref.digest }
  const wantPlatform = opts.platform && !ref.digest
  if (!isIndex(mediaType) || !(wantPlatform || opts.listPlatforms)) return resolution

  bytes ??= (await client.manifest(digest)).bytes
  const index = parseIndex(bytes, `index ${digest} of ${formatName(ref)}`)
  const platforms = platformEntries(index).map((m) => formatPlatform(m.platform as NonNullable<typeof m.platform>))
  resolution.platforms = platforms
  if (!wantPlatform || !opts.platform) return resolution
  const entry = pickPlatformEntry(index, opts.platform)
  if (!entry || !SHA256.test(entry.digest)) {
    throw new ActionError(
      `${formatReference(ref, true)} is an index without ${formatPlatform(opts.platform)} (it has ${platforms.join(', ') || 'no platform entries'})`,
      `set 'platform' to one of ${platforms.join(', ') || 'its platforms'}, or leave it empty to pin the index`
    )
  }
  return { digest: entry.digest, mediaType: entry.mediaType, indexDigest: digest, platforms, verifiedPin: false }
}

function repoKey(ref: ImageName): string {
  return `${ref.registry}/${ref.repository}`
}

/**
 * Resolves every target concurrently (at most `concurrency` requests in flight, over the clients' shared
 * connection pool); outcomes are in input order. Identical references spelled differently (`nginx` and
 * `docker.io/library/nginx:latest`) are asked once. The first reference of each repository goes alone, so the
 * repository's token is fetched once and every other reference costs exactly one request.
 */
export async function resolveAll(targets: readonly ResolveTarget[], opts: ResolveOptions): Promise<Outcome[]> {
  const byKey = new Map<string, { ref: ImageReference; targets: number[] }>()
  for (const [i, t] of targets.entries()) {
    const key = formatReference({ ...t.ref, tag: t.ref.digest ? t.ref.tag : (t.ref.tag ?? 'latest') })
    const entry = byKey.get(key) ?? { ref: t.ref, targets: [] }
    entry.targets.push(i)
    byKey.set(key, entry)
  }
  const jobs = [...byKey.values()]
  // first of each repository first: its request answers the auth challenge for the rest
  const seen = new Set<string>()
  const firsts = jobs.filter((j) => !seen.has(repoKey(j.ref)) && seen.add(repoKey(j.ref)))
  const ordered = [...firsts, ...jobs.filter((j) => !firsts.includes(j))]
  const ready = new Map<string, Promise<unknown>>()

  const results = await mapLimit(ordered, opts.concurrency, async (job) => {
    const key = repoKey(job.ref)
    const run = async (): Promise<Resolution> => resolveOne(opts.client(job.ref), job.ref, opts)
    let promise: Promise<Resolution>
    const first = ready.get(key)
    if (first === undefined) {
      promise = run()
      ready.set(
        key,
        promise.catch(() => undefined)
      )
    } else {
      promise = first.then(run)
    }
    try {
      return { job, ok: true as const, resolution: await promise }
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
