import { cell, code, link } from '../action/markdown'
import { BUILD_ATTEMPT_LABEL, BUILD_NUMBER_LABEL, COMMIT_LABEL, OCI_REVISION, OCI_SOURCE, OCI_URL } from './labels'
import type { Report } from './report'

/** Where a label's value leads: the commit page, the run (attempt) page, or the repository. */
export function labelLink(report: Report, key: string, value: string): string | undefined {
  if ((key === COMMIT_LABEL || key === OCI_REVISION) && value === report.commit.sha) return report.commitUrl
  if (key === BUILD_NUMBER_LABEL && value === report.runNumber) return report.runUrl
  if (key === BUILD_ATTEMPT_LABEL && value === report.runAttempt && report.runUrl) return `${report.runUrl}/attempts/${value}`
  if ((key === OCI_SOURCE || key === OCI_URL) && /^https:\/\/[^\s()<>]+$/.test(value)) return value
  return undefined
}

/** The job summary as markdown: what a reviewer needs at a glance. */
export function renderSummary(report: Report): string {
  const lines: string[] = []
  lines.push(`### ${report.pushed ? 'Pushed' : 'Built'} ${cell(report.image)}`, '')
  lines.push('| | |', '|---|---|')
  if (report.pinned && report.digest) {
    lines.push(`| **Pinned** | ${code(report.pinned)} |`)
    lines.push(`| Digest | ${code(report.digest)} (read back from the registry, sha256 verified) |`)
    if (report.mediaType) lines.push(`| Media type | ${code(report.mediaType)} |`)
  } else {
    lines.push(`| Digest | not pushed (\`push: false\`) |`)
  }
  lines.push(`| Image ID | ${code(report.imageId)} |`)
  lines.push(`| Tags | ${report.tags.map((t) => code(t)).join('<br>')} |`)
  lines.push(`| Commit | ${link(code(report.commit.sha), report.commitUrl)} (${report.commit.source}) |`)
  if (report.runNumber) {
    const attempt = report.runAttempt && report.runAttempt !== '1' ? ` attempt ${report.runAttempt}` : ''
    lines.push(`| Run | ${link(`#${report.runNumber}${attempt}`, report.runUrl)} |`)
  }
  lines.push('')
  if (report.movedTags.length > 0) {
    lines.push('> [!WARNING]')
    for (const m of report.movedTags) {
      lines.push(`> Tag ${code(m.tag)} now points to ${code(m.now)}: another push happened after this one. Deploy with the pinned reference.`)
    }
    lines.push('')
  }
  lines.push(report.pushed ? '#### Labels (as held by the registry)' : '#### Labels (as built)', '')
  lines.push('| Label | Value | Source |', '|---|---|---|')
  for (const key of Object.keys(report.labels).sort()) {
    const value = report.labels[key] as string
    lines.push(`| ${code(key)} | ${link(code(value), labelLink(report, key, value))} | ${report.labelSources[key] ?? 'image (base or Dockerfile)'} |`)
  }
  lines.push('')
  lines.push(
    '<sub>Source: <em>action</em> = set by this action from the commit and run; <em>user</em> = from the <code>labels</code> input; ' +
      '<em>image</em> = inherited from the base image or a <code>LABEL</code> in the Dockerfile.</sub>',
    ''
  )
  if (report.pinned) {
    lines.push('<details><summary>Deploy by digest</summary>', '', '```yaml')
    lines.push(`image: ${report.pinned}`, '```', '', '</details>', '')
  }
  return lines.join('\n')
}
