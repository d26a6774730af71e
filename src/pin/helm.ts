import path from 'node:path'
import { isScalar, visit, type Document, type Pair, type YAMLMap } from 'yaml'
import { scalarField, setField, type FormatSite } from './sites'

/**
 * Helm reads values from a chart's `values.yaml` and from the files given with `-f`/`--values`, which by convention
 * are named after it: `values.yaml`, `values-prod.yaml`, `values.prod.yaml`, `prod-values.yaml`, `prod.values.yaml`
 * (`.yml` too). Only these are read as values: a map with `repository` and `tag` means an image in a chart's values,
 * but may mean something else in other YAML (a CRD, a CI config), which stays with the generic `image:` rules.
 */
export function isHelmValues(file: string): boolean {
  return /^(?:.*[-_.])?values(?:[-_.].*)?\.ya?ml$/i.test(path.basename(file))
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined
}

/**
 * Every map of a values file holding `repository` and `tag` (optionally `registry` and `digest`): the image a chart
 * renders is `[registry/]repository:tag`. Pinning writes the digest into `digest:` where the map has that key (the
 * Bitnami charts' form), else appends it to the tag (`tag: 1.2.3@sha256:…`, as Argo CD Image Updater and Renovate
 * write it, which charts rendering `repository:tag` turn into a pinned reference). An empty tag means the chart's
 * appVersion, which the values do not say: left as it is.
 */
export function helmValuesSites(file: string, source: string, docs: readonly Document.Parsed[], notes: string[]): FormatSite[] {
  const sites: FormatSite[] = []
  for (const doc of docs) {
    visit(doc, {
      Map(_, map) {
        const repoPair = pairOf(map, 'repository')
        const tagPair = pairOf(map, 'tag')
        if (!repoPair || !tagPair) return
        const repository = scalarField(source, repoPair.value as never)
        const tag = scalarField(source, tagPair.value as never)
        const registryPair = pairOf(map, 'registry')
        const registry = registryPair ? scalarField(source, registryPair.value as never) : undefined
        const digestPair = pairOf(map, 'digest')
        const digest = digestPair ? scalarField(source, digestPair.value as never) : undefined
        if (!repository?.text || /[{}$]/.test(repository.text)) return
        if (!tag || (registryPair && !registry) || (digestPair && !digest)) {
          notes.push(`${file}: the image map of '${repository.text}' has a tag, registry or digest that is not a one-line value; left as it is`)
          return
        }
        if (tag.text === '') {
          notes.push(`${file}: '${repository.text}' has an empty tag (the chart's appVersion, which the values do not say); left as it is`)
          return
        }
        const [tagName = '', tagDigest] = tag.text.split('@')
        const pinnedDigest = digest?.text || tagDigest
        const written = `${registry?.text ? `${registry.text}/` : ''}${repository.text}:${tagName}${pinnedDigest ? `@${pinnedDigest}` : ''}`
        sites.push({
          format: 'helm',
          start: repository.start,
          written,
          edits(to, toText) {
            if (!to.digest) return undefined
            const newTag = to.tag ?? tagName
            if (digest) {
              const edits = [setField(digest, to.digest, written, toText)]
              if (newTag !== tag.text) edits.push(setField(tag, newTag, written, toText))
              return edits
            }
            return [setField(tag, `${newTag}@${to.digest}`, written, toText)]
          }
        })
      }
    })
  }
  return sites
}
