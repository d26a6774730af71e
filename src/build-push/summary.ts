import { code, codeBlock, html, htmlCode, htmlLink, htmlTable, link, sections } from '../action/markdown'
import { BUILD_ATTEMPT_LABEL, BUILD_NUMBER_LABEL, COMMIT_LABEL, OCI_REVISION, OCI_SOURCE, OCI_URL } from '../plan/labels'
import type { Report } from './report'

/** Where a label's value leads: the commit page, the run (attempt) page, or the repository. */
export function labelLink(report: Report, key: string, value: string): string | undefined {
  if ((key === COMMIT_LABEL || key === OCI_REVISION) && value === report.commit.sha) return report.commitUrl
  if (key === BUILD_NUMBER_LABEL && value === report.runNumber) return report.runUrl
  if (key === BUILD_ATTEMPT_LABEL && value === report.runAttempt && report.runUrl) return `${report.runUrl}/attempts/${value}`
  if ((key === OCI_SOURCE || key === OCI_URL) && /^https:\/\/[^\s()<>"']+$/.test(value)) return value
  return undefined
}

/** The facts under the pinned reference, as a list: it wraps at any width (a table of digests would not). */
function facts(report: Report): string {
  const items: string[] = []
  if (report.digest) {
    items.push(`**Digest** ${code(report.digest)} (read back from the registry, sha256 verified)`)
    if (report.mediaType) items.push(`**Media type** ${code(report.mediaType)}`)
  } else if (report.called) {
    items.push(`**Digest** none: \`call: ${report.called.method}\` builds no image`)
  } else {
    items.push('**Digest** none: not pushed (`push: false`)')
  }
  items.push(`**Tags** ${report.tags.map((t) => code(t)).join(' ')}`)
  items.push(`**Commit** ${link(code(report.commit.sha), report.commitUrl)} (${report.commit.source})`)
  if (report.runNumber) {
    const attempt = report.runAttempt && report.runAttempt !== '1' ? ` attempt ${report.runAttempt}` : ''
    items.push(`**Run** ${link(`#${report.runNumber}${attempt}`, report.runUrl)}`)
  }
  items.push(`**Image ID** ${code(report.imageId)}`)
  return items.map((i) => `- ${i}`).join('\n')
}

function movedTags(report: Report): string | undefined {
  if (report.movedTags.length === 0) return undefined
  const lines = ['> [!WARNING]']
  for (const m of report.movedTags) {
    lines.push(`> Tag ${code(m.tag)} now points to ${code(m.now)}: another push happened after this one. Deploy with the pinned reference.`)
  }
  return lines.join('\n')
}

/** One row per registry (repository) read back: each verified with its own credentials, all holding one digest. */
function registryTable(report: Report): string | undefined {
  const repos = report.repositories
  if (!repos || repos.length < 2) return undefined
  const rows = repos.map((r) => [htmlCode(r.registry), htmlCode(r.image), htmlCode(r.digest), r.tags.map((t) => htmlCode(t.slice(t.lastIndexOf(':') + 1))).join(' ')])
  return sections(`#### Registries (${repos.length}, each read back and verified, one digest)`, htmlTable(['Registry', 'Repository', 'Digest', 'Tags'], rows))
}

/** With `call: check` (or another method): what buildx reported, and that no image was made. */
function called(report: Report): string | undefined {
  if (!report.called) return undefined
  return sections(`#### \`call: ${report.called.method}\`: no image built, nothing pushed`, codeBlock(report.called.output || '(buildx printed nothing)'))
}

/** The labels exactly as held (or built): an HTML table, so any value (`<b>`, `C:\tmp`, backticks, spaces) shows as it is. */
function labelTable(report: Report): string {
  const rows = Object.keys(report.labels)
    .sort()
    .map((key) => {
      const value = report.labels[key] as string
      return [htmlCode(key, { wrap: false }), htmlLink(htmlCode(value), labelLink(report, key, value)), html(report.labelSources[key] ?? 'image')]
    })
  return htmlTable(['Label', 'Value', 'Source'], rows)
}

/**
 * The job summary as markdown: the pinned reference first, alone and copyable, then the facts a reviewer checks,
 * then the labels. Other sections (pinned files, platforms) are joined after it with sections().
 */
export function renderSummary(report: Report): string {
  const pushed = report.pushed && report.pinned
  return sections(
    `### ${pushed ? 'Pushed' : 'Built'} ${code(report.image)}`,
    pushed ? codeBlock(report.pinned as string) : undefined,
    facts(report),
    called(report),
    registryTable(report),
    movedTags(report),
    report.pushed ? '#### Labels (as held by the registry)' : '#### Labels (as built)',
    labelTable(report),
    '<sub>Source: <em>action</em> = set by this action from the commit and run; <em>user</em> = from the <code>labels</code> input; ' +
      '<em>image</em> = inherited from the base image or a <code>LABEL</code> in the Dockerfile.</sub>'
  )
}
