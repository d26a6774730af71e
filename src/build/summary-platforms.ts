import { code } from '../action/markdown'
import type { Report } from './report'

/**
 * The platforms section of the job summary (pushed only): each platform's manifest and config digest as read back,
 * and whether the index carries attestations. Attestation manifests are counted here, never listed as platforms.
 */
export function renderPlatforms(report: Report): string | undefined {
  if (!report.pushed || !report.platforms || report.platforms.length === 0) return undefined
  const lines = [`#### Platforms (${report.platforms.length}, each read back and verified)`, '']
  lines.push('| Platform | Manifest digest | Config digest |', '|---|---|---|')
  for (const p of report.platforms) lines.push(`| ${code(p.platform)} | ${code(p.digest)} | ${code(p.configDigest)} |`)
  lines.push('', attestationLine(report.attestations), '')
  return lines.join('\n')
}

function attestationLine(a: Report['attestations']): string {
  if (!a || a.count === 0) return 'Attestations: none (no provenance, no SBOM attached).'
  const kinds = `provenance ${a.provenance ? 'attached' : 'not attached'}, SBOM ${a.sbom ? 'attached' : 'not attached'}`
  return `Attestations: ${kinds} (${a.count} attestation manifest${a.count === 1 ? '' : 's'} in the index, not platforms).`
}
