/**
 * Small process, port, temp-dir and polling helpers shared by the e2e support modules.
 * Everything here is bounded: every child has a timeout, every wait loop a count and a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  input?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** default 120 s; the child (and its process group) is killed when it runs longer */
  timeoutMs?: number
}

export interface CollectResult extends RunResult {
  signal: NodeJS.Signals | null
  timedOut: boolean
}

/**
 * Spawns a command in its own process group (argv array, never a shell) and collects its output.
 * Bounded in every way:
 *  - after timeoutMs the whole process group gets SIGKILL and the result has timedOut: true;
 *  - once the command has exited, leftover processes of its group that still hold stdout/stderr open
 *    get `closeGraceMs` (default 2 s) to let go, then are killed, so a stray background child can't
 *    keep the result from arriving.
 * Rejects only when the command cannot be started.
 */
export function spawnCollect(
  cmd: string,
  args: readonly string[],
  opts: RunOptions & { stdin?: 'pipe' | 'ignore'; closeGraceMs?: number } = {}
): Promise<CollectResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000
  const closeGraceMs = opts.closeGraceMs ?? 2000
  return new Promise((resolve, reject) => {
    let child: ChildProcess
    try {
      child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: [opts.stdin ?? 'pipe', 'pipe', 'pipe'],
        detached: true
      })
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)))
      return
    }
    const pid = child.pid
    const out: Buffer[] = []
    const errb: Buffer[] = []
    child.stdout?.on('data', (d: Buffer) => out.push(d))
    child.stderr?.on('data', (d: Buffer) => errb.push(d))
    let timedOut = false
    let settled = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let graceTimer: NodeJS.Timeout | undefined
    let lastTimer: NodeJS.Timeout | undefined

    const finish = (): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(graceTimer)
      clearTimeout(lastTimer)
      child.stdout?.destroy()
      child.stderr?.destroy()
      const code = exit?.code ?? child.exitCode
      const signal = exit?.signal ?? child.signalCode
      resolve({
        code: code ?? (signal ? 128 : 1),
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errb).toString('utf8'),
        timedOut
      })
    }
    /** SIGKILL to the group, then give the streams a moment to drain before resolving regardless. */
    const killAndFinish = (): void => {
      killGroup(pid, 'SIGKILL')
      clearTimeout(lastTimer)
      lastTimer = setTimeout(finish, 500)
    }
    const timer = setTimeout(() => {
      timedOut = true
      killAndFinish()
    }, timeoutMs)

    child.on('error', (err) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      clearTimeout(graceTimer)
      reject(new Error(`${cmd} could not be started: ${err.message}`))
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      graceTimer = setTimeout(killAndFinish, closeGraceMs)
    })
    child.on('close', (code, signal) => {
      exit ??= { code, signal }
      finish()
    })
    if (child.stdin) {
      child.stdin.on('error', () => undefined) // the child may exit before reading its stdin
      child.stdin.end(opts.input ?? '')
    }
  })
}

/** Runs a command (argv array, never a shell) and resolves with its exit code and output; rejects on timeout. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await spawnCollect(cmd, args, opts)
  if (r.timedOut) {
    throw new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs ?? 120_000} ms\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`)
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr }
}

/** Like run(), but rejects (with the command's output) unless it exits 0. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts)
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`)
  }
  return r
}

/** Sends a signal to process group `pid` (a detached child's group), ignoring a group that is already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    /* no such group any more */
  }
}

/** Sends a signal to a detached child's whole process group (falls back to the child alone). */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      /* already gone */
    }
  }
}

