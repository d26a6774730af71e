import * as core from '@actions/core'
import { commitUrl, readRunContext, repositoryUrl, runUrl, type RunContext } from '../action/context'
import { ActionError } from '../action/errors'
import type { InputReader } from '../action/inputs'
import { resolveCommit, type Commit } from '../plan/commit'
import { OCI_CREATED, OCI_REVISION, OCI_SOURCE } from '../plan/labels'
import { logPlanNotes, type PlanNote } from '../plan/notes'
import { planTags } from '../plan/tag-plan'
import { templateValues } from '../plan/tags'
import type { OpenRegistries, RegistryAccess, RegistryFactory } from '../registry'
import type { RegistryClient } from '../registry/client'
import { sha256Digest } from '../registry/digest'
import { RegistryError } from '../registry/errors'
import { formatName, type ImageName } from '../registry/reference'
import { composeIndex, type ComposedIndex } from './compose'
import { readMergeInputs, type MergeInputs } from './inputs'
import { readSource, type AttestationEntry } from './read'
import type { MergeReport } from './report'
import { expandSources, type Source } from './sources'
import { checkSources, type Checked } from './validate'
import { copyChildren, foreignChildren, pushIndex, readBackIndex, type HeldIndex } from './write'

/** The merge action's seams: the registry (clients over one transport), inputs, environment and git. */
export interface MergeDeps {
  /** Clients for the target and every source repository (the seam every action opens registries through). */
  openRegistries: OpenRegistries
  readInput: InputReader
  env: NodeJS.ProcessEnv
  cwd: string
  gitHead?: (dir: string) => Promise<string | undefined>
}

export interface MergeResult {
  report: MergeReport
  summary: boolean
}

/** Everything decided before the registry is asked anything: a bad input fails here, before any request. */
export interface PreparedMerge {
  ctx: RunContext
  inputs: MergeInputs
  commit: Commit
  sources: Source[]
  tags: string[]
}

/** The index as composed from the checked sources, before anything is written. */
export interface ComposedMerge {
  index: ComposedIndex
  digest: string
  /** The attestations the index keeps: those describing a merged image. */
  attestations: AttestationEntry[]
}

/** Step 1: inputs → commit → sources → tags, and the tag plan's notes printed (the first repository's merge). */
export async function prepareMerge(deps: MergeDeps): Promise<PreparedMerge> {
  return (await prepareMergeTargets(deps))[0] as PreparedMerge
}

/**
 * Step 1 for every repository the index goes to (`image`'s and those the full references of `tags` name): the
 * same sources, read in each target's registry, and each target's tags. Every check runs before anything is read.
 */
export async function prepareMergeTargets(deps: MergeDeps): Promise<PreparedMerge[]> {
  const ctx = readRunContext(deps.env)
  const inputs = readMergeInputs(deps.readInput)
  // the commit only: a merge job needs no checkout, and the index's created time comes from the sources
  const commit = await resolveCommit(ctx, deps.cwd, { ...(deps.gitHead && { head: deps.gitHead }), commitTime: async () => undefined })
  const many = inputs.targets.length > 1
  const notes: PlanNote[] = []
  const prepared = inputs.targets.map((t): PreparedMerge => {
    const own = { ...inputs, imageInput: t.input, image: t.name, tags: t.tags }
    const sources = expandSources(inputs.sources, templateValues(commit.sha, ctx), t.name, ctx.ref, { rebaseDigests: many })
    const targetNotes: PlanNote[] = []
    const { tags } = planTags({ imageInput: t.input, tags: t.tags, latest: inputs.latest }, ctx, commit.sha, targetNotes)
    for (const n of targetNotes) if (!notes.some((m) => m.text === n.text)) notes.push(n)
    return { ctx, inputs: own, commit, sources, tags }
  })
  logPlanNotes(notes)
  return prepared
}

/** The merge's registries: the inputs' credentials for the image's registry (no docker login), docker's elsewhere. */
export function registryAccess(inputs: MergeInputs, env: NodeJS.ProcessEnv): RegistryAccess {
  return { env, budgetMs: inputs.registryTimeoutMs, ...(inputs.login && { login: { registry: inputs.image.registry, credentials: inputs.login } }) }
}

/** One client per repository for the whole merge: the target's (pushing), and each other repository's on first use. */
export interface RepositoryClients {
  target: RegistryClient
  clientFor: (repository: string) => RegistryClient
}

export function repositoryClients(registries: RegistryFactory, image: ImageName): RepositoryClients {
  const target = registries.client(image, { push: true })
  const clients = new Map<string, RegistryClient>([[image.repository, target]])
  const clientFor = (repository: string): RegistryClient => {
    let c = clients.get(repository)
    if (!c) {
      c = registries.client({ registry: image.registry, repository })
      clients.set(repository, c)
    }
    return c
  }
  return { target, clientFor }
}

/** Step 2: every source read side by side and what it holds printed, then all checked together (nothing written yet). */
export function readAndCheck({ clientFor }: RepositoryClients, { inputs, commit, sources }: PreparedMerge): Promise<Checked> {
  return core.group(`Read ${sources.length} source(s)`, async () => {
    const outcomes = await Promise.all(sources.map((s) => readSource(clientFor(s.ref.repository), s, s.ref.repository !== inputs.image.repository)))
    for (const o of outcomes) {
      if (o.status !== 'read') continue
      for (const i of o.read.images) core.info(`${o.read.source.input} → ${i.platformText} ${i.digest} (git-commit ${i.labels['git-commit'] ?? 'none'})`)
    }
    return checkSources(outcomes, commit.sha, inputs.requireSameCommit)
  })
}

