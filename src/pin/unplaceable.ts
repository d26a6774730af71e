import { parseAllDocuments, visit, type Document } from 'yaml'

/** Why a deploy file is left out of the pinning (and where): a template, or not YAML. */
export interface SkippedFile {
  line?: number
  reason: string
}

/** Above this size a file is not parsed whole just to look for templates (see unplaceableYaml). */
const WHOLE_PARSE_LIMIT = 1 << 20

/** `{{` that is not a workflow expression's `${{`. */
const TEMPLATE_OPEN = /(?<!\$)\{\{/g

function lineAt(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length
}

/**
 * Whether a YAML-named file cannot be pinned as YAML, and why. A Helm (or other Go) template is YAML only after
 * rendering: its `{{ … }}` may even parse as a flow mapping, so a `{{` outside every string value (and outside
 * comments) marks the file as a template. `{{` inside a string value is data (a Prometheus rule's text, a value passed
 * to `tpl`) and the file is read as YAML. A file that does not parse is skipped with the parser's line and words.
 */
export function unplaceableYaml(source: string): SkippedFile | undefined {
  // a large file without `{{` is left to the pinning scanner's own token scan (pin/yaml.ts): a whole parse of it costs
  // seconds and hundreds of MB, and only a template needs one here
  TEMPLATE_OPEN.lastIndex = 0
  if (source.length > WHOLE_PARSE_LIMIT && !TEMPLATE_OPEN.test(source)) return undefined
  const docs = parseAllDocuments(source, { uniqueKeys: false })
  const list = (Array.isArray(docs) ? docs : []) as Document.Parsed[]
  const strings: Array<[number, number]> = []
  for (const doc of list) {
    visit(doc, {
      Scalar(_, node) {
        if (typeof node.value === 'string' && node.range) strings.push([node.range[0], node.range[1]])
      }
    })
  }
  for (const m of source.matchAll(TEMPLATE_OPEN)) {
    const at = m.index
    if (strings.some(([s, e]) => at >= s && at < e)) continue
    const lineStart = source.lastIndexOf('\n', at - 1) + 1
    if (/(^|[ \t])#/.test(source.slice(lineStart, at))) continue
    const line = lineAt(source, at)
    return {
      line,
      reason: `a template ({{ … }} at line ${line}): its YAML exists only once rendered (helm template); pin the values it is rendered from instead`
    }
  }
  const broken = list.find((d) => d.errors.length > 0)
  if (broken) {
    const e = broken.errors[0]
    const line = e?.linePos?.[0]?.line
    // the parser's words without its own position suffix (the line is said once, first)
    const message = ((e?.message ?? 'unknown error').split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
    return { ...(line && { line }), reason: `not YAML${line ? ` (line ${line})` : ''}: ${message}` }
  }
  return undefined
}
