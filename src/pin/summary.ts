import { code, fence, html } from '../action/markdown'
import type { PinnedFile } from './files'

/** `changed-files`: the relative paths, one per line. */
export function changedFilesOutput(files: readonly PinnedFile[]): string {
  return files.map((f) => f.rel).join('\n')
}

/** The "Pinned files" section: per file, a diff of the changed lines. */
export function renderPinSummary(files: readonly PinnedFile[], wrote: boolean, scanned: number, notes: readonly string[]): string {
  const lines: string[] = []
  const verb = wrote ? 'Pinned' : 'Would pin (dry run, `write: false`)'
  lines.push(`#### ${verb}: ${files.length} of ${scanned} file${scanned === 1 ? '' : 's'} changed`, '')
  for (const f of files) {
    const body: string[] = []
    const seen = new Set<number>()
    for (const c of f.changes) {
      if (seen.has(c.line)) continue // several references on one line: the line's diff shows them all
      seen.add(c.line)
      // an added field (kustomize's `digest:`) makes the after side several lines, each marked added
      body.push(`@@ line ${c.line} @@`, `-${c.before}`, ...c.after.split(/\r?\n/).map((l) => `+${l}`))
    }
    const text = body.join('\n')
    const f3 = fence(text)
    lines.push(`<details open><summary><code>${html(f.rel)}</code> (${f.changes.length} reference${f.changes.length === 1 ? '' : 's'})</summary>`, '')
    lines.push(`${f3}diff`, text, f3, '', '</details>', '')
  }
  if (notes.length > 0) {
    lines.push('Left as they are:', '')
    for (const n of notes) lines.push(`- ${code(n)}`)
    lines.push('')
  }
  return lines.join('\n')
}
