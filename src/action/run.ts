import * as core from '@actions/core'
import { describeError } from './errors'

/** What an action's main hands back: written to the runner only once the whole step has succeeded. */
export interface ActionResult {
  outputs: Record<string, string>
  /** Markdown for the job summary; undefined when the user turned it off. */
  summary?: string
  /** One annotation for the run page (the pinned reference). */
  notice?: { text: string; title: string }
}

/**
 * The one entry wrapper of every action: runs `main`, then writes the summary, the outputs and the notice. Any error
 * fails the step with its message and fix (ActionError) and nothing is written, so a failed step sets no outputs.
 */
export async function runAction(main: () => Promise<ActionResult>): Promise<void> {
  try {
    const result = await main()
    if (result.summary) await core.summary.addRaw(result.summary).write()
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value)
    if (result.notice) core.notice(result.notice.text, { title: result.notice.title })
  } catch (error) {
    core.setFailed(describeError(error))
  }
}
