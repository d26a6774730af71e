import * as core from '@actions/core'
import { commitUrl, readRunContext, runUrl } from '../action/context'
import { nativePlatform, selectBuilder, type Builder, type BuiltImage } from '../docker/builder'
import { imageIdKind } from '../docker/image-store'
import { loginForStep, type StepLogin } from '../docker/login'
import { readPinInputs } from '../pin/inputs'
import type { PinOutcome } from '../pin/step'
import { resolveCommit } from '../plan/commit'
import { logPlanNotes } from '../plan/notes'
import type { RegistryFactory } from '../registry'
import { attestationKinds } from '../registry/image'
import { buildkitOnly } from './builder-inputs'
import { buildSpec } from './build-spec'
import { loadLater, type BuildResult, type Deps, type Prepared } from './deps'
import { checkUnknownInputs, readInputs, type Inputs } from './inputs'
import { planBuild } from './plan'
import { gitHubInputs } from './publish'
import { ActionError } from '../action/errors'
import { checkPlatformLabels, checkPlatforms, readBack, readBackByDigest, type BuildClaims, type PushedTag, type ReadBack } from './readback'
import type { RepositoryPlan } from './plan'
import { builderNotes, logReadBack, needsBuildKit } from './texts'

/** Step 1: inputs → deploy files → commit → plan, and the plan's notes printed. */
export async function prepare(deps: Deps): Promise<Prepared> {
  const ctx = readRunContext(deps.env)
  checkUnknownInputs(deps.env)
  const inputs = readInputs(deps.readInput, deps.cwd, deps.env)
  const pinInputs = readPinInputs(deps.readInput)
  const github = gitHubInputs(deps.readInput, pinInputs.files.length > 0, inputs.push)
  const pins = pinInputs.files.length > 0 ? await (await loadLater()).prepareBuildPins(pinInputs, inputs.push, deps.cwd) : undefined
  // git and `docker buildx inspect` are independent processes: run them side by side
  const [commit, builder] = await Promise.all([
    resolveCommit(ctx, inputs.remoteContext ? deps.cwd : inputs.context, { head: deps.gitHead, commitTime: deps.gitCommitTime }),
    chooseBuilder(deps, inputs)
  ])
  const plan = planBuild(inputs, ctx, commit, nativePlatform(builder.info))
  logPlanNotes([...builderNotes(inputs, builder), ...plan.notes])
  const base = {
    image: inputs.imageInput,
    pushed: false,
    tags: plan.refs,
    labels: plan.labels.labels,
    labelSources: plan.labels.sources,
    commit,
    commitUrl: commitUrl(ctx, commit.sha),
    runNumber: ctx.runNumber,
    runAttempt: ctx.runAttempt,
    runUrl: runUrl(ctx),
    movedTags: []
  }
  return { inputs, plan, commit, base, ...(pins && { pins }), builder, ...(github && { github }) }
}

/** The builder for this step; on the legacy builder an input only BuildKit can honour fails here, naming the input. */
async function chooseBuilder(deps: Deps, inputs: Inputs): Promise<Builder> {
  const tempRoot = deps.env.RUNNER_TEMP || undefined
  const builder = await selectBuilder(deps.docker, { ...(inputs.builder && { requested: inputs.builder }), env: deps.env, ...(tempRoot && { tempRoot }) })
  if (builder.info.tool === 'buildx') {
    core.info(`Builder: ${builder.info.name} (buildx, driver ${builder.info.driver})`)
    return builder
  }
  const [input] = buildkitOnly(inputs)
  if (input) throw needsBuildKit(input, deps.env)
  core.info('Builder: docker build (legacy builder: no buildx), then docker push')
  return builder
}

/** With 'username'/'password': a docker login for this step only; the caller runs `cleanup()` when the step ends. */
export async function logIn(deps: Deps, inputs: Inputs): Promise<StepLogin | undefined> {
  if (!inputs.login) return undefined
  // a clear error when the daemon is down, before docker login would fail less clearly
  await deps.docker.serverVersion()
  return loginForStep(deps.docker, inputs.image.registry, inputs.login.username, inputs.login.password, deps.env)
}

/**
 * Step 2: the build (on buildx with push, the push too: the builder pushes every tag itself). When the image is to be
 * pushed, the read-back's registries open once the build process runs, so loading the registry layer is off the
 * critical path. `docker version` runs only when the build fails, to report an
 * unreachable daemon as such instead of as a build failure.
 */
export async function build(deps: Deps, p: Prepared): Promise<{ built: BuiltImage; registries?: RegistryFactory }> {
  core.info(`Building ${p.plan.refs.join(', ')} at commit ${p.commit.sha} (${p.commit.source})`)
  const builder = p.builder.using(deps.docker)
  let running!: () => void
  const started = new Promise<void>((resolve) => (running = resolve))
  const building = builder.build({ ...buildSpec(p.inputs, p.plan), onStarted: running })
  // loading the registry layer, and the first connection (undici compiles its HTTP parser then), hold this thread for
  // a while: they wait until docker is busy building rather than delay its start; the ping, the credentials (a
  // credential helper may take seconds) and a token registry's token are then ready before the push ends
  const opening = p.inputs.push
    ? Promise.race([started, building.catch(() => undefined)]).then(async () => {
        const registries = await deps.openRegistries({ env: deps.env, budgetMs: p.inputs.registryTimeoutMs })
        registries.budget.start()
        for (const r of p.plan.repositories) void registries.client(r.name).warmUp()
        return registries
      })
    : undefined
  const [built, opened] = await Promise.allSettled([building, opening])
  if (built.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value?.close()
    await deps.docker.serverVersion()
    throw built.reason
  }
  if (opened.status === 'rejected') throw opened.reason
  return { built: built.value, ...(opened.value && { registries: opened.value }) }
}

