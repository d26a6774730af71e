import { cell, code } from '../action/markdown'
import { isIndex } from '../registry/manifest'
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

function kind(mediaType: string): string {
  if (mediaType === '') return 'unknown (not reported)'
  return `${isIndex(mediaType) ? 'index' : 'image'} ${code(mediaType)}`
}

export function renderResolveSummary(outcomes: readonly Outcome[], platform?: Platform): string {
  const lines: string[] = []
  const n = outcomes.filter((o) => o.status === 'resolved').length
  lines.push(`### Resolved ${n} of ${outcomes.length} image reference${outcomes.length === 1 ? '' : 's'}`, '')
  if (platform) lines.push(`Platform: ${code(formatPlatform(platform))} (indexes are pinned to that platform's manifest)`, '')
  lines.push('| Reference | Digest | Media type | Platforms |', '|---|---|---|---|')
  for (const o of outcomes) {
    if (o.status !== 'resolved') {
      lines.push(`| ${code(o.target.input)} | **${o.status === 'missing' ? 'not found' : 'failed'}** | | ${cell(o.message)} |`)
      continue
    }
    const r = o.resolution
    let platforms = ''
    if (r.indexDigest) platforms = `${code(formatPlatform(platform as Platform))} of index ${code(r.indexDigest)}`
    else if (r.platforms) platforms = r.platforms.map((p) => code(p)).join(' ')
    else if (isIndex(r.mediaType)) platforms = r.verifiedPin ? 'not listed' : 'not listed (`list-platforms: true` lists them)'
    const digest = `${code(r.digest)}${r.verifiedPin ? ' (pinned input, verified to exist)' : ''}`
    lines.push(`| ${code(o.target.input)} | ${digest} | ${kind(r.mediaType)} | ${platforms} |`)
  }
  lines.push('')
  return lines.join('\n')
}
