import path from 'node:path'
import { isMap, isScalar, isSeq, type Document, type Pair, type YAMLMap } from 'yaml'
import { addPair, scalarField, setField, type FormatSite, type ScalarField } from './sites'

/** The three names kustomize looks for in a directory (`kustomize build <dir>`). */
const KUSTOMIZATION = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization'])

export function isKustomization(file: string): boolean {
  return KUSTOMIZATION.has(path.basename(file))
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined
}

/**
 * The `images:` entries of a kustomization: the image an entry deploys is `newName` (else `name`) with `newTag`, and
 * with `digest` set kustomize renders `newName:newTag@digest` (the digest decides what runs). Pinning writes `digest:` (replacing it, or adding
 * it as the entry's last field) and keeps `newTag` for readers; a rule that changes the tag changes `newTag` too, so
 * the tag shown is one that pointed to the digest. Entries without a one-line `name` are not images to pin.
 */
export function kustomizeSites(file: string, source: string, docs: readonly Document.Parsed[], notes: string[]): FormatSite[] {
  const sites: FormatSite[] = []
  for (const doc of docs) {
    if (!isMap(doc.contents)) continue
    const images = pairOf(doc.contents, 'images')?.value
    if (!isSeq(images)) continue
    for (const entry of images.items) {
      if (!isMap(entry)) continue
      const field = (key: string): ScalarField | undefined => scalarField(source, pairOf(entry, key)?.value as never)
      const name = field('name')
      if (!name?.text) continue
      const newName = field('newName')
      const newTag = field('newTag')
      const digestPair = pairOf(entry, 'digest')
      const digest = field('digest')
      if (digestPair && !digest) {
        notes.push(`${file}: the digest of images entry '${name.text}' is not a one-line value and was left as it is`)
        continue
      }
      const image = newName?.text || name.text
      const written = `${image}${newTag?.text ? `:${newTag.text}` : ''}${digest?.text ? `@${digest.text}` : ''}`
      const last = entry.items[entry.items.length - 1] as Pair
      const lastValue = scalarField(source, last.value as never)
      sites.push({
        format: 'kustomize',
        start: name.start,
        written,
        edits(to, toText) {
          if (!to.digest) return undefined
          const edits = []
          if (digest) edits.push(setField(digest, to.digest, written, toText))
          else if (lastValue && isScalar(last.key) && last.key.range) {
            edits.push(addPair(source, !!entry.flow, last.key.range[0], lastValue.end, 'digest', to.digest, written, toText))
          } else return undefined
          if (newTag && to.tag && to.tag !== newTag.text) edits.push(setField(newTag, to.tag, written, toText))
          return edits
        }
      })
    }
  }
  return sites
}
