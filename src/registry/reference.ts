/**
 * Image reference grammar, after distribution/reference:
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain "/"] path-component ("/" path-component)*
 * The first component is a registry host when it is `localhost`, or contains `.` or `:`, or has an uppercase letter;
 * otherwise the registry is Docker Hub (`docker.io`) and a one-component path gets `library/`.
 */
import { cut } from './errors'
import { isSha256Digest } from './digest'

export const DOCKER_HUB = 'docker.io'
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io'

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`)
export const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/
const MAX_NAME_LENGTH = 255

/** A repository: where the image lives. `registry` is normalised (`docker.io` for Docker Hub). */
export interface ImageName {
  registry: string
  /** Repository path inside the registry, e.g. `acme/api` or `library/nginx`. */
  repository: string
}

export interface ImageReference extends ImageName {
  tag?: string
  digest?: string
}

export class InvalidReferenceError extends Error {
  constructor(
    readonly reference: string,
    readonly reason: string
  ) {
    super(`invalid image reference '${cut(reference)}': ${reason}`)
    this.name = 'InvalidReferenceError'
  }
}

function splitDomain(name: string): { domain?: string; path: string } {
  const slash = name.indexOf('/')
  if (slash === -1) return { path: name }
  const first = name.slice(0, slash)
  if (first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase()) {
    return { domain: first, path: name.slice(slash + 1) }
  }
  return { path: name }
}

function parseName(input: string, name: string): ImageName {
  if (name === '') throw new InvalidReferenceError(input, 'the repository name is empty')
  const { domain, path } = splitDomain(name)
  if (domain !== undefined && !DOMAIN.test(domain)) {
    throw new InvalidReferenceError(input, `'${cut(domain)}' is not a valid registry host`)
  }
  if (path === '') throw new InvalidReferenceError(input, 'the repository path is empty')
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      const why =
        component === ''
          ? 'it has an empty path component (double or trailing slash)'
          : component !== component.toLowerCase()
            ? `'${cut(component)}' has uppercase letters; repository names must be lowercase`
            : `'${cut(component)}' is not a valid path component (lowercase letters, digits and single separators . _ __ - only)`
      throw new InvalidReferenceError(input, why)
    }
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(input, `the name is longer than ${MAX_NAME_LENGTH} characters`)
  }
  const registry = domain === undefined || DOCKER_HUB_ALIASES.has(domain) ? DOCKER_HUB : domain
  const repository = registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path
  return { registry, repository }
}

/** Parses `name[:tag][@digest]`. Throws InvalidReferenceError with the reason. */
export function parseReference(input: string): ImageReference {
  const text = input.trim()
  if (text === '') throw new InvalidReferenceError(input, 'it is empty')
  if (/\s/.test(text)) throw new InvalidReferenceError(input, 'it contains whitespace')
  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw new InvalidReferenceError(input, `'${cut(digest)}' is not a valid digest`)
    if (digest.startsWith('sha256:') && !isSha256Digest(digest)) {
      throw new InvalidReferenceError(input, `'${cut(digest)}' is not a valid sha256 digest (64 lowercase hex characters)`)
    }
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw new InvalidReferenceError(input, tagProblem(tag))
  }
  const name = parseName(input, rest)
  return { ...name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) }
}

/** Why a tag is invalid, or undefined when it is valid. */
export function validateTag(tag: string): string | undefined {
  return TAG.test(tag) ? undefined : tagProblem(tag)
}

function tagProblem(tag: string): string {
  if (tag === '') return 'the tag is empty'
  if (tag.length > 128) return `tag '${cut(tag)}' is ${tag.length} characters long (at most 128)`
  if (!/^\w/.test(tag)) return `tag '${cut(tag)}' must start with a letter, digit or underscore`
  const bad = [...tag].find((c) => !/[\w.-]/.test(c))
  return `tag '${cut(tag)}' contains '${bad}'; tags may only contain letters, digits, '_', '.' and '-'`
}

/** `registry/repository`, fully qualified (`docker.io/library/nginx`). */
export function formatName(name: ImageName): string {
  return `${name.registry}/${name.repository}`
}

/** The short form people write: `nginx`, `acme/api`, `ghcr.io/acme/api`. */
export function familiarName(name: ImageName): string {
  if (name.registry !== DOCKER_HUB) return formatName(name)
  return name.repository.startsWith('library/') ? name.repository.slice('library/'.length) : name.repository
}

export function formatReference(ref: ImageReference, familiar = false): string {
  let s = familiar ? familiarName(ref) : formatName(ref)
  if (ref.tag) s += `:${ref.tag}`
  if (ref.digest) s += `@${ref.digest}`
  return s
}

/** The host that serves the distribution API for a registry. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry
}
