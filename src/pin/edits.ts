/** A replacement of `source.slice(start, end)` by `text`; `from`/`to` are the references before and after. */
export interface Edit {
  start: number
  end: number
  text: string
  from: string
  to: string
}

/** One changed reference, with its whole line before and after (1-based line number) for the diff in the summary. */
export interface Change {
  line: number
  from: string
  to: string
  before: string
  after: string
}

/** Applies non-overlapping edits to `source`; every byte outside the edited ranges is kept as it was. */
export function applyEdits(source: string, edits: readonly Edit[]): { text: string; changes: Change[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  const changes: Change[] = []
  let out = ''
  let pos = 0
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at offset ${e.start}`)
    out += source.slice(pos, e.start) + e.text
    pos = e.end
  }
  out += source.slice(pos)
  // line texts: the edited line in the source, and the same line with every edit on it applied; lines are counted
  // in one pass over the source (edits are sorted), never from the start for each edit
  let line = 1
  let counted = 0
  for (const e of sorted) {
    for (let k = source.indexOf('\n', counted); k !== -1 && k < e.start; k = source.indexOf('\n', k + 1)) line++
    counted = e.start
    const start = source.lastIndexOf('\n', e.start - 1) + 1
    const nl = source.indexOf('\n', e.start)
    const end = nl === -1 ? source.length : nl
    const before = source.slice(start, end).replace(/\r$/, '')
    let after = before
    for (let o = sorted.length - 1; o >= 0; o--) {
      const x = sorted[o] as Edit
      if (x.start >= start && x.end <= end) after = after.slice(0, x.start - start) + x.text + after.slice(x.end - start)
    }
    changes.push({ line, from: e.from, to: e.to, before, after })
  }
  return { text: out, changes }
}