/**
 * Stops a detached child and everything in its process group: SIGTERM, then SIGKILL after graceMs,
 * then a last SIGKILL for stragglers the leader left behind. Bounded in time either way.
 */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  const running = (): boolean => child.exitCode === null && child.signalCode === null
  if (running()) {
    let timer: NodeJS.Timeout | undefined
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const waitMs = (ms: number): Promise<void> => new Promise((resolve) => (timer = setTimeout(resolve, ms)))
    killTree(child, 'SIGTERM')
    await Promise.race([exited, waitMs(graceMs)])
    clearTimeout(timer)
    if (running()) {
      killTree(child, 'SIGKILL')
      await Promise.race([exited, waitMs(2000)])
      clearTimeout(timer)
    }
  }
  killGroup(child.pid, 'SIGKILL')
  // unread pipes would keep the event loop (and jest) alive
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy()
}

/**
 * Spawns a long-lived server (detached, own process group) tethered to this process: it runs under a
 * tiny sh wrapper whose stdin is a pipe from us, and the wrapper SIGTERMs the server when that pipe
 * closes. So when a test run is killed (Ctrl-C, a CI timeout, a crashed jest worker) before its
 * teardown, the server goes away with it instead of lingering. Stop it normally with stopChild().
 */
export function spawnTethered(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
  // background jobs of a non-interactive sh get /dev/null as stdin, hence the copy of our pipe on fd 3
  const script = 'exec 3<&0; "$@" </dev/null 3<&- & pid=$!; { cat <&3 >/dev/null; kill -TERM "$pid" 2>/dev/null; } & exec 3<&-; wait "$pid"'
  const child = spawn('/bin/sh', ['-c', script, 'tethered', cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true
  })
  child.stdin?.on('error', () => undefined)
  return child
}

/** A spawnTethered() server watched while it starts: the tail of its output and how it ended, if it did. */
export interface WatchedServer {
  child: ChildProcess
  /** the tail (64 KiB) of its stdout and stderr, interleaved as they arrived */
  log(): string
  /** why it is gone ('exited with 1', 'could not start: …'); undefined while it runs */
  exited(): string | undefined
}

const SERVER_LOG_LIMIT = 64 * 1024

/**
 * spawnTethered(), keeping what a start-up wait needs: a probe that stops at once when the server has died, and an
 * error (or a port-in-use retry) that can quote the server's own words.
 */
export function spawnWatched(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): WatchedServer {
  const child = spawnTethered(cmd, args, opts)
  let log = ''
  const onLog = (d: Buffer): void => {
    log = (log + d.toString('utf8')).slice(-SERVER_LOG_LIMIT)
  }
  child.stdout?.on('data', onLog)
  child.stderr?.on('data', onLog)
  let exited: string | undefined
  child.on('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`
  })
  child.on('error', (err) => {
    exited = `could not start: ${err.message}`
  })
  return { child, log: () => log, exited: () => exited }
}

/** Asks the kernel for a free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      if (addr === null || typeof addr === 'string') {
        srv.close()
        reject(new Error('could not read the bound port'))
        return
      }
      srv.close(() => resolve(addr.port))
    })
  })
}

/** Creates a fresh directory under the OS temp dir. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `e2e-${prefix}-`))
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 })
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Thrown by a waitFor probe to stop waiting at once (e.g. the process being waited for has died). */
export class StopWaiting extends Error {
  override name = 'StopWaiting'
}

/**
 * Polls `probe` until it returns a value other than undefined. Bounded by both `timeoutMs` and
 * `maxTries`; rejects with the last error (or `what`) when either runs out.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; maxTries?: number } = {}
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000
  const intervalMs = opts.intervalMs ?? 50
  const maxTries = opts.maxTries ?? Math.ceil(timeoutMs / intervalMs) + 1
  const deadline = Date.now() + timeoutMs
  let lastErr: unknown
  for (let i = 0; i < maxTries && Date.now() <= deadline; i++) {
    try {
      const v = await probe()
      if (v !== undefined) return v
    } catch (err) {
      if (err instanceof StopWaiting) throw err
      lastErr = err
    }
    await sleep(intervalMs)
  }
  const detail = lastErr instanceof Error ? `: ${lastErr.message}` : ''
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`)
}
