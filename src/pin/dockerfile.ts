import { applyEdits, type Change, type Edit } from './edits'
import type { PinRule } from './rules'

/** The base-image references of a Dockerfile's FROM lines, with their offsets in the source. */
export interface DockerfileImages {
  source: string
  sites: Array<{ start: number; end: number; value: string; line: number }>
  notes: string[]
}

/**
 * A line-based reader of FROM instructions: `FROM [--platform=…] <image> [AS <name>]`.
 * Skipped, with a note when useful: references to an earlier stage (`FROM build`), `scratch`, references built from
 * build arguments (`FROM ${BASE}`: the value is only known at build time), FROM split over several lines,
 * and anything inside a continued instruction or a heredoc.
 */
export function scanDockerfile(file: string, source: string): DockerfileImages {
  const sites: DockerfileImages['sites'] = []
  const notes: string[] = []
  const stages = new Set<string>()
  let escape = '\\'
  let continued = false
  let heredoc: string | undefined
  let offset = 0
  let seenInstruction = false
  const lines = source.split('\n')
  for (const [i, physical] of lines.entries()) {
    const lineStart = offset
    offset += physical.length + 1
    const line = physical.replace(/\r$/, '')
    if (heredoc !== undefined) {
      if (line.replace(/^\t+/, '') === heredoc) heredoc = undefined
      continue
    }
    const trimmed = line.trim()
    if (!seenInstruction) {
      const directive = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(trimmed)
      if (directive?.[1]) escape = directive[1]
    }
    if (trimmed.startsWith('#') || trimmed === '') continue
    const wasContinued = continued
    continued = trimmed.endsWith(escape)
    const here = /^(?:RUN|COPY|ADD)\s.*<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/i.exec(trimmed)
    if (here?.[1] && !continued) heredoc = here[1]
    if (wasContinued) continue
    seenInstruction = true
    const from = /^(\s*FROM\s+)(.*)$/i.exec(line)
    if (!from) continue
    if (continued) {
      notes.push(`${file}:${i + 1}: FROM continued over several lines was left as it is`)
      continue
    }
    const rest = from[2] ?? ''
    const restStart = lineStart + (from[1] ?? '').length
    const tokens = [...rest.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: restStart + (m.index ?? 0) }))
    const image = tokens.find((t) => !t.text.startsWith('--'))
    if (!image) continue
    const after = tokens.slice(tokens.indexOf(image) + 1)
    const name = image.text
    const isStage = stages.has(name.toLowerCase())
    if (after[0]?.text.toLowerCase() === 'as' && after[1]) stages.add(after[1].text.toLowerCase())
    // `FROM build` after `FROM … AS build` is a stage, not an image (stage names are case-insensitive)
    if (isStage || name.toLowerCase() === 'scratch') continue
    if (name.includes('$')) {
      notes.push(`${file}:${i + 1}: FROM ${name} uses a build argument; its value is only known at build time, left as it is`)
      continue
    }
    sites.push({ start: image.start, end: image.start + name.length, value: name, line: i + 1 })
  }
  return { source, sites, notes }
}

/** Rewrites the FROM references the rule pins; every other byte of the file is kept. */
export function pinDockerfile(scanned: DockerfileImages, rule: PinRule): { text: string; changes: Change[] } {
  const edits: Edit[] = []
  for (const site of scanned.sites) {
    const to = rule(site.value)
    if (to === undefined || to === site.value) continue
    edits.push({ start: site.start, end: site.end, text: to, from: site.value, to })
  }
  if (edits.length === 0) return { text: scanned.source, changes: [] }
  return applyEdits(scanned.source, edits)
}
