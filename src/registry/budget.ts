/**
 * The registry budget (input `registry-timeout`): one limit on how long an action may spend against registries in
 * one phase of its work — every request, retry, back-off wait, token fetch and credential-helper call together — so
 * a registry, token service or helper that never answers fails the step in bounded time, naming the host.
 *
 * A phase starts with `start()` (or on first use) and ends `ms` later: whatever is still running then is aborted
 * through the phase's AbortSignal. Starting a new phase does not extend the old one: work begun in it (a `/v2/` ping
 * still pending, say) keeps its earlier deadline, so a new phase can only ever end sooner for it, never later.
 * The build action runs one phase while docker pushes (the warm-up ping) and one from the end of the push (the
 * read-back); resolve runs one phase for the whole step.
 */
// types only: the build's entry loads this module (through the credential helper) and must not load undici at start
import type { HttpRequest, HttpResponse, Transport } from './transport'

export const DEFAULT_REGISTRY_TIMEOUT_SECONDS = 60
/** The input that sets the budget, named in every budget error. */
export const REGISTRY_TIMEOUT_INPUT = 'registry-timeout'

/** The budget ran out: what was still waiting on a registry was aborted. */
export class BudgetExceededError extends Error {
  readonly code = 'EBUDGET'

  constructor(readonly budgetMs: number) {
    super(`no answer within the ${formatSeconds(budgetMs)} ${REGISTRY_TIMEOUT_INPUT}`)
    this.name = 'BudgetExceededError'
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`
}

/** The fix printed with a budget error. */
export function budgetHint(host: string): string {
  return `check that ${host} is reachable from the runner and answering; for a registry that is slow but working, raise the '${REGISTRY_TIMEOUT_INPUT}' input (seconds, default ${DEFAULT_REGISTRY_TIMEOUT_SECONDS})`
}

interface Phase {
  controller: AbortController
  timer: NodeJS.Timeout
  startedAt: number
}

export class RegistryBudget {
  private phase?: Phase

  constructor(readonly ms: number = DEFAULT_REGISTRY_TIMEOUT_SECONDS * 1000) {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`registry budget must be a positive number of milliseconds (got ${ms})`)
  }

  /**
   * The part of the budget kept for what follows an abort — reporting the failure, cleaning up, exiting — so that the
   * step itself, not only its requests, ends within `ms`: a fifth of it, at most one second.
   */
  get reserveMs(): number {
    return Math.min(1000, Math.floor(this.ms / 5))
  }

  /** Starts a new phase: what starts from now on must be done within `ms` (requests are stopped `reserveMs` sooner). */
  start(): void {
    const controller = new AbortController()
    // unref: a pending budget must never keep the process alive on its own
    const timer = setTimeout(() => controller.abort(new BudgetExceededError(this.ms)), this.ms - this.reserveMs).unref()
    this.phase = { controller, timer, startedAt: Date.now() }
  }

  /** The current phase's signal (a phase starts on first use): aborted, with a BudgetExceededError, when it ends. */
  signal(): AbortSignal {
    if (!this.phase) this.start()
    return (this.phase as Phase).controller.signal
  }

  /** Milliseconds left for requests in the current phase (the whole usable budget before the first phase starts). */
  remainingMs(): number {
    const usable = this.ms - this.reserveMs
    return this.phase ? Math.max(0, this.phase.startedAt + usable - Date.now()) : usable
  }

  /** Stops the clock (nothing is aborted; the process can exit without waiting for the timer). */
  stop(): void {
    if (this.phase) clearTimeout(this.phase.timer)
  }
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it aborts. What `promise` does afterwards is
 * ignored (its rejection is handled), so an abandoned request can never surface as an unhandled rejection.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined)
    return Promise.reject(signal.reason as Error)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error as Error)
      }
    )
  })
}

/**
 * A transport bound to a budget: every request carries the current phase's signal (the transport below aborts its
 * socket with it) and fails with BudgetExceededError the moment the phase ends, whatever the transport below does.
 */
export function budgetedTransport(inner: Transport, budget: RegistryBudget): Transport {
  return {
    send(url: string, req: HttpRequest): Promise<HttpResponse> {
      const signal = req.signal ?? budget.signal()
      return raceSignal(inner.send(url, { ...req, signal }), signal)
    }
  }
}
