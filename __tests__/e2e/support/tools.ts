/**
 * The project's pinned test tools (scripts/tools.versions), built by scripts/ensure-tools.sh into
 * .cache/tools/<name>-<version>/bin. `.ci/run` builds them all up front; a test that needs one that is missing builds
 * it on demand (minutes when the Go caches are cold), so a plain `npm test` on a fresh clone needs only the go command.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './node24'
import { runOk } from './proc'

const versionsFile = join(repoRoot, 'scripts', 'tools.versions')
let versions: Map<string, string> | undefined

/** The version scripts/tools.versions pins for `name`. */
export function toolVersion(name: string): string {
  versions ??= new Map(
    readFileSync(versionsFile, 'utf8')
      .split('\n')
      .map((l) => /^([a-z][\w-]*)=(\S+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] ?? '', m[2] ?? ''])
  )
  const v = versions.get(name)
  if (!v) throw new Error(`scripts/tools.versions pins no version for '${name}'`)
  return v
}

/** .cache/tools/<name>-<version> (ready when its .done marker exists). */
export function toolDir(name: string): string {
  return join(repoRoot, '.cache', 'tools', `${name}-${toolVersion(name)}`)
}

const built = (name: string): boolean => existsSync(join(toolDir(name), '.done'))
let goAnswer: boolean | undefined
const haveGo = (): boolean => (goAnswer ??= spawnSync('go', ['version'], { timeout: 30_000 }).status === 0)

/** Why `name` cannot be had here (undefined: built, or buildable with the go command). Synchronous: decides skips. */
export function toolUnavailable(name: string): string | undefined {
  if (built(name)) return undefined
  if (haveGo()) return undefined
  return `${name} ${toolVersion(name)} is not built in .cache/tools and there is no go command to build it (run scripts/ensure-tools.sh on a machine with Go)`
}

const pending = new Map<string, Promise<string>>()

/** The bin dir of `name`, building it first when missing (once per test file). */
export function toolBin(name: string): Promise<string> {
  let p = pending.get(name)
  if (!p) {
    p = (async () => {
      if (!built(name)) await runOk('bash', [join(repoRoot, 'scripts', 'ensure-tools.sh'), name], { timeoutMs: 900_000 })
      return join(toolDir(name), 'bin')
    })()
    pending.set(name, p)
  }
  return p
}

/** Absolute path of one binary of a tool (e.g. toolPath('crane', 'crane')), built on demand. */
export async function toolPath(name: string, binary: string = name): Promise<string> {
  return join(await toolBin(name), binary)
}
