import { describe, expect, it, jest } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { cleanupOnExit } from '../../src/action/exit-cleanup'
import { removeStepConfig, STEP_CONFIG_PREFIX } from '../../src/docker/step-config'
import { captureStdout } from '../helpers/capture'

describe('cleanupOnExit', () => {
  it('runs on SIGINT/SIGTERM before exiting 130/143 with a failure message, each cleanup once', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    try {
      const ran: string[] = []
      cleanupOnExit(() => ran.push('a'))
      cleanupOnExit(() => {
        throw new Error('a failing cleanup does not stop the others')
      })
      cleanupOnExit(() => ran.push('c'))
      const { out } = await captureStdout(async () => {
        process.emit('SIGINT', 'SIGINT')
      })
      expect(ran).toEqual(['a', 'c'])
      expect(exit).toHaveBeenCalledWith(130)
      expect(out).toContain('::error::The step was stopped (SIGINT); its docker login was removed')
      process.exitCode = undefined
      cleanupOnExit(() => ran.push('d'))
      await captureStdout(async () => {
        process.emit('SIGTERM', 'SIGTERM')
      })
      expect(exit).toHaveBeenLastCalledWith(143)
      expect(ran).toEqual(['a', 'c', 'd'])
    } finally {
      process.exitCode = undefined
      exit.mockRestore()
    }
  })

  it("runs on exit, and a released cleanup does not run", () => {
    const ran: string[] = []
    const release = cleanupOnExit(() => ran.push('released'))
    cleanupOnExit(() => ran.push('kept'))
    release()
    process.emit('exit', 0)
    expect(ran).toEqual(['kept'])
  })
})

describe('removeStepConfig (the post step)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'post-step-'))

  it('removes a step-private DOCKER_CONFIG that is still there', () => {
    const dir = path.join(root, `${STEP_CONFIG_PREFIX}abc`)
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'config.json'), '{"auths":{}}')
    expect(removeStepConfig(dir)).toBe('removed')
    expect(existsSync(dir)).toBe(false)
    expect(removeStepConfig(dir)).toBe('already gone')
    expect(removeStepConfig('')).toBe('none')
  })

  it('never removes anything else', () => {
    const other = path.join(root, 'somebody-elses-dir')
    mkdirSync(other)
    expect(removeStepConfig(other)).toBe('refused')
    expect(removeStepConfig(`relative/${STEP_CONFIG_PREFIX}x`)).toBe('refused')
    expect(removeStepConfig('/')).toBe('refused')
    expect(existsSync(other)).toBe(true)
  })
})
