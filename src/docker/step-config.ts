/**
 * Where the step-private docker login lives, and its removal by the post step. Kept apart from login.ts so the post
 * step's bundle loads node's fs and path and nothing else.
 */
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'

/** The state (core.saveState) naming the private DOCKER_CONFIG, for the post step. */
export const STEP_CONFIG_STATE = 'docker-config'
/** The private DOCKER_CONFIG's name prefix, in RUNNER_TEMP: the post step removes nothing else. */
export const STEP_CONFIG_PREFIX = 'pinned-build-docker-config-'

/**
 * The post step's cleanup: removes the private DOCKER_CONFIG the main step saved in its state, if it is still there
 * (the main step was killed before its own cleanup ran). Only a directory with our prefix is ever removed.
 */
export function removeStepConfig(dir: string): 'removed' | 'already gone' | 'refused' | 'none' {
  if (!dir) return 'none'
  if (!path.isAbsolute(dir) || !path.basename(dir).startsWith(STEP_CONFIG_PREFIX)) return 'refused'
  if (!existsSync(dir)) return 'already gone'
  rmSync(dir, { recursive: true, force: true })
  return 'removed'
}
