import { envInputReader } from '../action/inputs'
import { sections } from '../action/markdown'
import { runAction, type ActionResult } from '../action/run'
import { maskSecretInputs } from '../action/secrets'
import { DockerCli } from '../docker/cli'
import { toOutputs } from './report'
import { loadLater, type BuildResult, type Deps, type Prepared } from './deps'
import { publish } from './publish'
import { build, logIn, prepare, pushAndReadBack, report } from './steps'
import { renderSummary } from './summary'
import { renderPlatforms } from './summary-platforms'

export type { BuildResult, Deps } from './deps'

export function defaultDeps(): Deps {
  return {
    docker: new DockerCli(),
    openRegistries: async (access) => (await loadLater()).dockerRegistries(access),
    readInput: envInputReader(),
    env: process.env,
    cwd: process.cwd()
  }
}

/**
 * inputs → plan → docker build → push → registry read-back → report → GitHub (pull request, comment); the outputs
 * and the summary are not yet written.
 */
export async function buildAndPush(deps: Deps): Promise<BuildResult> {
  maskSecretInputs(deps.readInput)
  const prepared = await prepare(deps)
  return publish(deps, prepared, await buildPushAndReadBack(deps, prepared))
}

async function buildPushAndReadBack(deps: Deps, prepared: Prepared): Promise<BuildResult> {
  const login = await logIn(deps, prepared.inputs)
  try {
    const stepDeps = login ? { ...deps, docker: login.docker, env: login.env } : deps
    const { built, registries } = await build(stepDeps, prepared)
    if (!registries) return report(prepared, built)
    try {
      return report(prepared, built, await pushAndReadBack(stepDeps, prepared, built, registries))
    } finally {
      await registries.close()
    }
  } finally {
    await login?.cleanup()
  }
}

function toActionResult({ report: r, summary, pins, github }: BuildResult): ActionResult {
  const outputs = Object.fromEntries(Object.entries(toOutputs(r)).filter((e): e is [string, string] => e[1] !== undefined))
  return {
    outputs: { ...outputs, ...(pins && { 'changed-files': pins.changedFiles }), ...github?.outputs },
    ...(summary && { summary: sections(renderSummary(r), renderPlatforms(r), pins?.summary, github?.summary) }),
    ...(r.pinned && { notice: { text: `Pinned: ${r.pinned}`, title: 'Image pushed' } })
  }
}

export function run(deps: Deps = defaultDeps()): Promise<void> {
  return runAction(async () => toActionResult(await buildAndPush(deps)))
}
