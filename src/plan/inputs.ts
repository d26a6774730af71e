import { cut, InputError } from '../action/errors'
import { parseList, parseReferenceInput } from '../action/inputs'
import { formatName, type ImageName } from '../registry/reference'
import { tagInputProblem, TEMPLATE_NAMES } from './tags'

/** A repository as the user wrote it (`ghcr.io/acme/api`) and as the registry names it. */
export interface Repository {
  /** As written, trimmed: what outputs and the summary show. */
  input: string
  name: ImageName
}

/** One line of `tags` that names its repository: `ghcr.io/acme/api:main`, as docker/metadata-action writes them. */
export interface RefTag {
  repository: Repository
  /** The tag (templates allowed); undefined for a bare repository, which docker reads as `latest`. */
  tag?: string
}

/** `tags` split into plain tag names (for the repositories of `image`) and full references. */
export interface TagEntries {
  names: string[]
  refs: RefTag[]
}

const PLACEHOLDER = /\{\{[^{}]*\}\}/g

/** Whether a `tags` line names a repository: outside its templates it holds a '/', ':' or '@'. */
export function isFullReference(line: string): boolean {
  return /[/:@]/.test(line.replace(PLACEHOLDER, ''))
}

/** A repository input (no tag, no digest), e.g. one line of `image`; `input` names the input in errors. */
export function parseRepository(input: string, raw: string, hint: string): Repository {
  const text = raw.trim()
  const ref = parseReferenceInput(input, text, hint)
  if (ref.tag !== undefined || ref.digest !== undefined) {
    const bare = text.replace(/@.*$/, '').replace(/:[^:/]*$/, '')
    throw new InputError(
      input,
      `'${cut(text)}' contains a ${ref.digest ? 'digest' : 'tag'}; '${input}' names repositories only`,
      `set '${input}: ${cut(bare)}' and put the tags in 'tags'${ref.tag ? ` (e.g. 'tags: ${ref.tag}')` : ''}, or write full references in 'tags' (${cut(text)})`
    )
  }
  return { input: text, name: { registry: ref.registry, repository: ref.repository } }
}

/** Repositories, one per line or comma-separated (docker/metadata-action's `images`), deduplicated by registry name. */
export function parseRepositories(input: string, raw: string): Repository[] {
  const out: Repository[] = []
  for (const line of parseList(raw)) {
    const repo = parseRepository(input, line, `write one repository per line, such as ghcr.io/acme/api or 127.0.0.1:5000/demo`)
    if (!out.some((r) => formatName(r.name) === formatName(repo.name))) out.push(repo)
  }
  return out
}

function tagProblemHint(): string {
  return `use letters, digits, underscores, periods and dashes, starting with a letter, digit or underscore (max 128); templates: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(' ')}`
}

/** A full reference from `tags`: `repo:tag` (templates allowed in the tag), never a digest. */
function parseRefTag(input: string, line: string): RefTag {
  const stripped = line.replace(PLACEHOLDER, '')
  if (stripped.includes('@')) {
    throw new InputError(input, `'${cut(line)}' holds a digest; a pushed tag cannot`, `write the tag only, e.g. ${cut(line.replace(/@.*$/, ''))}`)
  }
  const slash = line.lastIndexOf('/')
  const colon = line.indexOf(':', slash + 1)
  // a ':' inside a {{template}} is not a tag separator (templates hold none), so the first after the last '/'
  const repoText = colon < 0 ? line : line.slice(0, colon)
  const tag = colon < 0 ? undefined : line.slice(colon + 1)
  const repository = parseRepository(input, repoText, `write a full reference such as ghcr.io/acme/api:v1, or a tag name with 'image' set`)
  if (tag !== undefined) {
    const problem = tagInputProblem(tag)
    if (problem) throw new InputError(input, `'${cut(line)}': ${problem}`, tagProblemHint())
  }
  return { repository, ...(tag !== undefined && { tag }) }
}

/**
 * The `tags` input: tag names (templates allowed: {{sha}} …) for the repositories of `image`, and full references
 * (`ghcr.io/acme/api:main`, comma- or newline-separated, as docker/metadata-action's `tags` output holds them), each
 * checked against the tag grammar with a reason.
 */
export function parseTagEntries(raw: string, input = 'tags'): TagEntries {
  const names: string[] = []
  const refs: RefTag[] = []
  for (const line of parseList(raw)) {
    if (isFullReference(line)) {
      refs.push(parseRefTag(input, line))
      continue
    }
    const problem = tagInputProblem(line)
    if (problem) throw new InputError(input, problem, tagProblemHint())
    names.push(line)
  }
  return { names, refs }
}

/** Tag names only (no full references): what takes a tag name where the repository is given elsewhere. */
export function parseTags(raw: string): string[] {
  const { names, refs } = parseTagEntries(raw)
  const [ref] = refs
  if (ref) {
    throw new InputError(
      'tags',
      `'${cut(ref.repository.input + (ref.tag ? `:${ref.tag}` : ''))}' is a full image reference; here 'tags' takes tag names only`,
      "here 'tags' takes tag names only (e.g. v1.4.2); the repository comes from 'image'"
    )
  }
  return names
}
