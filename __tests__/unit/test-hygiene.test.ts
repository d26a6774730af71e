/**
 * The test run prints no workflow command (the runner of a CI job would act on each): jest's setup file
 * (helpers/quiet-workflow-commands.ts) keeps those written by code under test off the console, and
 * scripts/check-test-log.sh fails a log that holds one anyway.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withoutWorkflowCommands } from '../helpers/quiet-workflow-commands'

const root = join(import.meta.dirname, '..', '..')
const COMMAND = /^\s*::[A-Za-z][\w-]*( [^:]*)?::/m

describe('withoutWorkflowCommands', () => {
  it('drops command lines, keeps everything else as written', () => {
    expect(withoutWorkflowCommands('::debug::x\nplain\n::add-mask::s\n::warning title=T,file=a.ts::w\n  ::error::e\nlast')).toBe('plain\nlast')
    expect(withoutWorkflowCommands('a :: b\n::1 is IPv6\n')).toBe('a :: b\n::1 is IPv6\n')
  })
})

describe('a jest run of code that uses @actions/core', () => {
  it('prints none of its workflow commands, and the test still sees them when it captures stdout', () => {
    const r = spawnSync(
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings', 'node_modules/jest/bin/jest.js', '--testMatch', '**/fixtures/hygiene/*.fixture.ts', '--reporters', 'default'],
      { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FORCE_COLOR: '0' } }
    )
    const printed = `${r.stdout}${r.stderr}`
    expect(printed).toMatch(/Tests:\s+1 passed, 1 total/)
    expect(printed).not.toMatch(COMMAND)
    expect(printed).not.toContain('hygiene-secret')
    expect(printed).toContain('hygiene plain line')
  }, 60_000)
})

describe('scripts/check-test-log.sh', () => {
  const check = (log: string): { code: number | null; out: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'test-log-'))
    try {
      writeFileSync(join(dir, 'test.log'), log)
      const r = spawnSync('bash', [join(root, 'scripts', 'check-test-log.sh'), join(dir, 'test.log')], { encoding: 'utf8' })
      return { code: r.status, out: r.stdout + r.stderr }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('passes a clean log', () => {
    expect(check('PASS a.test.ts\nTotals: 1 passed\n').code).toBe(0)
  })

  it('fails a log with a command, naming line and command but never the value', () => {
    const r = check('PASS a.test.ts\n::add-mask::s3cret\n      ::error title=x::boom\n')
    expect(r.code).toBe(1)
    expect(r.out).toContain('2: add-mask')
    expect(r.out).toContain('3: error')
    expect(r.out).not.toContain('s3cret')
    expect(r.out).not.toMatch(COMMAND)
  })
})
