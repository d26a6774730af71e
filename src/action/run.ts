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
      await core.summary.addRaw(fitSummary(result.summary)).write()
    } catch (error) {
      core.summary.emptyBuffer()
      core.warning(`The job summary could not be written (${describeError(error)}); the outputs are set`, { title: 'Job summary not written' })
    }
  }
  if (result.fail !== undefined) core.setFailed(describeError(result.fail))
}

/** GitHub refuses a step summary over 1 MiB (and shows none of it); this leaves room for the line that says it was cut. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 4096

/**
 * The summary as written: whole when it fits GitHub's 1 MiB limit, else cut at a line, an open code block closed,
 * and a line saying so and where the full report is (the step's log and outputs).
 */
export function fitSummary(markdown: string, limit: number = SUMMARY_LIMIT_BYTES): string {
  const size = Buffer.byteLength(markdown)
  if (size <= limit) return markdown
  let cut = Buffer.from(markdown).subarray(0, limit).toString('utf8')
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))
  // an unclosed fence would swallow the note below it
  const fences = cut.split('\n').filter((l) => /^`{3,}/.test(l))
  const open = fences.length % 2 === 1 ? (fences[fences.length - 1]?.match(/^`+/)?.[0] ?? '```') : undefined
  const details = (cut.match(/<details/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length
  return [
    cut,
    ...(open ? [open] : []),
    ...Array.from({ length: Math.max(0, details) }, () => '</details>'),
    '',
    `**The summary was cut here**: it is ${(size / 1048576).toFixed(1)} MiB, over GitHub's 1 MiB limit for a step summary. The full report is in this step's log (every file and reference) and its outputs (\`changed-files\`, \`metadata\`).`,
    ''
  ].join('\n')
}
