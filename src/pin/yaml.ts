import { Lexer, parseAllDocuments, type Document } from 'yaml'
import { ActionError } from '../action/errors'
import { applyEdits, type Change, type Edit } from './edits'
import { unpinnableReason, YAML_FIELDS, type YamlField } from './fields'
import type { PinRule } from './rules'

/** A YAML file read once: every one-line string value of a known image field (fields.ts), with its source range. */
export interface YamlImages {
  source: string
  sites: Array<{ start: number; end: number; value: string; quote: '' | '"' | "'" }>
  /** Every image-shaped value found and left alone, with the reason (file and line first). */
  notes: string[]
}

/**
 * Up to this size the file is also parsed whole (yaml's Document API) so that a broken file fails naming its line.
 * Above it that parse costs seconds and hundreds of MB, and the token scan below (yaml's own Lexer) is what reads
 * the file: it needs no valid document to find the fields, and the pinned text is scanned again and checked.
 */
const FULL_PARSE_LIMIT = 1 << 20

function describeYamlError(file: string, doc: Document.Parsed): never {
  const e = doc.errors[0]
  const where = e?.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''
  const message = (e?.message ?? 'unknown error').split('\n')[0]
  throw new ActionError(
    `${file} could not be parsed as YAML${where}: ${message}`,
    `fix the file or leave it out of 'files' (templates such as Helm charts are not plain YAML)`
  )
}

function validate(file: string, source: string): void {
  for (const doc of parseAllDocuments(source, { uniqueKeys: false })) if (doc.errors.length > 0) describeYamlError(file, doc)
}

interface Token {
  text: string
  start: number
  /** 1-based line and 0-based column where the token starts. */
  line: number
  col: number
  /** A plain scalar (the lexer marks them), or the content of a block scalar (`|`, `>`). */
  plain: boolean
  block: boolean
}

/**
 * yaml's Lexer tokens with their offsets, lines and columns, without what the scan never looks at (spaces, line
 * breaks, comments, the lexer's control marks): a 5 MB file is some 600 000 tokens, and fewer kept is less memory.
 */
function tokens(source: string): Token[] {
  const out: Token[] = []
  let pos = 0
  let line = 1
  let lineBegin = 0
  let scalar = false
  let blockHeader = false
  for (const t of new Lexer().lex(source)) {
    if (t === '\x02' || t === '\x18') continue
    if (t === '\x1f') {
      scalar = true
      continue
    }
    const first = t[0]
    const start = pos
    const startLine = line
    const col = start - lineBegin
    pos += t.length
    for (let k = t.indexOf('\n'); k !== -1; k = t.indexOf('\n', k + 1)) {
      line++
      lineBegin = start + k + 1
    }
    if (!scalar && (first === ' ' || first === '\t' || first === '\n' || first === '\r' || first === '#')) continue
    if (first === '|' || first === '>') blockHeader = !scalar
    const block = scalar && blockHeader
    out.push({ text: t, start, line: startLine, col, plain: scalar && !block, block })
    if (scalar) blockHeader = false
    scalar = false
  }
  return out
}

const isQuoted = (t: Token): boolean => !t.plain && !t.block && (t.text[0] === '"' || t.text[0] === "'")
const isScalar = (t: Token | undefined): boolean => t !== undefined && (t.plain || isQuoted(t))

/** The value of a one-line scalar token, or why it cannot be rewritten in place. */
function scalarValue(t: Token): { value: string; quote: '' | '"' | "'" } | { problem: string } {
  if (t.text.includes('\n')) return { problem: 'a multi-line value' }
  if (t.plain) return { value: t.text, quote: '' }
  const quote = t.text[0] as '"' | "'"
  const inner = t.text.slice(1, -1)
  if (t.text.length < 2 || !t.text.endsWith(quote)) return { problem: 'an unterminated quoted value' }
  if (quote === '"' ? inner.includes('\\') : inner.includes("''")) return { problem: 'a value with escapes' }
  return { value: inner, quote }
}

interface Anchored {
  token?: Token
  line: number
}

/**
 * Finds image references from yaml's own tokens (never a regex over YAML): the values of the fields in fields.ts, in
 * every document of the stream, by the keys of the block mappings around them (flow mappings count their own keys).
 * An alias (`image: *img`) is pinned through its anchor (`x-img: &img app:v1`): the anchor's scalar is rewritten once
 * and every alias follows it. Every value of such a field that is left alone is noted with the reason.
 */
