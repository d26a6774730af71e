import * as core from '@actions/core'
import { describeError } from './errors'

/** What an action's main hands back: written to the runner only once the whole step has succeeded. */
export interface ActionResult {
  outputs: Record<string, string>
  /** Markdown for the job summary; undefined when the user turned it off. */
  summary?: string
  /** One annotation for the run page (the pinned reference). */
  notice?: { text: string; title: string }
  /** A verdict that fails the step once the outputs and the summary are written (the audit's `fail-on`): the report
   *  is the point, so it is never lost to the failure. Bad input still throws, and writes nothing. */
  fail?: unknown
}

/**
 * The one entry wrapper of every action: runs `main`, then writes the outputs, the notice and the summary, in that
 * order. Any error from `main` fails the step with its message and fix (ActionError) and nothing is written, so a
 * failed step sets no outputs. The outputs go first because they are what later steps deploy with: a summary that
 * cannot be written (a full disk, an unwritable GITHUB_STEP_SUMMARY) is a warning and never loses a pushed digest.
 */
export async function runAction(main: () => Promise<ActionResult>): Promise<void> {
  let result: ActionResult
  try {
    result = await main()
  } catch (error) {
    core.setFailed(describeError(error))
    return
  }
  try {
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value)
    if (result.notice) core.notice(result.notice.text, { title: result.notice.title })
  } catch (error) {
    core.setFailed(`The step's outputs could not be written: ${describeError(error)}`)
    return
  }
  if (result.summary) {
    try {
      await core.summary.addRaw(result.summary).write()
    } catch (error) {
      core.summary.emptyBuffer()
      core.warning(`The job summary could not be written (${describeError(error)}); the outputs are set`, { title: 'Job summary not written' })
    }
  }
  if (result.fail !== undefined) core.setFailed(describeError(result.fail))
}
