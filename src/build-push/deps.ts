/** The build action's seams, what its steps hand each other, and the module it loads on first use. */
import type { InputReader } from '../action/inputs'
import type { Builder } from '../docker/builder'
import type { Docker } from '../docker/cli'
import type { GitHubInputs } from '../github/inputs'
import type { GitHubApiFactory, GitHubOutcome } from '../github/publish'
import type { PinOutcome } from '../pin/step'
import type { Commit } from '../plan/commit'
import type { OpenRegistries } from '../registry'
import type { Inputs } from './inputs'
import type { BuildPins } from './pins'
import type { BuildPlan } from './plan'
import type { Report } from './report'

let later: Promise<typeof import('./later')> | undefined

/** The build's lazily loaded module (see later.ts); every caller awaits it, and it loads once. */
export function loadLater(): Promise<typeof import('./later')> {
  later ??= import('./later')
  return later
}

/** The build action's seams: docker, the registries, inputs, environment and git. */
export interface Deps {
  docker: Docker
  /** The read-back's registries, with the credentials docker uses in the step's env (the seam every action opens them through). */
  openRegistries: OpenRegistries
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