export function scanYaml(file: string, source: string, fields: readonly YamlField[] = YAML_FIELDS): YamlImages {
  if (source.length <= FULL_PARSE_LIMIT) validate(file, source)
  const toks = tokens(source)
  const sites: YamlImages['sites'] = []
  const notes: string[] = []
  const seen = new Set<number>()
  let flow = 0
  let stack: Array<{ col: number; key: string }> = []
  let anchors = new Map<string, Anchored>()
  let pendingAnchor: string | undefined
  let top = new Set<string>()
  // fields whose document decides (a workflow's container): kept until the document ends
  let deferred: Array<{ field: YamlField; act: () => void }> = []
  // a key whose value did not follow on its line: the next scalar, if it is not a key itself, is its value
  let waiting: { key: string; path: string[]; col: number; line: number } | undefined

  const note = (at: number, text: string): void => {
    notes.push(`${file}:${at}: ${text}`)
  }
  const endDocument = (): void => {
    for (const d of deferred) if (d.field.inDocument?.(top)) d.act()
    deferred = []
    anchors = new Map()
    stack = []
    top = new Set()
    flow = 0
    waiting = undefined
    pendingAnchor = undefined
  }
  const site = (t: Token, at: number, via?: string): void => {
    if (seen.has(t.start)) return
    const v = scalarValue(t)
    const shown = t.text.length > 80 ? `${t.text.slice(0, 80)}…` : t.text
    if ('problem' in v) return note(at, `${shown}${via ?? ''} is ${v.problem}; left as it is`)
    const reason = unpinnableReason(v.value)
    if (reason) return note(at, `${shown}${via ?? ''} is ${reason}; left as it is`)
    seen.add(t.start)
    sites.push({ start: t.start, end: t.start + t.text.length, value: v.value, quote: v.quote })
  }
  /** The value `valueAt` (a token index) of a field: a scalar, an alias, or something that is not a one-line string. */
  const fieldValue = (field: YamlField, key: string, i: number, at: number): void => {
    const t = toks[i]
    const act = (): void => {
      if (t === undefined) return
      if (t.text[0] === '*' && !t.plain) {
        const name = t.text.slice(1)
        const anchor = anchors.get(name)
        if (!anchor) {
          throw new ActionError(
            `${file} could not be parsed as YAML: alias *${name} has no anchor &${name} before it in the same document`,
            'anchors do not reach across documents (---); define the anchor in the document that uses it'
          )
        }
        if (!anchor.token) return note(at, `${key}: ${t.text} is an alias of &${name} (line ${anchor.line}), which is not a one-line string; left as it is`)
        return site(anchor.token, anchor.line, ` (anchor &${name}, aliased by ${key} at line ${at})`)
      }
      if (isScalar(t)) return site(t, at)
      if (t.block) return note(at, `${key}: a block scalar (| or >) is a multi-line value; left as it is`)
    }
    if (field.inDocument) deferred.push({ field, act })
    else act()
  }

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Token
    const text = t.text
    const line = t.line
    if (!t.plain && !t.block && (text === '---' || text === '...') && t.col === 0) {
      endDocument()
      continue
    }
    if (t.block) continue
    const c = text[0]
    if (!t.plain && !isQuoted(t)) {
      if (c === '{' || c === '[') {
        flow++
        if (pendingAnchor !== undefined) anchors.set(pendingAnchor, { line })
        pendingAnchor = undefined
        waiting = undefined
      } else if (c === '}' || c === ']') flow = Math.max(0, flow - 1)
      else if ((c === '-' || c === '?') && text.length === 1) waiting = undefined
      else if (c === '&') pendingAnchor = text.slice(1)
      else if (c === '*' && waiting) {
        const w = waiting
        waiting = undefined
        for (const f of fields) if (f.matches(w.path, w.key)) fieldValue(f, w.key, i, line)
      }
      continue
    }
    // a scalar: a key when a ':' follows on its line
    const j = i + 1
    const isKey = toks[j]?.text === ':' && !toks[j]?.plain && !isQuoted(toks[j] as Token) && toks[j]?.line === t.line + (t.text.split('\n').length - 1)
    if (!isKey) {
      if (pendingAnchor !== undefined) anchors.set(pendingAnchor, { token: t, line })
      pendingAnchor = undefined
      if (waiting && t.col > waiting.col) {
        const w = waiting
        for (const f of fields) if (f.matches(w.path, w.key)) fieldValue(f, w.key, i, line)
      }
      waiting = undefined
      continue
    }
    // an anchor before a key anchors the mapping it starts
    if (pendingAnchor !== undefined) anchors.set(pendingAnchor, { line })
    pendingAnchor = undefined
    waiting = undefined
    const v = scalarValue(t)
    const key = 'value' in v ? v.value : text
    const col = t.col
    let path: string[]
    if (flow === 0) {
      while (stack.length > 0 && (stack[stack.length - 1] as { col: number }).col >= col) stack.pop()
      path = stack.map((s) => s.key)
      stack.push({ col, key })
      if (stack.length === 1) top.add(key)
    } else path = stack.map((s) => s.key)
    const matching = fields.filter((f) => f.matches(path, key))
    // the value: past spaces, anchors and tags on the same line
    let k = j + 1
    for (;;) {
      const n = toks[k]
      if (n && n.line === toks[j]?.line && !n.plain && !isQuoted(n) && (n.text[0] === '&' || n.text[0] === '!')) {
        if (n.text[0] === '&') pendingAnchor = n.text.slice(1)
        k++
        continue
      }
      break
    }
    const n = toks[k]
    if (n === undefined || n.line !== toks[j]?.line) {
      waiting = { key, path, col: flow === 0 ? col : -1, line }
      continue
    }
    if (matching.length === 0) continue
    // the anchor of the value is recorded when the loop reaches it; the field's own value is handled here
    for (const f of matching) {
      if (isScalar(n)) {
        if (pendingAnchor !== undefined) {
          anchors.set(pendingAnchor, { token: n, line })
          pendingAnchor = undefined
        }
        fieldValue(f, key, k, line)
      } else if (n.block || (!n.plain && (n.text[0] === '|' || n.text[0] === '>'))) {
        note(line, `${key}: a block scalar (| or >) is a multi-line value; left as it is`)
      } else if (n.text[0] === '*') fieldValue(f, key, k, line)
    }
    // the value token is consumed here so it is not taken for another key's value
    if (isScalar(n) || n.text[0] === '*') i = k
  }
  endDocument()
  return { source, sites: sites.sort((a, b) => a.start - b.start), notes }
}

