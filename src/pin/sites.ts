import { isScalar, Scalar, type Node } from 'yaml'
import type { ImageReference } from '../registry/reference'
import type { Edit } from './edits'

/** The deploy-file formats whose references are spread over fields or sit inside a longer value. */
export type FormatName = 'kustomize' | 'helm' | 'workflow'

/**
 * One image reference of a format-specific place: a kustomize `images:` entry (`newName`/`newTag`/`digest`), a Helm
 * values map (`registry`/`repository`/`tag`/`digest`), a workflow's `container: <string>` or `uses: docker://…`.
 * `written` is the reference the format's renderer ends up with, spelled from the fields as written.
 */
export interface FormatSite {
  format: FormatName
  /** Offset of the field the reference starts at (ordering, line numbers). */
  start: number
  written: string
  /** The edits that make the site name `to` (a rule's result, parsed); undefined when the site cannot hold it. */
  edits(to: ImageReference, toText: string): Edit[] | undefined
}

/** A one-line scalar as written: its text without quotes (a number keeps its spelling: `1.10` stays `1.10`). */
export interface ScalarField {
  start: number
  end: number
  text: string
  quote: '' | '"' | "'"
}

/**
 * A scalar the pinning may rewrite: plain or quoted on one line, with no escapes (the source between the quotes is the
 * value). A key with no value (`digest:`) is a field of empty text at the end of its key. Anything else: undefined.
 */
export function scalarField(source: string, node: Node | null | undefined): ScalarField | undefined {
  if (!isScalar(node) || !node.range) return undefined
  const [start, end] = node.range
  const raw = source.slice(start, end)
  if (raw.includes('\n') || node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) return undefined
  if (node.value === null) return raw === '' ? { start, end, text: '', quote: '' } : undefined
  const quote = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : ''
  const text = quote ? raw.slice(1, -1) : raw
  if (quote && (text !== String(node.value) || (quote === '"' && text.includes('\\')))) return undefined
  if (!quote && typeof node.value !== 'string' && typeof node.value !== 'number') return undefined
  return { start, end, text, quote }
}

/** Replaces a field's value, keeping its quotes; an empty key (`digest:`) gets a space and the value. */
export function setField(field: ScalarField, value: string, from: string, to: string): Edit {
  if (field.start === field.end) return { start: field.start, end: field.end, text: ` ${value}`, from, to }
  return { start: field.start, end: field.end, text: `${field.quote}${value}${field.quote}`, from, to }
}

/** 1-based line of an offset. */
export function lineOf(source: string, offset: number): number {
  let line = 1
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++
  return line
}

/**
 * An edit that adds `key: value` as the last pair of a mapping whose last pair ends at `lastEnd` and whose last key
 * starts at `lastKeyStart`: in a flow mapping `, key: value` right after the last value; in a block mapping a new line
 * with the last key's indentation (a `- ` before the key becomes spaces), at the end of the last value's line (after
 * any comment), with that line's own line ending.
 */
export function addPair(source: string, flow: boolean, lastKeyStart: number, lastEnd: number, key: string, value: string, from: string, to: string): Edit {
  if (flow) return { start: lastEnd, end: lastEnd, text: `, ${key}: ${value}`, from, to }
  const keyLine = source.lastIndexOf('\n', lastKeyStart - 1) + 1
  const indent = source.slice(keyLine, lastKeyStart).replace(/[^\t ]/g, ' ')
  const nl = source.indexOf('\n', lastEnd)
  const at = nl === -1 ? source.length : source[nl - 1] === '\r' ? nl - 1 : nl
  const eol = nl !== -1 ? (source[nl - 1] === '\r' ? '\r\n' : '\n') : source.includes('\r\n') ? '\r\n' : '\n'
  return { start: at, end: at, text: `${eol}${indent}${key}: ${value}`, from, to }
}
