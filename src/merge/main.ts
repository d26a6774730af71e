import * as core from '@actions/core'
import { commitUrl, readRunContext, repositoryUrl, runUrl, type RunContext } from '../action/context'
import { envInputReader, type InputReader } from '../action/inputs'
import { runAction, type ActionResult } from '../action/run'
import { maskSecretInputs } from '../action/secrets'
import { dockerKeychain } from '../docker/config'
import { resolveCommit } from '../plan/commit'
import { OCI_CREATED, OCI_REVISION, OCI_SOURCE } from '../plan/labels'
import { logPlanNotes, type PlanNote } from '../plan/notes'
import { planTags } from '../plan/tag-plan'
import { templateValues } from '../plan/tags'
import { createRegistryFactory, RegistryBudget, withCredentials, type Keychain, type RegistryFactory } from '../registry'
import type { RegistryClient } from '../registry/client'
import { sha256Digest } from '../registry/digest'
import { formatName } from '../registry/reference'
import { composeIndex } from './compose'
import { readMergeInputs, type MergeInputs } from './inputs'
import { readSource } from './read'
import { renderMergeSummary, toMergeOutputs, type MergeReport } from './report'
import { expandSources } from './sources'
import { checkSources, type Checked } from './validate'
import { copyChildren, foreignChildren, pushIndex, readBackIndex } from './write'

/** The merge action's seams: the registry (clients over one transport), inputs, environment and git. */
export interface MergeDeps {
  /** Clients for the target and every source repository, authenticated with `credentials`, under a budget of `budgetMs`. */
  openRegistries: (credentials: Keychain, budgetMs: number) => RegistryFactory
  readInput: InputReader
  env: NodeJS.ProcessEnv
  cwd: string
  gitHead?: (dir: string) => Promise<string | undefined>
}

export function defaultMergeDeps(): MergeDeps {
  const env = process.env
  return {
    openRegistries: (credentials, budgetMs) => createRegistryFactory({ env, credentials, budget: new RegistryBudget(budgetMs) }),
    readInput: envInputReader(),
    env,
    cwd: process.cwd()
  }
}

export interface MergeResult {
  report: MergeReport
  summary: boolean
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

/** The registry session's credentials: the inputs' for the image's registry (no docker login), docker's elsewhere. */
function keychainFor(inputs: MergeInputs, env: NodeJS.ProcessEnv): Keychain {
  const docker = dockerKeychain(env)
  return inputs.login ? withCredentials(inputs.image.registry, inputs.login, docker) : docker
}

function countRequests(requests: RegistryFactory['requests']): string {
  const by = new Map<string, number>()
  for (const r of requests) by.set(r.method, (by.get(r.method) ?? 0) + 1)
  return [...by].map(([m, n]) => `${n} ${m}`).join(', ')
}

/**
 * inputs → sources read and checked (nothing written until every check passes) → children of other repositories
 * mounted and copied → the index PUT by digest and under each tag → read back by digest → report.
 */
export async function mergeImages(deps: MergeDeps): Promise<MergeResult> {
  maskSecretInputs(deps.readInput)
  const ctx = readRunContext(deps.env)
  const inputs = readMergeInputs(deps.readInput)
  // the commit only: a merge job needs no checkout, and the index's created time comes from the sources
  const commit = await resolveCommit(ctx, deps.cwd, { ...(deps.gitHead && { head: deps.gitHead }), commitTime: async () => undefined })
  const sources = expandSources(inputs.sources, templateValues(commit.sha, ctx), inputs.image, ctx.ref)
  const notes: PlanNote[] = []
  const { tags } = planTags({ imageInput: inputs.imageInput, tags: inputs.tags, latest: inputs.latest }, ctx, commit.sha, notes)
  logPlanNotes(notes)

  // one budget phase for the whole merge: reads, writes and the read-back together
  const registries = deps.openRegistries(keychainFor(inputs, deps.env), inputs.registryTimeoutMs)
  try {
    const target = registries.client(inputs.image, { push: true })
    const clients = new Map<string, RegistryClient>([[inputs.image.repository, target]])
    const clientFor = (repository: string): RegistryClient => {
      let c = clients.get(repository)
      if (!c) {
        c = registries.client({ registry: inputs.image.registry, repository })
        clients.set(repository, c)
      }
      return c
    }

    const checked = await core.group(`Read ${sources.length} source(s)`, async () => {
      const outcomes = await Promise.all(sources.map((s) => readSource(clientFor(s.ref.repository), s, s.ref.repository !== inputs.image.repository)))
      for (const o of outcomes) {
        if (o.status !== 'read') continue
        for (const i of o.read.images) core.info(`${o.read.source.input} → ${i.platformText} ${i.digest} (git-commit ${i.labels['git-commit'] ?? 'none'})`)
      }
      return checkSources(outcomes, commit.sha, inputs.requireSameCommit)
    })

    const attestations = checked.reads.flatMap((r) => r.attestations)
    const orphans = attestations.filter((a) => !checked.images.some((i) => i.digest === a.for))
    for (const a of orphans) core.info(`Attestation manifest ${a.descriptor.digest} of '${a.source.input}' describes no merged image (${a.for ?? 'no reference'}): left out`)
    const annotations = { ...defaultAnnotations(ctx, checked), ...Object.fromEntries(inputs.annotations) }
    const index = composeIndex(checked.images, attestations, annotations, inputs.annotations.length > 0)
    const digest = sha256Digest(index.bytes)
    if (Object.keys(index.annotations).length === 0 && Object.keys(annotations).length > 0) {
      core.info("All sources are Docker v2 images: writing a Docker manifest list, which has no annotations (set 'annotations' to write an OCI index with them)")
    }

    const held = await core.group(`Write the index to ${formatName(inputs.image)}`, async () => {
      const foreign = foreignChildren(inputs.image.repository, checked.images, attestations.filter((a) => !orphans.includes(a)))
      if (foreign.length > 0) {
        const stats = await copyChildren(target, clientFor, foreign, async (child) => (await clientFor(child.repository).manifest(child.digest)).bytes)
        core.info(`Copied ${stats.manifests} manifest(s) from other repositories: ${stats.mounted} blob(s) mounted, ${stats.uploaded} uploaded`)
      }
      await pushIndex(target, index, digest, tags)
      const h = await readBackIndex(target, digest, tags)
      core.info(`Registry holds ${h.digest} (${h.mediaType}); tags: ${tags.join(', ')}`)
      for (const m of h.movedTags) {
        core.warning(`Tag '${m.tag}' now points to ${m.now}, not to the index ${digest} this step wrote: another push to the same tag happened in between. Deploy with the 'pinned' output.`)
      }
      return h
    })
    core.info(`Registry requests: ${registries.requests.length} (${countRequests(registries.requests)})`)

    const report: MergeReport = {
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
      requests: registries.requests.length
    }
    return { report, summary: inputs.summary }
  } finally {
    await registries.close()
  }
}

function toActionResult({ report, summary }: MergeResult): ActionResult {
  return {
    outputs: toMergeOutputs(report),
    ...(summary && { summary: renderMergeSummary(report) }),
    notice: { text: `Pinned: ${report.pinned}`, title: 'Index pushed' }
  }
}

export function runMerge(deps: MergeDeps = defaultMergeDeps()): Promise<void> {
  return runAction(async () => toActionResult(await mergeImages(deps)))
}
