import * as core from '@actions/core'
import { commitUrl, readRunContext, runUrl } from '../action/context'
import type { InputReader } from '../action/inputs'
import { InputError } from '../action/errors'
import { secretLookingBuildArgs } from '../action/secrets'
import { nativePlatform, selectBuilder, type Builder, type BuiltImage } from '../docker/builder'
import type { BuildSpec } from '../docker/spec'
import type { Docker } from '../docker/cli'
import { loginForStep, type StepLogin } from '../docker/login'
import type { GitHubApiFactory, GitHubOutcome } from '../github/publish'
import { readGitHubInputs, type GitHubInputs } from '../github/inputs'
import { loadGitHub } from '../github/load'
import { pinBranchFor } from '../github/branch'
import type { PinReport } from '../github/report'
import { readPinInputs } from '../pin/inputs'
import type { PinOutcome } from '../pin/step'
import { resolveCommit, type Commit } from '../plan/commit'
import { logPlanNotes, type PlanNote } from '../plan/notes'
import type { RegistrySession } from '../registry'
import type { ImageName } from '../registry/reference'
import { buildkitOnly } from './builder-inputs'
import { readInputs, type Inputs } from './inputs'
import type { BuildPins } from './pins'
import { planBuild, type BuildPlan } from './plan'
import { attestationKinds } from '../registry/image'
import { checkPlatformLabels, readBack, type PushedTag, type ReadBack } from './readback'
import type { Report } from './report'
import { labelLink } from './summary'

let later: Promise<typeof import('./later')> | undefined

/** The build's lazily loaded module (see later.ts); every caller awaits it, and it loads once. */
export function loadLater(): Promise<typeof import('./later')> {
  later ??= import('./later')
  return later
}

/** The build action's seams: docker, the registry session, inputs, environment and git. */
export interface Deps {
  docker: Docker
  /**
   * The read-back's session for the image's repository, with the credentials docker uses in `env`, its requests
   * under a budget of `budgetMs` (input `registry-timeout`).
   */
  openRegistry: (name: ImageName, env: NodeJS.ProcessEnv, budgetMs?: number) => Promise<RegistrySession>
  readInput: InputReader
  env: NodeJS.ProcessEnv
  cwd: string
  gitHead?: (dir: string) => Promise<string | undefined>
  gitCommitTime?: (dir: string, sha: string) => Promise<string | undefined>
  /** The GitHub API for 'pull-request' and 'comment'; default: Octokit at GITHUB_API_URL. */
  githubApi?: GitHubApiFactory
}

/** Everything decided before docker runs: a bad input or a broken deploy file fails here, before anything is built. */
export interface Prepared {
  inputs: Inputs
  plan: BuildPlan
  commit: Commit
  /** The report as far as the plan knows it (links, run), completed by the later steps. */
  base: Omit<Report, 'imageId'>
  pins?: BuildPins
  /** Which tool builds (buildx on a named builder and driver, or docker build), found before planning. */
  builder: Builder
  /** 'pull-request' / 'comment', when either is on and there will be a digest to publish. */
  github?: GitHubInputs
}

export interface BuildResult {
  report: Report
  /** Whether to write the job summary (input `summary`). */
  summary: boolean
  pins?: PinOutcome
  github?: GitHubOutcome
}

