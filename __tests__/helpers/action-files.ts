/**
 * The runner's side of an action run in-process: a workspace directory, and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY
 * files emptied before each test. process.env and process.exitCode are restored after each test, so a test may set
 * either freely.
 *
 * One directory for the whole test file: core.summary remembers the summary file path for the whole process.
 * Call at the top of a test file (it registers jest hooks); the directory exists at once, so its paths can be
 * destructured.
 */
import { afterAll, afterEach, beforeEach } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseFileCommand } from './file-command'

export interface ActionFiles {
  /** The workspace (the action's cwd). */
  dir: string
  outFile: string
  summaryFile: string
  /** The outputs as the runner reads them from GITHUB_OUTPUT. */
  outputs(): Record<string, string>
  /** What the step summary holds. */
  summary(): string
}

/** `files`: workspace-relative path → content, written once (parent folders made). */
export function useActionFiles(prefix: string, files: Record<string, string> = {}): ActionFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, content)
  }
  const outFile = path.join(dir, 'out')
  const summaryFile = path.join(dir, 'summary')
  let saved: NodeJS.ProcessEnv = {}
  beforeEach(() => {
    saved = { ...process.env }
    writeFileSync(outFile, '')
    writeFileSync(summaryFile, '')
    process.env.GITHUB_OUTPUT = outFile
    process.env.GITHUB_STEP_SUMMARY = summaryFile
    process.exitCode = undefined
  })
  afterEach(() => {
    process.env = saved
    process.exitCode = undefined
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return {
    dir,
    outFile,
    summaryFile,
    outputs: () => parseFileCommand(readFileSync(outFile, 'utf8')),
    summary: () => readFileSync(summaryFile, 'utf8')
  }
}
