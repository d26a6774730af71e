import { isScalar, parseAllDocuments, Scalar, visit, type Document } from 'yaml'
import { ActionError } from '../action/errors'
import { applyEdits, type Change, type Edit } from './edits'
import type { PinRule } from './rules'

/** A YAML file parsed once: every `image:` value that is a plain or quoted one-line string, with its source range. */
export interface YamlImages {
  source: string
  sites: Array<{ start: number; end: number; value: string; quote: '' | '"' | "'" }>
  notes: string[]
}

function describeYamlError(file: string, doc: Document.Parsed): never {
  const e = doc.errors[0]
  const where = e?.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''
  const message = (e?.message ?? 'unknown error').split('\n')[0]
  throw new ActionError(
    `${file} could not be parsed as YAML${where}: ${message}`,
    `fix the file or leave it out of 'files' (templates such as Helm charts are not plain YAML)`
  )
}

/**
 * Finds image references with yaml's Document API (never a regex over YAML): every mapping pair whose key is
 * `image` and whose value is a one-line string scalar, in every document of the stream. That is Kubernetes'
 * `containers[*].image` / `initContainers[*].image` (any kind, including CRDs) and Compose's `services.*.image`.
 * An alias (`image: *base`) is skipped: its anchor, wherever it is, is the one to rewrite.
 */
export function scanYaml(file: string, source: string): YamlImages {
  const docs = parseAllDocuments(source, { prettyErrors: true, uniqueKeys: false })
  const sites: YamlImages['sites'] = []
  const notes: string[] = []
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length > 0) describeYamlError(file, doc)
    visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc) === undefined) {
          throw new ActionError(
            `${file} could not be parsed as YAML: alias *${alias.source} has no anchor &${alias.source} before it in the same document`,
            'anchors do not reach across documents (---); define the anchor in the document that uses it'
          )
        }
      },
      Pair(_, pair) {
        const key = isScalar(pair.key) ? pair.key.value : undefined
        if (key !== 'image' || !isScalar(pair.value)) return
        const node = pair.value
        if (typeof node.value !== 'string' || !node.range) return
        const [start, end] = node.range
        const raw = source.slice(start, end)
        if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED || raw.includes('\n')) {
          notes.push(`${file}: a multi-line image value (${JSON.stringify(node.value)}) was left as it is`)
          return
        }
        const quote = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : ''
        // the scalar's source must be exactly the value (plus quotes); escapes or odd spacing: leave it alone
        if (raw !== `${quote}${node.value}${quote}`) {
          notes.push(`${file}: image value ${raw} uses escapes and was left as it is`)
          return
        }
        sites.push({ start, end, value: node.value, quote })
      }
    })
  }
  return { source, sites, notes }
}

/**
 * Rewrites the image values the rule pins by splicing the new text over each scalar's source range: comments,
 * anchors, quoting, indentation and line endings stay byte for byte. The result is parsed again and checked.
 */
export function pinYaml(file: string, scanned: YamlImages, rule: PinRule): { text: string; changes: Change[] } {
  const edits: Edit[] = []
  for (const site of scanned.sites) {
    const to = rule(site.value)
    if (to === undefined || to === site.value) continue
    edits.push({ start: site.start, end: site.end, text: `${site.quote}${to}${site.quote}`, from: site.value, to })
  }
  if (edits.length === 0) return { text: scanned.source, changes: [] }
  const result = applyEdits(scanned.source, edits)
  const again = scanYaml(file, result.text)
  const expected = scanned.sites.map((s) => edits.find((e) => e.start === s.start)?.to ?? s.value)
  if (again.sites.map((s) => s.value).join('\n') !== expected.join('\n')) {
    throw new ActionError(`pinning ${file} did not give the expected YAML; the file was left unchanged`, 'report this with the file')
  }
  return result
}