/** Step 1: inputs → deploy files → commit → plan, and the plan's notes printed. */
export async function prepare(deps: Deps): Promise<Prepared> {
  const ctx = readRunContext(deps.env)
  const inputs = readInputs(deps.readInput, deps.cwd)
  const pinInputs = readPinInputs(deps.readInput)
  const github = gitHubInputs(deps.readInput, pinInputs.files.length > 0, inputs.push)
  const pins = pinInputs.files.length > 0 ? await (await loadLater()).prepareBuildPins(pinInputs, inputs.push, deps.cwd) : undefined
  // git and `docker buildx inspect` are independent processes: run them side by side
  const [commit, builder] = await Promise.all([
    resolveCommit(ctx, inputs.context, { head: deps.gitHead, commitTime: deps.gitCommitTime }),
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
  if (input) {
    const why = deps.env.DOCKER_BUILDKIT === '0' ? 'DOCKER_BUILDKIT=0 selects the legacy builder' : 'docker buildx is not installed'
    throw new InputError(
      input,
      `needs BuildKit (docker buildx), but this step builds with the legacy docker build: ${why}`,
      `add docker/setup-buildx-action before this step${deps.env.DOCKER_BUILDKIT === '0' ? ' and remove DOCKER_BUILDKIT=0' : ''}, or remove '${input}'`
    )
  }
  core.info('Builder: docker build (legacy builder: no buildx), then docker push')
  return builder
}

/** Warnings about the inputs that only make sense once the builder is known. */
function builderNotes(inputs: Inputs, builder: Builder): PlanNote[] {
  const notes: PlanNote[] = []
  const risky = secretLookingBuildArgs(inputs.buildArgs)
  if (risky.length > 0) {
    notes.push({
      level: 'warning',
      title: 'Secret in a build argument',
      text:
        `build-args ${risky.map((n) => `'${n}'`).join(', ')} look${risky.length === 1 ? 's' : ''} like a secret: build arguments are stored in the ` +
        "image's history and provenance, where anyone who can pull the image reads them. Pass secrets with the 'secrets' " +
        "input (id=value) and mount them in the Dockerfile with RUN --mount=type=secret,id=<id>."
    })
  }
  if (builder.info.tool === 'buildx' && !inputs.push && inputs.platforms.length > 1) {
    notes.push({
      level: 'notice',
      title: 'Multi-platform build not loaded',
      text:
        `${inputs.platforms.length} platforms cannot be loaded into docker images: with 'push: false' the result stays in the ` +
        `cache of builder '${builder.info.name}'. Set 'push: true' to publish it, or build one platform to get it in docker images.`
    })
  }
  return notes
}

/** What the builder is asked to build, from the inputs and the plan. */
export function buildSpec(inputs: Inputs, plan: BuildPlan): BuildSpec {
  const redact = inputs.buildArgs
    .filter((a) => secretLookingBuildArgs([a]).length > 0)
    .map((a) => a.slice(a.indexOf('=') + 1))
    .filter(Boolean)
  return {
    context: inputs.context,
    file: inputs.file,
    tags: plan.refs,
    labels: plan.labels.labels,
    buildArgs: inputs.buildArgs,
    ...(inputs.target && { target: inputs.target }),
    pull: inputs.pull,
    noCache: inputs.noCache,
    push: inputs.push,
    platforms: inputs.platforms,
    secrets: inputs.secrets,
    ssh: inputs.ssh,
    cacheFrom: inputs.cacheFrom,
    cacheTo: inputs.cacheTo,
    ...(inputs.provenance !== undefined && { provenance: inputs.provenance }),
    ...(inputs.sbom !== undefined && { sbom: inputs.sbom }),
    buildContexts: inputs.buildContexts,
    annotations: inputs.annotations,
    redact
  }
}

/** 'pull-request' and 'comment', checked before the build: they publish a pushed digest, the first one needs 'files'. */
function gitHubInputs(read: InputReader, hasFiles: boolean, push: boolean): GitHubInputs | undefined {
  const github = readGitHubInputs(read)
  if (!github.pullRequest && !github.comment) return undefined
  if (github.pullRequest && !hasFiles) {
    throw new InputError('pull-request', "is true but 'files' is empty: there is nothing to put in the pull request", "list the deploy files to pin in 'files', e.g. k8s/*.yaml")
  }
  if (!push) {
    core.warning("'pull-request' and 'comment' are ignored with 'push: false': there is no pushed digest to publish")
    return undefined
  }
  return github
}

/** What the pull request and the comment show: the report (read back from the registry) and the pinned files. */
export function pinReport(r: Report, pins: PinOutcome | undefined): PinReport {
  return {
    subject: r.image,
    key: `image ${r.image}`,
    branch: pinBranchFor(r.image),
    references: r.pinned && r.digest ? [{ reference: r.pinned, digest: r.digest }] : [],
    labels: Object.keys(r.labels)
      .sort()
      .map((name) => {
        const value = r.labels[name] as string
        const url = labelLink(r, name, value)
        return { name, value, ...(url && { url }) }
      }),
    commit: { sha: r.commit.sha, ...(r.commitUrl && { url: r.commitUrl }) },
    run: { ...(r.runNumber && { number: r.runNumber }), ...(r.runAttempt && { attempt: r.runAttempt }), ...(r.runUrl && { url: r.runUrl }) },
    ...(pins && { pins: { files: pins.files, rule: pins.rule } })
  }
}

/** Step 5: the report goes to GitHub: a pull request with the pinned files, the sticky comment. */
export async function publish(deps: Deps, p: Prepared, result: BuildResult): Promise<BuildResult> {
  if (!p.github || !result.report.pinned) return result
  const gh = await loadGitHub()
  const ctx = readRunContext(deps.env)
  const github = await gh.publishToGitHub(p.github, pinReport(result.report, result.pins), ctx, deps.githubApi)
  return { ...result, github }
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
 * pushed, the read-back's registry session opens meanwhile, so loading the registry layer is off the critical path. `docker version` runs only when the build fails, to report an
 * unreachable daemon as such instead of as a build failure.
 */
export async function build(deps: Deps, p: Prepared): Promise<{ built: BuiltImage; session?: RegistrySession }> {
  core.info(`Building ${p.plan.refs.join(', ')} at commit ${p.commit.sha} (${p.commit.source})`)
  const builder = p.builder.using(deps.docker)
  const [built, opened] = await Promise.allSettled([
    builder.build(buildSpec(p.inputs, p.plan)),
    p.inputs.push ? deps.openRegistry(p.inputs.image, deps.env, p.inputs.registryTimeoutMs) : undefined
  ])
  if (built.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value?.close()
    await deps.docker.serverVersion()
    throw built.reason
  }
  if (opened.status === 'rejected') throw opened.reason
  return { built: built.value, ...(opened.value && { session: opened.value }) }
}

/**
 * Step 3: the push of every tag where the builder has not pushed them itself (`docker push` on the legacy path; on
 * buildx the build pushed), then the registry read-back (verified by hashing), the labels checked against the plan,
 * and the deploy files pinned. The registry's `/v2/` ping runs while docker pushes.
 * Budget (`registry-timeout`): the ping has one phase from its start; everything after the push has one phase from
 * the push's end. A ping still pending when the push ends keeps its own, earlier deadline, and a failed ping is not
 * asked again, so the step fails at most one budget after the push.
 */
export async function pushAndReadBack(
  deps: Deps,
  p: Prepared,
  built: BuiltImage,
  session: RegistrySession
): Promise<{ held: ReadBack; pins?: PinOutcome }> {
  session.budget?.start()
  const warming = session.client.warmUp()
  const results = await p.builder.using(deps.docker).push(built, p.plan.targets)
  const pushed: PushedTag[] = results.map((r) => ({ tag: r.tag, ...(r.digest && { digest: r.digest }) }))
  session.budget?.start()
  await warming
  const held = await core.group('Read back from the registry', async () => {
    const r = await readBack(session.client, pushed, {
      ...(built.imageId && { imageId: built.imageId }),
      ...(built.claimedConfigDigest && { configDigest: built.claimedConfigDigest }),
      claimedBy: built.pushedByBuilder ? `buildx (builder ${built.builder.name}, driver ${built.builder.driver})` : 'docker push'
    })
    core.info(`Registry holds ${r.digest} (${r.mediaType})`)
    for (const i of r.platforms) core.info(`  ${i.platform}: manifest ${i.digest}, config ${i.configDigest}`)
    for (const a of r.attestations) core.info(`  attestation ${a.digest}${a.platform ? ` for ${a.platform}` : ''}: ${a.predicateTypes.join(', ') || 'unreadable'}`)
    return r
  })
  checkPlatformLabels(held, p.plan.labels.labels)
  const pins = p.pins && (await (await loadLater()).pinBuiltImage(p.pins, p.inputs.image, p.plan.tags, held.digest))
  return { held, ...(pins && { pins }) }
}

/**
 * Step 4: the report; pushed, it carries what the registry holds (digest, media type, labels, moved tags). The image
 * ID is the engine's when the image is in it, else the config digest the registry holds (what `docker pull` would
 * show as its ID).
 */
export function report(p: Prepared, built: BuiltImage, pushed?: { held: ReadBack; pins?: PinOutcome }): BuildResult {
  const summary = p.inputs.summary
  if (!pushed) return { report: { ...p.base, imageId: built.imageId ?? built.claimedConfigDigest ?? '' }, summary }
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
      movedTags: held.movedTags
    },
    summary
  }
}
