import { parseReference, type ImageName, type ImageReference } from '../registry/reference'

/**
 * Decides what a reference found in a deploy file becomes. Gets the reference as written and returns the new text,
 * or undefined to leave it alone. Rules never touch a reference they have no digest for.
 */
export type PinRule = (written: string) => string | undefined

/** The name part of a reference exactly as written: `nginx` of `nginx:1.25@sha256:…`, `127.0.0.1:5000/a` of `127.0.0.1:5000/a:v1`. */
export function writtenName(written: string): string {
  const noDigest = written.replace(/@.*$/, '')
  const colon = noDigest.lastIndexOf(':')
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest
}

/** Parses a reference found in a file; undefined when it is not one (variables, templates, stage names with bad chars…). */
export function tryParse(written: string): ImageReference | undefined {
  try {
    return parseReference(written)
  } catch {
    return undefined
  }
}

/** `registry/repository:tag` with Docker's implicit `latest`; the key deploy references are matched by. */
export function tagKey(ref: ImageName & { tag?: string }): string {
  return `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}`
}

/**
 * The rule of the resolve action: a reference is pinned when its name:tag (implicit `latest` when untagged) was
 * resolved. The result keeps the name as written and always carries the tag, for readability and so a later run can
 * refresh it: `nginx` → `nginx:latest@sha256:…`, `nginx:1.25@sha256:<old>` → `nginx:1.25@sha256:<new>`.
 * A reference pinned by digest alone has no tag to look up and is left alone.
 */
export function resolvedRule(digests: ReadonlyMap<string, string>): PinRule {
  return (written) => {
    const ref = tryParse(written)
    if (!ref || (ref.digest && !ref.tag)) return undefined
    const digest = digests.get(tagKey(ref))
    if (!digest) return undefined
    return `${writtenName(written)}:${ref.tag ?? 'latest'}@${digest}`
  }
}

/**
 * The rule of the build action: every reference to its own image (any tag, untagged, or pinned to an older digest)
 * now names the digest just pushed. A tag that was pushed is kept; any other tag is replaced by the first pushed tag,
 * so the tag shown next to the digest is one that really pointed to it.
 */
export function ownImageRule(image: ImageName, pushedTags: readonly string[], digest: string): PinRule {
  return (written) => {
    const ref = tryParse(written)
    if (!ref || ref.registry !== image.registry || ref.repository !== image.repository) return undefined
    const tag = ref.tag && pushedTags.includes(ref.tag) ? ref.tag : pushedTags[0]
    return `${writtenName(written)}${tag ? `:${tag}` : ''}@${digest}`
  }
}
