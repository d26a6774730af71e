import { tryParse } from './rules'

/**
 * The YAML fields that hold an image reference, one rule each: a format (Kubernetes, Compose, a GitHub workflow, and
 * later kustomize, Helm values…) is a set of these. `path` is the keys of the mappings around the field, outermost
 * first (sequence items add none); `top` the document's top-level keys, known once the document has been read.
 */
export interface YamlField {
  /** For messages: what the field is. */
  name: string
  matches(path: readonly string[], key: string): boolean
  /** Checked once the whole document has been read (e.g. a workflow is a document with `on` and `jobs`). */
  inDocument?(top: ReadonlySet<string>): boolean
}

/** Kubernetes' `containers[*].image` / `initContainers[*].image` (any kind, CRDs included), Compose's `services.*.image`, a workflow's `container.image` and `services.*.image`: every `image` key. */
export const IMAGE_FIELD: YamlField = { name: 'image', matches: (_path, key) => key === 'image' }

/** A GitHub workflow's `jobs.<id>.container: <image>` (the string form; the mapping form has an `image` key). */
export const WORKFLOW_CONTAINER: YamlField = {
  name: 'jobs.<id>.container',
  matches: (path, key) => key === 'container' && path.length === 2 && path[0] === 'jobs',
  inDocument: (top) => top.has('on') || top.has('true')
}

export const YAML_FIELDS: readonly YamlField[] = [IMAGE_FIELD, WORKFLOW_CONTAINER]

/**
 * Why an image-shaped value cannot be pinned as written, or undefined when it is a reference a rule may pin. The
 * reasons are what the summary lists for every value found and left alone.
 */
export function unpinnableReason(value: string): string | undefined {
  if (value.includes('{{') || value.includes('}}')) return 'a template: its value is only known once the template is rendered'
  if (/\$(\{|\(|[A-Za-z_])/.test(value)) return 'a variable: its value is only known at run time'
  if (!tryParse(value)) return 'not an image reference this action can read'
  return undefined
}
