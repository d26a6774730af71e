import { code, codeBlock, html, htmlCode, htmlLink, htmlTable, link, sections, text } from '../action/markdown'
import type { Change } from '../pin/edits'
import type { PinReport } from './report'

/** One file of the pull request: its path, and the references that changed in it. */
export interface ChangedFile {
  path: string
  changes: Change[]
}

/** Hidden markers: how a later run finds the pull request body and the comment this action wrote. */
export const PR_MARKER = '<!-- pinned-build:pull-request -->'
export function commentMarker(key: string): string {
  // `--` cannot appear inside an HTML comment; the key is a reference or a word
  return `<!-- pinned-build:comment ${key.replace(/-{2,}/g, '-').replace(/>/g, '')} -->`
}

function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1')
}

function runText(report: PinReport): string | undefined {
  const run = report.run
  if (!run?.number && !run?.url) return undefined
  const attempt = run.attempt && run.attempt !== '1' ? ` attempt ${run.attempt}` : ''
  return link(`run #${run.number ?? '?'}${attempt}`, run.url)
}

export function pullRequestTitle(report: PinReport): string {
  const only = report.references.length === 1 ? report.references[0] : undefined
  return only ? `Pin ${report.subject} to ${shortDigest(only.digest)}` : `Pin ${report.subject} to their digests`
}

/** The commit message names the image, the digest and the run, so `git log` alone says where a pin came from. */
export function commitMessage(report: PinReport, files: readonly ChangedFile[]): string {
  const lines = [pullRequestTitle(report), '']
  for (const r of report.references) lines.push(`- ${r.reference}`)
  lines.push('', `Files: ${files.map((f) => f.path).join(', ')}`)
  if (report.commit) lines.push(`Built from: ${report.commit.sha}`)
  if (report.run?.url) lines.push(`Run: ${report.run.url}${report.run.attempt ? ` (attempt ${report.run.attempt})` : ''}`)
  return `${lines.join('\n')}\n`
}

function referencesBlock(report: PinReport): string {
  return codeBlock(report.references.map((r) => r.reference).join('\n'))
}

function labelTable(report: PinReport): string | undefined {
  if (!report.labels || report.labels.length === 0) return undefined
  const rows = report.labels.map((l) => [htmlCode(l.name, { wrap: false }), htmlLink(htmlCode(l.value), l.url)])
  return sections('#### Labels (read back from the registry)', htmlTable(['Label', 'Value'], rows))
}

function footer(report: PinReport, what: string): string {
  const parts = [runText(report), report.commit && `commit ${link(code(report.commit.sha.slice(0, 12)), report.commit.url)}`].filter(Boolean)
  return `<sub>${what}${parts.length > 0 ? ` by ${parts.join(', ')}` : ''}. A later run updates it.</sub>`
}

/** The pull request: the pinned references, what changed per file, the labels read back, the run and commit. */
export function pullRequestBody(report: PinReport, files: readonly ChangedFile[]): string {
  const rows = files.flatMap((f) => f.changes.map((c) => [htmlCode(f.path), html(String(c.line)), htmlCode(c.from), htmlCode(c.to)]))
  return sections(
    PR_MARKER,
    `Pins the deploy files to the digest${report.references.length === 1 ? '' : 's'} the registry holds for ${code(report.subject)}.`,
    '#### Pinned references',
    referencesBlock(report),
    '#### What changed',
    htmlTable(['File', 'Line', 'Before', 'After'], rows),
    labelTable(report),
    footer(report, 'Written')
  )
}

/** The sticky comment: the pinned reference in a block GitHub gives a copy button, the digest, the labels. */
export function commentBody(report: PinReport): string {
  const only = report.references.length === 1 ? report.references[0] : undefined
  const digests = only
    ? `Digest: ${code(only.digest)} (read back from the registry)`
    : htmlTable(['Reference', 'Digest'], report.references.map((r) => [htmlCode(r.reference.replace(/@sha256:[0-9a-f]+$/, '')), htmlCode(r.digest)]))
  return sections(`${commentMarker(report.key)}\n### Pinned ${text(report.subject)}`, referencesBlock(report), digests, labelTable(report), footer(report, 'Updated'))
}
