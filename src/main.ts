import * as core from '@actions/core'
import { resolveCommit } from './commit'
import { commitUrl, readRunContext, runUrl } from './context'
import { DockerCli, type Docker } from './docker/cli'
import { describeError } from './errors'
import { envInputReader, maskSecretInputs, readInputs, type InputReader } from './inputs'
import { readPinInputs } from './pin/inputs'
import type { BuildPinResult } from './pin/build'
import { planBuild } from './plan'
import type { ImageName } from './reference'
import type { RegistrySession } from './registry'
import { loadRegistryLayer, openRegistryLazily } from './registry/lazy'
import { loginForStep, type StepLogin } from './registry/login'
import { checkLabels, readBack, type PushedTag } from './registry/readback'
import { toOutputs, type Report } from './report'
import { renderSummary } from './summary'

export interface Deps {
  docker: Docker
  openRegistry: (name: ImageName, env?: NodeJS.ProcessEnv) => RegistrySession | Promise<RegistrySession>
  readInput: InputReader
  env: NodeJS.ProcessEnv
  cwd: string
  gitHead?: (dir: string) => Promise<string | undefined>
  gitCommitTime?: (dir: string, sha: string) => Promise<string | undefined>
}

export function defaultDeps(): Deps {
  return { docker: new DockerCli(), openRegistry: openRegistryLazily, readInput: envInputReader(), env: process.env, cwd: process.cwd() }
}

/** inputs → plan → docker build/push → registry read-back → report. Returns the report and whether to write a summary. */
export async function buildAndPush(deps: Deps): Promise<{ report: Report; summary: boolean; pins?: BuildPinResult }> {
  maskSecretInputs(deps.readInput)
  const login: { step?: StepLogin } = {}
  try {
    return await buildAndPushSteps(deps, login)
  } finally {
    await login.step?.cleanup()
  }
}

async function buildAndPushSteps(
  deps: Deps,
  login: { step?: StepLogin }
): Promise<{ report: Report; summary: boolean; pins?: BuildPinResult }> {
  const ctx = readRunContext(deps.env)
  const inputs = readInputs(deps.readInput, deps.cwd)
  const pinInputs = readPinInputs(deps.readInput)
  // deploy-file pinning (yaml, glob) is loaded only when 'files' is given: most runs never need it
  const pinning = pinInputs.files.length > 0 ? await import('./pin/build') : undefined
  const deployFiles = pinning && (await pinning.prepareBuildPins(pinInputs, inputs.push, deps.cwd))
  const commit = await resolveCommit(ctx, inputs.context, { head: deps.gitHead, commitTime: deps.gitCommitTime })
  const plan = planBuild(inputs, ctx, commit)
  for (const note of plan.notes) {
    if (note.level === 'info') core.info(note.text)
    // core.notice / core.warning named statically: indexing the core namespace (core[level]) keeps every export,
    // and with them @actions/http-client and its own undici in the bundle (~0.8 MB, see bench/results.md)
    else (note.level === 'warning' ? core.warning : core.notice)(note.text, note.title ? { title: note.title } : {})
  }

  if (inputs.login) {
    // a clear error when the daemon is down, before docker login would fail less clearly
    await deps.docker.serverVersion()
    // 'username'/'password': docker and the read-back both use a step-private DOCKER_CONFIG
    login.step = await loginForStep(deps.docker, inputs.image.registry, inputs.login.username, inputs.login.password, deps.env)
    deps = { ...deps, docker: login.step.docker, env: login.step.env }
  }
  core.info(`Building ${plan.refs.join(', ')} at commit ${commit.sha} (${commit.source})`)
  // No `docker version` up front: on 2 cores that extra docker CLI process alone cost ~80–100 ms per run
  // (bench/results.md). It is asked only when the build fails, to report an unreachable daemon as such.
  let imageId: string
  try {
    const building = deps.docker.build({
      context: inputs.context,
      file: inputs.file,
      tags: plan.refs,
      labels: plan.labels.labels,
      buildArgs: inputs.buildArgs,
      ...(inputs.target && { target: inputs.target }),
      pull: inputs.pull,
      noCache: inputs.noCache
    })
    // the registry layer (undici) loads while docker builds, not on the read-back's critical path
    if (inputs.push) loadRegistryLayer().catch(() => undefined)
    ;({ imageId } = await building)
  } catch (error) {
    await deps.docker.serverVersion() // throws the clearer error when the daemon is unreachable
    throw error
  }
  const base: Report = {
    image: inputs.imageInput,
    imageId,
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
  if (!inputs.push) return { report: base, summary: inputs.summary }

  // the read-back's session opens while docker pushes: its /v2/ ping (auth challenge, connection, HTTP parser
  // warm-up) then costs nothing on the critical path (bench/results.md)
  const session = await deps.openRegistry(inputs.image, deps.env)
  try {
    const warming = session.client.warmUp()
    const pushed: PushedTag[] = []
    for (const [i, ref] of plan.refs.entries()) {
      const result = await deps.docker.push(ref)
      pushed.push({ tag: plan.tags[i] as string, ...(result.digest && { digest: result.digest }) })
    }
    await warming
    const held = await core.group('Read back from the registry', async () => {
      const r = await readBack(session.client, pushed)
      core.info(`Registry holds ${r.digest} (${r.mediaType}); config ${r.configDigest}`)
      return r
    })
    checkLabels(held.labels, plan.labels.labels)
    const pins = pinning && deployFiles && (await pinning.pinBuiltImage(deployFiles, inputs.image, plan.tags, held.digest))
    return {
      ...(pins && { pins }),
      report: {
        ...base,
        pushed: true,
        digest: held.digest,
        pinned: `${inputs.imageInput}@${held.digest}`,
        mediaType: held.mediaType,
        labels: held.labels,
        movedTags: held.movedTags
      },
      summary: inputs.summary
    }
  } finally {
    await session.close()
  }
}

export async function run(deps: Deps = defaultDeps()): Promise<void> {
  try {
    const { report, summary, pins } = await buildAndPush(deps)
    if (summary) await core.summary.addRaw(renderSummary(report) + (pins?.summary ?? '')).write()
    for (const [name, value] of Object.entries(toOutputs(report))) core.setOutput(name, value)
    if (pins) core.setOutput('changed-files', pins.changedFiles)
    if (report.pinned) core.notice(`Pinned: ${report.pinned}`, { title: 'Image pushed' })
  } catch (error) {
    core.setFailed(describeError(error))
  }
}
