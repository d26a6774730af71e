/**
 * Jest setup for every test file (jest.config.js `setupFilesAfterEnv`): workflow commands that code under test
 * writes to this process's stdout through @actions/core (`::add-mask::`, `::debug::`, `::error::`, `::group::` …)
 * are kept off the console. On GitHub the runner reads the test job's log and would turn each into a real mask,
 * annotation or log group on a green run. Tests that check what the action prints capture stdout themselves
 * (helpers/capture.ts), inside this filter; e2e tests run the action as a child and read its captured output.
 * Everything else written to stdout passes through unchanged. `.ci/run` greps the whole test log as well
 * (scripts/check-test-log.sh), which also catches children whose output reached the console.
 */
import { afterAll, beforeAll } from '@jest/globals'

/** A workflow command line: `::name::message` or `::name key=value,…::message` (what @actions/core writes). */
export const WORKFLOW_COMMAND = /^\s*::[A-Za-z][\w-]*(?: [^\n]*?)?::/

/** `chunk` without its workflow-command lines (whole lines only; core writes each command as one line). */
export function withoutWorkflowCommands(chunk: string): string {
  return chunk
    .split(/(?<=\n)/)
    .filter((line) => !WORKFLOW_COMMAND.test(line))
    .join('')
}

let original: typeof process.stdout.write | undefined

beforeAll(() => {
  original = process.stdout.write
  const write = original.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const kept = withoutWorkflowCommands(text)
    if (kept === text) return write(chunk, ...(rest as []))
    if (kept === '') {
      // nothing left to write: still honour the callback, as a stream would
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      cb?.()
      return true
    }
    return write(kept, ...(rest as []))
  }) as typeof process.stdout.write
})

afterAll(() => {
  if (original) process.stdout.write = original
})