/**
 * Index annotations: GHCR and others read the source repository, revision and creation time from the index of a
 * multi-platform image. All from the run and the sources, never from the clock, so that merging the same sources
 * again gives the same index: `revision` is the sources' commit, `created` the latest creation time they carry.
 */
export function defaultAnnotations(ctx: RunContext, checked: Checked): Record<string, string> {
  const created = checked.images
    .map((i) => i.labels[OCI_CREATED])
    .filter((c): c is string => !!c)
    .sort()
    .pop()
  const source = repositoryUrl(ctx)
  return { ...(source && { [OCI_SOURCE]: source }), [OCI_REVISION]: checked.commit, ...(created && { [OCI_CREATED]: created }) }
}

/** Step 3: the index of the checked images and their attestations, with the default and input annotations. */
export function composeMerged({ ctx, inputs }: PreparedMerge, checked: Checked): ComposedMerge {
  const all = checked.reads.flatMap((r) => r.attestations)
  if (!inputs.attestations && all.length > 0) core.info(`Leaving out ${all.length} attestation manifest(s) of the sources ('attestations: false')`)
  const attestations = inputs.attestations ? all : []
  const orphans = attestations.filter((a) => !checked.images.some((i) => i.digest === a.for))
  for (const a of orphans) core.info(`Attestation manifest ${a.descriptor.digest} of '${a.source.input}' describes no merged image (${a.for ?? 'no reference'}): left out`)
  const annotations = { ...defaultAnnotations(ctx, checked), ...Object.fromEntries(inputs.annotations) }
  const index = composeIndex(checked.images, attestations, annotations, inputs.annotations.length > 0)
  if (Object.keys(index.annotations).length === 0 && Object.keys(annotations).length > 0) {
    core.info("All sources are Docker v2 images: writing a Docker manifest list, which has no annotations (set 'annotations' to write an OCI index with them)")
  }
  return { index, digest: sha256Digest(index.bytes), attestations: attestations.filter((a) => !orphans.includes(a)) }
}

/**
 * Step 4: children of other repositories mounted and copied → the index PUT under each tag → read back by digest
 * beside a HEAD per tag, with a warning for each tag another push moved in between.
 */
export function writeAndReadBack(
  { target, clientFor }: RepositoryClients,
  { inputs, tags }: PreparedMerge,
  checked: Checked,
  { index, digest, attestations }: ComposedMerge
): Promise<HeldIndex> {
  return core.group(`Write the index to ${formatName(inputs.image)}`, async () => {
    const foreign = foreignChildren(inputs.image.repository, checked.images, attestations)
    try {
      if (foreign.length > 0) {
        const stats = await copyChildren(target, clientFor, foreign, async (child) => (await clientFor(child.repository).manifest(child.digest)).bytes)
        core.info(`Copied ${stats.manifests} manifest(s) from other repositories: ${stats.mounted} blob(s) mounted, ${stats.uploaded} uploaded`)
      }
      await pushIndex(target, index, digest, tags)
    } catch (error) {
      throw attestationsRejected(error, target.registry, attestations.length)
    }
    const h = await readBackIndex(target, digest, tags)
    core.info(`Registry holds ${h.digest} (${h.mediaType}); tags: ${tags.join(', ')}`)
    for (const m of h.movedTags) {
      core.warning(`Tag '${m.tag}' now points to ${m.now}, not to the index ${digest} this step wrote: another push to the same tag happened in between. Deploy with the 'pinned' output.`)
    }
    return h
  })
}

/**
 * A manifest write the registry rejected (400-class, not auth, not missing, not rate limiting) while the index carries
 * attestation manifests: some registries (GitLab, ECR) reject OCI 1.1 manifests with a `subject` or attestation
 * manifests. The registry's answer stays in the message, and the switch that leaves them out is named.
 */
function attestationsRejected(error: unknown, registry: string, attestations: number): unknown {
  if (attestations === 0 || !(error instanceof RegistryError) || error.status === undefined) return error
  if (error.status < 400 || error.status >= 500 || [401, 403, 404, 413, 429].includes(error.status)) return error
  return new ActionError(
    `${error.message}. The index carries ${attestations} attestation manifest(s) (provenance, SBOM); some registries (GitLab, Amazon ECR) reject attestation manifests or OCI 1.1 manifests with a subject`,
    `set 'attestations: false' to merge the images without their attestation manifests (the image digests are unaffected), or turn attestations off in the build ('provenance: false', 'sbom: false')`
  )
}

function countRequests(requests: RegistryFactory['requests']): string {
  const by = new Map<string, number>()
  for (const r of requests) by.set(r.method, (by.get(r.method) ?? 0) + 1)
  return [...by].map(([m, n]) => `${n} ${m}`).join(', ')
}

/** Step 5: the registry requests counted and printed, and the report of what the registry holds. */
export function reportMerge(
  { ctx, inputs, commit, tags }: PreparedMerge,
  checked: Checked,
  { index }: ComposedMerge,
  held: HeldIndex,
  requests: RegistryFactory['requests']
): MergeReport {
  core.info(`Registry requests: ${requests.length} (${countRequests(requests)})`)
  return {
    image: inputs.imageInput,
    digest: held.digest,
    pinned: `${inputs.imageInput}@${held.digest}`,
    mediaType: held.mediaType,
    tags: tags.map((t) => `${inputs.imageInput}:${t}`),
    commit: checked.commit,
    runCommit: commit.sha,
    images: checked.images,
    attestations: index.manifests.length - checked.images.length,
    annotations: index.annotations,
    movedTags: held.movedTags,
    ...(commitUrl(ctx, checked.commit) && { commitUrl: commitUrl(ctx, checked.commit) }),
    ...(ctx.runNumber && { runNumber: ctx.runNumber }),
    ...(runUrl(ctx) && { runUrl: runUrl(ctx) }),
    requests: requests.length
  }
}
