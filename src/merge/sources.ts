import { InputError } from '../action/errors'
import { parseReferenceInput } from '../action/inputs'
import { expandTag, type TemplateValues } from '../plan/tags'
import { TAG, formatName, type ImageName, type ImageReference } from '../registry/reference'

/** One line of `sources`, filled in and parsed: where the per-platform image (or index) is. */
export interface Source {
  /** The line as written (templates and all): errors and the summary name it. */
  input: string
  /** The full reference it names in this run: `registry/repository:tag` or `…@sha256:…`. */
  reference: string
  ref: ImageReference & ({ tag: string } | { digest: string })
}

/** A line that is a tag of `image`: the tag grammar, nothing that makes it a reference (`/`, `:`, `@`). */
function isBareTag(text: string): boolean {
  return TAG.test(text) && !/[/:@]/.test(text)
}

/**
 * The sources of this run. Each line is a tag of `image` (`sha-{{sha}}-linux-amd64`), or a reference with a tag or a
 * digest (`repo:tag`, `repo@sha256:…`) in the same registry as `image`; with `rebaseDigests` (an index written to
 * several registries) a digest in another registry is read from `image`'s own repository. Templates are filled in as in `tags`; a
 * template without a value in this run is an error here (a skipped source would silently drop a platform).
 */
export function expandSources(lines: readonly string[], values: TemplateValues, image: ImageName, ref?: string, o: { rebaseDigests?: boolean } = {}): Source[] {
  const seen = new Set<string>()
  const out: Source[] = []
  for (const input of lines) {
    const expanded = expandTag(input, values)
    if (expanded.tag === undefined) {
      throw new InputError(
        'sources',
        `'${input}' uses ${expanded.missing.map((m) => `{{${m}}}`).join(', ')}, which has no value in this run (ref ${ref ?? 'unknown'})`,
        (expanded.missing as readonly string[]).includes('platform')
          ? "a merge has no single platform: write each platform into its line, e.g. 'sha-{{sha}}-linux-arm64'"
          : 'use templates that have a value in every run that merges, such as {{sha}} or {{run_number}}'
      )
    }
    const text = expanded.tag
    const parsed: ImageReference = isBareTag(text)
      ? { ...image, tag: text }
      : parseReferenceInput('sources', text, "write a tag of 'image', or repository:tag, or repository@sha256:<64 hex>")
    if (parsed.tag === undefined && parsed.digest === undefined) {
      throw new InputError('sources', `'${input}' names the repository ${formatName(parsed)} without a tag or digest`, `write ${text}:<tag> or ${text}@sha256:<digest>`)
    }
    // a source pinned by digest in another registry: the same digest in this target's repository (a build that pushed
    // by digest to every repository of the index put it there); a tag in another registry names nothing here
    if (parsed.registry !== image.registry && parsed.digest !== undefined && o.rebaseDigests) {
      parsed.registry = image.registry
      parsed.repository = image.repository
    }
    if (parsed.registry !== image.registry) {
      throw new InputError(
        'sources',
        `'${input}' is in registry ${parsed.registry}, but the index goes to ${image.registry}: a merge references its children, it copies no layers between registries`,
        `push the per-platform images to ${image.registry} (the registry of 'image'), or copy them there first (skopeo copy, crane copy)`
      )
    }
    // by digest when both are given: the digest is what the user pinned
    const target: Source['ref'] = parsed.digest !== undefined ? { ...parsed, digest: parsed.digest } : { ...parsed, tag: parsed.tag as string }
    const reference = 'digest' in target && target.digest ? `${formatName(target)}@${target.digest}` : `${formatName(target)}:${parsed.tag as string}`
    if (seen.has(reference)) continue
    seen.add(reference)
    out.push({ input, reference, ref: target })
  }
  return out
}

/** The tag or digest to ask the registry for. */
export function sourceRef(source: Source): string {
  return 'digest' in source.ref && source.ref.digest ? source.ref.digest : (source.ref as { tag: string }).tag
}
