import { code, codeBlock, sections, text } from '../action/markdown'
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, isIndex, OCI_INDEX, OCI_MANIFEST } from '../registry/manifest'
import { formatPlatform, type Platform } from '../registry/platform'
import type { Outcome, Resolution } from './resolver'

export type ResolveOutputs = Record<'digests' | 'pinned' | 'digest' | 'missing', string>

/** `nginx:1.27` → `nginx:1.27@sha256:…`; an input that is already pinned is output as written. */
export function pinnedReference(input: string, r: Resolution): string {
  return r.verifiedPin ? input : `${input}@${r.digest}`
}

export function toResolveOutputs(outcomes: readonly Outcome[]): Partial<ResolveOutputs> {
  const resolved = outcomes.filter((o) => o.status === 'resolved')
  const digests = Object.fromEntries(resolved.map((o) => [o.target.input, o.resolution.digest]))
  const missing = outcomes.filter((o) => o.status === 'missing').map((o) => o.target.input)
  const only = outcomes.length === 1 ? resolved[0] : undefined
  return {
    digests: JSON.stringify(digests),
    pinned: resolved.map((o) => pinnedReference(o.target.input, o.resolution)).join('\n'),
    ...(only && { digest: only.resolution.digest }),
    missing: missing.join('\n')
  }
}

const KINDS: Record<string, string> = {
  [OCI_INDEX]: 'OCI image index',
  [DOCKER_MANIFEST_LIST]: 'Docker manifest list',
  [OCI_MANIFEST]: 'OCI image manifest',
  [DOCKER_MANIFEST]: 'Docker image manifest'
}

/** What the digest names, in words (the media type itself when it is not one of the four usual ones). */
function kind(mediaType: string): string {
  if (mediaType === '') return 'media type not reported'
  return KINDS[mediaType] ?? `${isIndex(mediaType) ? 'index' : 'manifest'} ${code(mediaType)}`
}

/** One line per resolved reference: what its digest names. The digests themselves are in the block above. */
function detail(o: Outcome & { status: 'resolved' }, platform: Platform | undefined): string {
  const r = o.resolution
  const parts = [kind(r.mediaType)]
  if (r.verifiedPin) parts.unshift('pinned input, verified to exist')
  if (r.indexDigest) parts.push(`the ${code(formatPlatform(platform as Platform))} manifest of index ${code(r.indexDigest)}`)
  else if (r.platforms) parts.push(`platforms ${r.platforms.map((p) => code(p)).join(' ')}`)
  else if (isIndex(r.mediaType) && !r.verifiedPin) parts.push('platforms not listed (`list-platforms: true` lists them)')
  return `- ${code(o.target.input)}: ${parts.join('; ')}`
}

/**
 * The resolve summary: the pinned references first, in one copyable block (exactly the `pinned` output), then what
 * was not resolved, then what each digest names. Lists, not a wide table: references and digests are long words
 * that a table cannot wrap.
 */
export function renderResolveSummary(outcomes: readonly Outcome[], platform?: Platform): string {
  const resolved = outcomes.filter((o): o is Outcome & { status: 'resolved' } => o.status === 'resolved')
  const unresolved = outcomes.filter((o): o is Exclude<Outcome, { status: 'resolved' }> => o.status !== 'resolved')
  const pinned = toResolveOutputs(outcomes).pinned ?? ''
  const s = outcomes.length === 1 ? '' : 's'
  return sections(
    `### Resolved ${resolved.length} of ${outcomes.length} image reference${s}`,
    platform && `Platform ${code(formatPlatform(platform))}: indexes are pinned to that platform's manifest.`,
    resolved.length > 0 && codeBlock(pinned),
    unresolved.length > 0 &&
      [
        '> [!WARNING]',
        `> Not resolved, so not in \`pinned\` or \`digests\`:`,
        ...unresolved.map((o) => `> - ${code(o.target.input)}: **${o.status === 'missing' ? 'not found' : 'failed'}**: ${text(o.message)}`)
      ].join('\n'),
    resolved.length > 0 && '#### Details',
    resolved.length > 0 && resolved.map((o) => detail(o, platform)).join('\n')
  )
}
