/**
 * The build action's post step (action.yml `runs.post`, `post-if: always()`): the runner runs it after the job's
 * steps, also when the main step failed, was cancelled or was killed. It removes the step-private docker login the
 * main step may have left behind (a SIGKILL gives the main step no chance to clean up); otherwise it does nothing.
 */
import * as core from '@actions/core'
import { removeStepConfig, STEP_CONFIG_STATE } from '../docker/step-config'

const dir = core.getState(STEP_CONFIG_STATE)
try {
  const outcome = removeStepConfig(dir)
  if (outcome === 'removed') core.info(`Removed the step's docker login left behind by the main step (${dir})`)
  else if (outcome === 'refused') core.warning(`Not removing '${dir}': it is not a docker config directory this action created`)
} catch (error) {
  core.warning(`Could not remove the step's docker login at ${dir}: ${error instanceof Error ? error.message : String(error)}`)
}
