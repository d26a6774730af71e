import { isMap, isScalar, isSeq, type Document, type Pair, type YAMLMap } from 'yaml'
import { scalarField, setField, type FormatSite, type ScalarField } from './sites'

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined
}

/** A GitHub Actions workflow: a top-level `jobs:` map next to `on:` (what the runner requires of every workflow file). */
export function isWorkflow(doc: Document.Parsed): boolean {
  return isMap(doc.contents) && isMap(pairOf(doc.contents, 'jobs')?.value) && pairOf(doc.contents, 'on') !== undefined
}

const DOCKER_SCHEME = 'docker://'

/**
 * The images a workflow runs that are not under an `image:` key (those — `container.image`, `services.<id>.image` —
 * are found like every other `image:`): `jobs.<id>.container` given as a string, and steps that run a container
 * directly, `uses: docker://<reference>` (only the reference after the scheme is rewritten). A value holding an
 * expression (`${{ … }}`) is only known at run time and is left alone.
 */
export function workflowSites(source: string, docs: readonly Document.Parsed[]): FormatSite[] {
  const sites: FormatSite[] = []
  const site = (field: ScalarField, offset: number): void => {
    const written = field.text.slice(offset)
    if (written === '' || written.includes('${{')) return
    const start = field.start + field.quote.length + offset
    const part: ScalarField = { start, end: start + written.length, text: written, quote: '' }
    sites.push({ format: 'workflow', start, written, edits: (to, toText) => [setField(part, toText, written, toText)] })
  }
  for (const doc of docs) {
    if (!isWorkflow(doc)) continue
    const jobs = pairOf(doc.contents as YAMLMap, 'jobs')?.value as YAMLMap
    for (const job of jobs.items) {
      if (!isMap(job.value)) continue
      const container = scalarField(source, pairOf(job.value, 'container')?.value as never)
      if (container) site(container, 0)
      const steps = pairOf(job.value, 'steps')?.value
      if (!isSeq(steps)) continue
      for (const step of steps.items) {
        if (!isMap(step)) continue
        const uses = scalarField(source, pairOf(step, 'uses')?.value as never)
        if (uses?.text.startsWith(DOCKER_SCHEME)) site(uses, DOCKER_SCHEME.length)
      }
    }
  }
  return sites
}
