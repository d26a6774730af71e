import { html, htmlCode, htmlTable, sections } from '../action/markdown'
import type { Report } from './report'

/**
 * The platforms section of the job summary (pushed only): each platform's manifest and config digest as read back,
 * and whether the index carries attestations. Attestation manifests are counted here, never listed as platforms.
 * An HTML table with wrappable digests, like the labels: two digests side by side would not fit a markdown table.
 */
export function renderPlatforms(report: Report): string | undefined {
  if (!report.pushed || !report.platforms || report.platforms.length === 0) return undefined
  const rows = report.platforms.map((p) => [htmlCode(p.platform), htmlCode(p.digest), htmlCode(p.configDigest)])
  return sections(
    `#### Platforms (${report.platforms.length}, each read back and verified)`,
    htmlTable(['Platform', 'Manifest digest', 'Config digest'], rows),
    html(attestationLine(report.attestations))
  )
}

function attestationLine(a: Report['attestations']): string {
  if (!a || a.count === 0) return 'Attestations: none (no provenance, no SBOM attached).'
  const kinds = `provenance ${a.provenance ? 'attached' : 'not attached'}, SBOM ${a.sbom ? 'attached' : 'not attached'}`
  return `Attestations: ${kinds} (${a.count} attestation manifest${a.count === 1 ? '' : 's'} in the index, not platforms).`
}
