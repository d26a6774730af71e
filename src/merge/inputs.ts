import { InputError } from '../action/errors'
import { parseBoolean, parseChoice, parseLines, parseLogin, parseRegistryTimeout, type InputReader } from '../action/inputs'
import { parseRepositories, parseTagEntries, type Repository } from '../plan/inputs'
import { formatName } from '../registry/reference'
import { parseLabelLines } from '../plan/labels'
import { LATEST_POLICIES, templateProblem, TEMPLATE_NAMES, type LatestPolicy } from '../plan/tags'
import type { ImageName } from '../registry/reference'

/** The merge action's inputs, parsed and validated. Nothing here has touched a registry. */
export interface MergeInputs {
  /** The repository as the user wrote it (trimmed): outputs use this spelling. */
  imageInput: string
  image: ImageName
  /** Source lines as written (templates not filled in yet), identical lines once, in order. */
  sources: string[]
  /** Tag names as given (templates not filled in). Empty means the build action's default tags. */
  tags: string[]
  /**
   * Every repository the index goes to, each with its tags as written: those of `image` get the tag names, those
   * the full references of `tags` name get theirs. The first is `image` above.
   */
  targets: Array<Repository & { tags: string[] }>
  /** Index annotations from the input, in order; they are added to the defaults and win over them. */
  annotations: Array<[string, string]>
  /** Fail when the sources' git-commit is not this run's commit (default true). */
  requireSameCommit: boolean
  latest: LatestPolicy
  /** Credentials for the image's registry, used by the registry client directly (no docker login). */
  login?: { username: string; password: string }
  summary: boolean
  /** `registry-timeout` in ms: the budget for everything the merge does against the registry. */
  registryTimeoutMs: number
  /** Keep the sources' attestation manifests (provenance, SBOM) in the index (default true). */
  attestations: boolean
}

const SOURCE_HINT =
  'write one source per line: a tag of \'image\' (sha-{{sha}}-linux-amd64), a repository and tag (ghcr.io/acme/api-arm:sha-{{sha}}) or a repository and digest (ghcr.io/acme/api@sha256:…)'

export function parseSources(raw: string): string[] {
  const lines = [...new Set(parseLines(raw))]
  if (lines.length === 0) throw new InputError('sources', 'is required', SOURCE_HINT)
  for (const line of lines) {
    const problem = templateProblem(line)
    if (problem) throw new InputError('sources', problem, `templates: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(' ')}`)
  }
  return lines
}

/** The index's repositories: `image`'s (one per line) with the tag names, then those full references in `tags` name. */
export function mergeTargets(imageRaw: string, tagsRaw: string): { tags: string[]; targets: MergeInputs['targets'] } {
  const images = parseRepositories('image', imageRaw)
  const { names, refs } = parseTagEntries(tagsRaw)
  if (images.length === 0 && refs.length === 0) {
    throw new InputError('image', 'is required', "set 'image' to the repository to write the index to (e.g. ghcr.io/acme/api), or write full references in 'tags'")
  }
  if (names.length > 0 && images.length === 0) {
    throw new InputError('tags', `'${names[0]}' is a tag name, but 'image' is empty, so it names no repository`, "set 'image', or write full references (ghcr.io/acme/api:v1)")
  }
  const targets: MergeInputs['targets'] = []
  const find = (r: Repository): MergeInputs['targets'][number] => {
    let t = targets.find((x) => formatName(x.name) === formatName(r.name))
    if (!t) targets.push((t = { ...r, tags: [] }))
    return t
  }
  const named = new Set(refs.map((r) => formatName(r.repository.name)))
  for (const img of images) {
    const t = find(img)
    if (names.length > 0 || !named.has(formatName(img.name))) t.tags.push(...names)
  }
  for (const r of refs) {
    const t = find(r.repository)
    const tag = r.tag ?? 'latest'
    if (!t.tags.includes(tag)) t.tags.push(tag)
  }
  return { tags: names, targets }
}

export function readMergeInputs(read: InputReader): MergeInputs {
  const { tags, targets } = mergeTargets(read('image'), read('tags'))
  const first = targets[0] as MergeInputs['targets'][number]
  const imageInput = first.input
  const image = first.name
  const sources = parseSources(read('sources'))
  const annotations = parseLabelLines(parseLines(read('annotations')), 'annotations')
  const requireSameCommit = parseBoolean('require-same-commit', read('require-same-commit'), true)
  const latest = parseChoice('latest', read('latest'), LATEST_POLICIES, 'warn')
  const summary = parseBoolean('summary', read('summary'), true)
  const login = parseLogin(read('username'), read('password'))
  const registryTimeoutMs = parseRegistryTimeout(read('registry-timeout'))
  const attestations = parseBoolean('attestations', read('attestations'), true)
  return { imageInput, image, sources, tags, targets, annotations, requireSameCommit, latest, summary, registryTimeoutMs, attestations, ...(login && { login }) }
}
