/**
 * The YAML formats whose image references are not (only) `image:` values — kustomize `images:`, Helm values maps,
 * GitHub workflows — and the files that cannot be pinned as YAML at all (templates, not YAML). yaml.ts pins every
 * `image:` value; this module runs after it over its result, so a reference both find is rewritten once.
 */
import { parseAllDocuments, type Document } from 'yaml'
import { ActionError } from '../action/errors'
import { parseReference, type ImageReference } from '../registry/reference'
import { applyEdits, type Change, type Edit } from './edits'
import type { DeployFile } from './files'
import { helmValuesSites, isHelmValues } from './helm'
import { isKustomization, kustomizeSites } from './kustomize'
import type { PinRule } from './rules'
import { lineOf, type FormatName, type FormatSite } from './sites'
import { unplaceableYaml, type SkippedFile } from './unplaceable'
import { workflowSites } from './workflow'
import { pinYaml, scanYaml, type YamlImages } from './yaml'

export type { SkippedFile } from './unplaceable'

function parse(source: string): Document.Parsed[] {
  const docs = parseAllDocuments(source, { uniqueKeys: false })
  return (Array.isArray(docs) ? docs : []) as Document.Parsed[]
}

/** Every format-specific site of a YAML file that parses, in file order. */
export function scanFormats(file: string, source: string): { sites: FormatSite[]; notes: string[] } {
  const kustomization = isKustomization(file)
  const helmValues = isHelmValues(file)
  // a workflow has a top-level `jobs:`; any other file holds no format site, and parsing it whole would cost seconds
  // on a large manifest
  if (!kustomization && !helmValues && !/^jobs[ \t]*:/m.test(source)) return { sites: [], notes: [] }
  const docs = parse(source)
  const notes: string[] = []
  const sites = [
    ...(kustomization ? kustomizeSites(file, source, docs, notes) : []),
    ...(helmValues ? helmValuesSites(file, source, docs, notes) : []),
    ...workflowSites(source, docs)
  ].sort((a, b) => a.start - b.start)
  return { sites, notes }
}

/** A YAML deploy file read: its `image:` values, or why it is skipped (a template, not YAML, YAML that cannot be read). */
export function readYaml(file: string, source: string): { scanned: YamlImages; skipped?: SkippedFile } {
  const unplaceable = unplaceableYaml(source)
  if (unplaceable) return { scanned: { source, sites: [], notes: [] }, skipped: unplaceable }
  let scanned: YamlImages
  try {
    scanned = scanYaml(file, source)
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    return { scanned: { source, sites: [], notes: [] }, skipped: { reason: error.message.replace(`${file} could not be parsed as YAML: `, 'not YAML that can be read: ') } }
  }
  return { scanned: { ...scanned, notes: [...scanned.notes, ...scanFormats(file, source).notes] } }
}

function tryParse(text: string): ImageReference | undefined {
  try {
    return parseReference(text)
  } catch {
    return undefined
  }
}

/** The format sites' rewrite: each site the rule pins gets its edits; the result is parsed again and checked. */
export function pinFormats(file: string, source: string, rule: PinRule): { text: string; changes: Change[] } {
  const { sites } = scanFormats(file, source)
  const edits: Edit[] = []
  const expected = new Map<number, string | undefined>()
  for (const site of sites) {
    const toText = rule(site.written)
    if (toText === undefined || toText === site.written) continue
    const to = tryParse(toText)
    const siteEdits = to && site.edits(to, toText)
    if (!to || !siteEdits) continue
    edits.push(...siteEdits)
    expected.set(site.start, to.digest)
  }
  if (edits.length === 0) return { text: source, changes: [] }
  const result = applyEdits(source, edits)
  // one change per reference (a kustomize entry may get two edits: digest and newTag), at the reference's first line
  const changes = dedupeChanges(result.changes)
  const again = scanFormats(file, result.text)
  const digests = again.sites.map((s) => tryParse(s.written)?.digest)
  const wanted = sites.map((s) => (expected.has(s.start) ? expected.get(s.start) : tryParse(s.written)?.digest))
  if (digests.join('\n') !== wanted.join('\n')) {
    throw new ActionError(`pinning ${file} did not give the expected YAML; the file was left unchanged`, 'report this with the file')
  }
  return { text: result.text, changes }
}

function dedupeChanges(changes: readonly Change[]): Change[] {
  const seen = new Set<string>()
  return changes.filter((c) => {
    const key = `${c.line}\n${c.from}\n${c.to}`
    return !seen.has(key) && !!seen.add(key)
  })
}

/** A YAML deploy file pinned: `image:` values (yaml.ts), then the format sites; a skipped file is left as it is. */
export function pinYamlFile(file: string, scanned: YamlImages, rule: PinRule, skipped?: SkippedFile): { text: string; changes: Change[] } {
  if (skipped) return { text: scanned.source, changes: [] }
  const first = pinYaml(file, scanned, rule)
  const second = pinFormats(file, first.text, rule)
  return { text: second.text, changes: [...first.changes, ...second.changes].sort((a, b) => a.line - b.line) }
}

/** Another version of a YAML file (a pull request's base) pinned the same way. */
export function pinYamlText(file: string, source: string, rule: PinRule): { text: string; changes: Change[] } {
  const { scanned, skipped } = readYaml(file, source)
  return pinYamlFile(file, scanned, rule, skipped)
}

/** What the log warns about and the summary lists: every file left out, and why. */
export function skippedNotes(files: readonly DeployFile[]): string[] {
  return files.flatMap((f) => (f.skipped ? [`${f.rel}${f.skipped.line ? `:${f.skipped.line}` : ''}: skipped, nothing written to it: ${f.skipped.reason}`] : []))
}

/** One image reference of a deploy file as written, where it is, and which reader found it. */
export interface DeployReference {
  file: string
  line: number
  written: string
  format: 'dockerfile' | 'yaml' | FormatName
}

/** Every image reference of a deploy file, in file order (what the audit reads; a site both readers find, once). */
export function deployReferences(f: DeployFile): DeployReference[] {
  if (f.skipped) return []
  const source = f.scanned.source
  if (f.kind === 'dockerfile') return f.scanned.sites.map((s) => ({ file: f.rel, line: s.line, written: s.value, format: 'dockerfile' as const }))
  const refs = new Map<number, DeployReference>()
  for (const s of f.scanned.sites) refs.set(s.start + s.quote.length, { file: f.rel, line: lineOf(source, s.start), written: s.value, format: 'yaml' })
  for (const s of scanFormats(f.rel, source).sites) {
    if (!refs.has(s.start)) refs.set(s.start, { file: f.rel, line: lineOf(source, s.start), written: s.written, format: s.format })
  }
  return [...refs.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r)
}
