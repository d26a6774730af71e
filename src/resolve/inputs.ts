import { cut, InputError } from '../action/errors'
import { parseBoolean, parseLines, parseReferenceInput, parseRegistryTimeout, type InputReader } from '../action/inputs'
import { readPinInputs, type PinInputs } from '../pin/inputs'
import { parsePlatform, type Platform } from '../registry/platform'
import type { ImageReference } from '../registry/reference'

export interface ResolveTarget {
  /** The reference as the user wrote it: outputs keep this spelling. */
  input: string
  ref: ImageReference
}

export interface ResolveInputs extends PinInputs {
  /** Deduplicated (identical lines once), in input order. */
  targets: ResolveTarget[]
  platform?: Platform
  failOnMissing: boolean
  concurrency: number
  listPlatforms: boolean
  summary: boolean
  /** `registry-timeout` in ms: the budget for the whole resolve. */
  registryTimeoutMs: number
}

// Requests in flight: each wave of concurrent HEADs costs one round trip to a distant registry, so the wider the wave
// the fewer round trips; HEADs are not pulls (no rate-limit cost on Docker Hub).
export const DEFAULT_CONCURRENCY = 32

export function parseImages(raw: string): ResolveTarget[] {
  const lines = [...new Set(parseLines(raw))]
  if (lines.length === 0) {
    throw new InputError('images', 'is required', "list the image references to resolve, one per line, e.g. 'nginx:1.27' or 'ghcr.io/acme/worker:main'")
  }
  const hint = 'write one reference per line: name[:tag][@sha256:<64 hex>], e.g. nginx:1.27 or ghcr.io/acme/worker:main'
  const targets = lines.map((input) => ({ input, ref: parseReferenceInput('images', input, hint) }))
  // the same name:tag asked with two digests: which one to pin the files to cannot be decided by input order
  const byTag = new Map<string, ResolveTarget>()
  for (const t of targets) {
    if (!t.ref.digest || !t.ref.tag) continue
    const key = `${t.ref.registry}/${t.ref.repository}:${t.ref.tag}`
    const other = byTag.get(key)
    if (other && other.ref.digest !== t.ref.digest) {
      throw new InputError('images', `${key} is asked with two digests: '${other.input}' and '${t.input}'`, 'keep one of them: a tag names one image')
    }
    byTag.set(key, t)
  }
  return targets
}

export function readResolveInputs(read: InputReader): ResolveInputs {
  const targets = parseImages(read('images'))
  const platformRaw = read('platform')
  const platform = platformRaw ? parsePlatform(platformRaw) : undefined
  if (platformRaw && !platform) {
    throw new InputError('platform', `'${cut(platformRaw)}' is not a platform`, 'write os/architecture[/variant], e.g. linux/arm64 or linux/arm/v7')
  }
  const concurrencyRaw = read('concurrency')
  const concurrency = concurrencyRaw === '' ? DEFAULT_CONCURRENCY : Number(concurrencyRaw)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new InputError('concurrency', `'${cut(concurrencyRaw)}' is not a whole number from 1 to 32`, `leave it empty for ${DEFAULT_CONCURRENCY}`)
  }
  return {
    targets,
    ...(platform && { platform }),
    failOnMissing: parseBoolean('fail-on-missing', read('fail-on-missing'), true),
    concurrency,
    listPlatforms: parseBoolean('list-platforms', read('list-platforms'), false),
    summary: parseBoolean('summary', read('summary'), true),
    registryTimeoutMs: parseRegistryTimeout(read('registry-timeout')),
    ...readPinInputs(read)
  }
}