/**
 * Step 3: the push of every tag where the builder has not pushed them itself (`docker push` on the legacy path; on
 * buildx the build pushed), then the registry read-back (verified by hashing), the labels checked against the plan,
 * and the deploy files pinned. The registry's `/v2/` ping, credentials and token were asked for during the build (step 2).
 * Budget (`registry-timeout`): the ping has one phase from its start; everything after the push has one phase from
 * the push's end. A ping still pending when the push ends keeps its own, earlier deadline, and a failed ping is not
 * asked again, so the step fails at most one budget after the push.
 */
export async function pushAndReadBack(
  deps: Deps,
  p: Prepared,
  built: BuiltImage,
  registries: RegistryFactory
): Promise<{ held: ReadBack; repositories: HeldRepository[]; pins?: PinOutcome }> {
  const clients = p.plan.repositories.map((r) => registries.client(r.name))
  const warming = Promise.all(clients.map((c) => c.warmUp()))
  const results = await p.builder.using(deps.docker).push(built, p.plan.targets)
  registries.budget.start()
  await warming
  const claims: BuildClaims = {
    ...(built.imageId && { imageId: built.imageId }),
    ...(built.imageId && built.imageStore && { imageIdKind: imageIdKind(built.imageStore) }),
    ...(built.claimedConfigDigest && { configDigest: built.claimedConfigDigest }),
    claimedBy: built.pushedByBuilder ? `buildx (builder ${built.builder.name}, driver ${built.builder.driver})` : 'docker push'
  }
  const byDigest = (p.inputs.outputs ?? []).some((o) => o.byDigest)
  // every registry read back with its own credentials, side by side
  const repositories = await Promise.all(
    p.plan.repositories.map(async (repo, i): Promise<HeldRepository> => {
      const client = clients[i] as (typeof clients)[number]
      if (byDigest) {
        if (!built.claimedDigest) throw new ActionError('the builder pushed by digest but reported no digest', 'use a buildx this action is tested with (docs/support.md)')
        return { repo, held: await readBackByDigest(client, built.claimedDigest, claims) }
      }
      const pushed: PushedTag[] = results
        .filter((r) => repo.targets.some((t) => t.ref === r.ref))
        .map((r) => ({ tag: r.tag, ...(r.digest && { digest: r.digest }) }))
      return { repo, held: await readBack(client, pushed, claims) }
    })
  )
  await core.group('Read back from the registry', async () => {
    for (const r of repositories) {
      if (repositories.length > 1) core.info(`${r.repo.input}:`)
      logReadBack(r.held)
    }
  })
  for (const r of repositories) {
    checkPlatforms(r.held, p.inputs.platforms)
    checkPlatformLabels(r.held, p.plan.labels.labels)
  }
  const held = agreed(repositories)
  const pins =
    p.pins &&
    (await (await loadLater()).pinBuiltImage(
      p.pins,
      repositories.map((r) => ({ name: r.repo.name, tags: r.repo.targets.map((t) => t.tag) })),
      held.digest
    ))
  return { held, repositories, ...(pins && { pins }) }
}

/** One repository and what its registry holds. */
export interface HeldRepository {
  repo: RepositoryPlan
  held: ReadBack
}

/**
 * The one digest every registry holds. A registry that holds other bytes (one that converts manifests) fails the
 * step, naming each repository and its digest: the step never reports a digest one of them does not hold.
 */
function agreed(repositories: HeldRepository[]): ReadBack {
  const first = repositories[0] as HeldRepository
  const digests = new Set(repositories.map((r) => r.held.digest))
  if (digests.size > 1) {
    throw new ActionError(
      `the registries hold different images for this one build:\n${repositories.map((r) => `  ${r.repo.input}: ${r.held.digest}`).join('\n')}`,
      'a registry converted the image on push (manifest format or compression); push to the registries that keep it as built, or build once per registry'
    )
  }
  return first.held
}

/**
 * Step 4: the report; pushed, it carries what the registry holds (digest, media type, labels, moved tags). The image
 * ID is the engine's when the image is in it, else the config digest the registry holds (what `docker pull` would
 * show as its ID).
 */
export function report(p: Prepared, built: BuiltImage, pushed?: { held: ReadBack; repositories?: HeldRepository[]; pins?: PinOutcome }): BuildResult {
  const summary = p.inputs.summary
  if (!pushed) {
    return { report: { ...p.base, imageId: built.imageId ?? built.claimedConfigDigest ?? '', ...(built.called && { called: built.called, tags: [] }) }, summary }
  }
  const imageId = built.imageId ?? pushed.held.configDigest
  const { held, pins } = pushed
  return {
    ...(pins && { pins }),
    report: {
      ...p.base,
      imageId,
      pushed: true,
      digest: held.digest,
      pinned: `${p.inputs.imageInput}@${held.digest}`,
      mediaType: held.mediaType,
      configDigest: held.configDigest,
      platforms: held.platforms.map(({ platform, digest, configDigest }) => ({ platform, digest, configDigest })),
      attestations: { count: held.attestations.length, ...attestationKinds(held.attestations) },
      labels: held.labels,
      movedTags: pushed.repositories ? pushed.repositories.flatMap((r) => r.held.movedTags) : held.movedTags,
      ...(pushed.repositories && {
        repositories: pushed.repositories.map((r) => ({
          image: r.repo.input,
          registry: r.repo.name.registry,
          digest: r.held.digest,
          pinned: `${r.repo.input}@${r.held.digest}`,
          tags: r.repo.targets.map((t) => t.ref)
        }))
      })
    },
    summary
  }
}
