import { InputError } from '../action/errors'
import { parseBoolean, parseChoice, parseImage, parseLines, parseLogin, parseRegistryTimeout, type InputReader } from '../action/inputs'
import { parseTags } from '../plan/inputs'
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

export function readMergeInputs(read: InputReader): MergeInputs {
  const { imageInput, image } = parseImage(read('image'))
  const sources = parseSources(read('sources'))
  const tags = parseTags(read('tags'))
  const annotations = parseLabelLines(parseLines(read('annotations')), 'annotations')
  const requireSameCommit = parseBoolean('require-same-commit', read('require-same-commit'), true)
  const latest = parseChoice('latest', read('latest'), LATEST_POLICIES, 'warn')
  const summary = parseBoolean('summary', read('summary'), true)
  const login = parseLogin(read('username'), read('password'))
  const registryTimeoutMs = parseRegistryTimeout(read('registry-timeout'))
  const attestations = parseBoolean('attestations', read('attestations'), true)
  return { imageInput, image, sources, tags, annotations, requireSameCommit, latest, summary, registryTimeoutMs, attestations, ...(login && { login }) }
}
