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

function lineAt(text: string, offset: number): { line: number; start: number; end: number } {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
  const start = text.lastIndexOf('\n', offset - 1) + 1
  const nl = text.indexOf('\n', offset)
  const end = nl === -1 ? text.length : nl
  return { line, start, end }
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
  // line texts: the edited line in the source, and the same line with every edit on it applied
  for (const e of sorted) {
    const { line, start, end } = lineAt(source, e.start)
    const before = source.slice(start, end).replace(/\r$/, '')
    const onLine = sorted.filter((o) => o.start >= start && o.end <= end)
    let after = before
    for (const o of [...onLine].reverse()) after = after.slice(0, o.start - start) + o.text + after.slice(o.end - start)
    changes.push({ line, from: e.from, to: e.to, before, after })
  }
  return { text: out, changes }
}