/**
 * Rewrites the image values the rule pins by splicing the new text over each scalar's source range: comments,
 * anchors, quoting, indentation and line endings stay byte for byte. Every new reference is checked to be a plain
 * one; the result of a file up to FULL_PARSE_LIMIT is also scanned again and checked.
 */
export function pinYaml(file: string, scanned: YamlImages, rule: PinRule): { text: string; changes: Change[] } {
  const edits: Edit[] = []
  for (const site of scanned.sites) {
    const to = rule(site.value)
    if (to === undefined || to === site.value) continue
    edits.push({ start: site.start, end: site.end, text: `${site.quote}${to}${site.quote}`, from: site.value, to })
  }
  if (edits.length === 0) return { text: scanned.source, changes: [] }
  // a reference made of these characters reads back as the same one scalar wherever the old one stood (no indicator,
  // no ': ' or ' #', nothing a flow collection ends at): the structure around it cannot change
  const unsafe = edits.find((e) => !/^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/.test(e.to))
  if (unsafe) throw new ActionError(`pinning ${file} would write '${unsafe.to}', which is not a plain image reference; the file was left unchanged`, 'report this with the file')
  const result = applyEdits(scanned.source, edits)
  // small files are scanned again and checked as well (cheap); a large one relies on the check above
  if (scanned.source.length > FULL_PARSE_LIMIT) return result
  const again = scanYaml(file, result.text)
  const byStart = new Map(edits.map((e) => [e.start, e.to]))
  const expected = scanned.sites.map((s) => byStart.get(s.start) ?? s.value)
  if (again.sites.length !== expected.length || again.sites.some((s, i) => s.value !== expected[i])) {
    throw new ActionError(`pinning ${file} did not give the expected YAML; the file was left unchanged`, 'report this with the file')
  }
  return result
}
