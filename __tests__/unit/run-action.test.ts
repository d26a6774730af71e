import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { runAction } from '../../src/action/run'
import { captureStdout } from '../helpers/capture'

const DIGEST = `sha256:${'a'.repeat(64)}`
let dir: string
let saved: NodeJS.ProcessEnv

beforeEach(() => {
  saved = { ...process.env }
  dir = mkdtempSync(path.join(os.tmpdir(), 'run-action-'))
  process.env.GITHUB_OUTPUT = path.join(dir, 'output')
  writeFileSync(process.env.GITHUB_OUTPUT, '')
  process.exitCode = undefined
  // core.summary remembers the file it first wrote to (one per process on a runner); each test names its own
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
})
afterEach(() => {
  process.env = saved
  process.exitCode = undefined
})

const result = { outputs: { digest: DIGEST }, summary: '# Pinned\n', notice: { text: `Pinned: x@${DIGEST}`, title: 'Image pushed' } }

describe('runAction: order of reporting', () => {
  it.each([
    ['a full disk (/dev/full)', () => '/dev/full'],
    ['a summary path in a directory that does not exist', () => path.join(dir, 'missing', 'summary')]
  ])('%s: the outputs are set first and kept; the summary failure is a warning, the step succeeds', async (_what, summaryFile) => {
    process.env.GITHUB_STEP_SUMMARY = summaryFile()
    const { out } = await captureStdout(() => runAction(async () => result))
    expect(readFileSync(process.env.GITHUB_OUTPUT as string, 'utf8')).toContain(DIGEST)
    expect(out).toMatch(/^::warning title=Job summary not written::The job summary could not be written \(.+\); the outputs are set$/m)
    expect(out).toContain('::notice title=Image pushed::')
    expect(out).not.toContain('::error::')
    expect(process.exitCode).toBeUndefined()
  })

  it('a working summary is written after the outputs', async () => {
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary')
    writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
    await captureStdout(() => runAction(async () => result))
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('# Pinned\n')
    expect(readFileSync(process.env.GITHUB_OUTPUT as string, 'utf8')).toContain(DIGEST)
  })

  it('a failing main sets no outputs and writes no summary', async () => {
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary')
    writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
    const { out } = await captureStdout(() =>
      runAction(async () => {
        throw new Error('boom')
      })
    )
    expect(out).toContain('::error::boom')
    expect(process.exitCode).toBe(1)
    expect(readFileSync(process.env.GITHUB_OUTPUT as string, 'utf8')).toBe('')
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('')
  })
})
