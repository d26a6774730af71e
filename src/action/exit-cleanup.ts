/**
 * Cleanups that must run however the process ends: on SIGINT/SIGTERM (the runner cancelling the job sends SIGINT,
 * then SIGTERM) and on any exit, including an uncaught error. They run synchronously (a signal handler that awaits
 * may be cut short by the next signal or a kill), each at most once. A SIGKILL runs nothing: that is what the
 * action's post step is for (it gets what to remove through core.saveState).
 */
import * as core from '@actions/core'

type Cleanup = () => void

const cleanups = new Set<Cleanup>()
let installed = false

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 }

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup)
    try {
      cleanup()
    } catch {
      // one failing cleanup must not stop the others; the post step tries again
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll()
  core.setFailed(`The step was stopped (${signal}); its docker login was removed`)
  process.exit(EXIT_CODES[signal] ?? 1)
}

function install(): void {
  if (installed) return
  installed = true
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('exit', runAll)
}

/** Registers a synchronous cleanup for signals and exit; call the returned function once it has run normally. */
export function cleanupOnExit(cleanup: Cleanup): () => void {
  install()
  cleanups.add(cleanup)
  return () => {
    cleanups.delete(cleanup)
  }
}
