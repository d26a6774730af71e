import { spawn } from 'node:child_process'
import { ActionError } from '../action/errors'
import type { Credentials } from '../registry/auth'
import { BudgetExceededError, formatSeconds, REGISTRY_TIMEOUT_INPUT } from '../registry/budget'

export interface HelperOptions {
  env?: NodeJS.ProcessEnv
  /** Own limit on one call (default 30 s), also when no budget is given. */
  timeoutMs?: number
  /** The registry budget: the helper is stopped when it fires. */
  signal?: AbortSignal
}

export const DEFAULT_HELPER_TIMEOUT_MS = 30_000

/** docker-credential-helpers answer "not found" with a non-zero exit and this text (docker/docker-credential-helpers). */
const NOT_FOUND = /credentials not found/i

interface HelperRun {
  code: number | null
  stdout: string
  stderr: string
  error?: Error
  /** Stopped by the timeout or the budget: why, in words. */
  stopped?: string
}

/** SIGKILL to the helper's whole process group: a wrapper script's children go with it. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

function run(binary: string, input: string, options: HelperOptions): Promise<HelperRun> {
  return new Promise((resolve) => {
    const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS
    // argv only, no shell: the helper name comes from config.json. detached: the helper leads its own process group,
    // so a stop reaches what a wrapper script started (docker-credential-gcloud is a script that runs gcloud)
    const child = spawn(binary, ['get'], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    let settled = false
    const finish = (result: { code: number | null; error?: Error; stopped?: string }): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve({ ...result, stdout, stderr })
    }
    const stop = (why: string): void => {
      killGroup(child.pid)
      // a grandchild that left the group may still hold the pipes: stop reading them, so neither this promise nor
      // the process's event loop waits on it
      child.stdout.destroy()
      child.stderr.destroy()
      child.stdin.destroy()
      child.unref()
      finish({ code: null, stopped: why })
    }
    const onAbort = (): void => stop('within the registry budget')
    const timer = setTimeout(() => stop(`within ${timeoutMs / 1000} s`), timeoutMs)
    if (options.signal?.aborted) {
      onAbort()
      return
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
    child.on('error', (error) => finish({ code: null, error }))
    child.on('close', (code) => finish({ code }))
    child.stdin.on('error', () => {}) // a helper that exits without reading stdin
    child.stdin.end(input)
  })
}

/**
 * Asks `docker-credential-<name> get` for a server's credentials, as docker does: the server URL on stdin, JSON
 * `{"ServerURL","Username","Secret"}` on stdout. Username `<token>` means Secret is an identity token.
 * Returns undefined when the helper has none ("credentials not found"); any other failure is an ActionError.
 * The helper's output is never put into an error message (it may hold the secret).
 */
export async function helperCredentials(name: string, serverUrl: string, options: HelperOptions = {}): Promise<Credentials | undefined> {
  const binary = `docker-credential-${name}`
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new ActionError(`docker config names the credential helper '${name}', which is not a valid helper name`, 'fix credsStore/credHelpers in docker config.json')
  }
  const out = await run(binary, serverUrl, options)
  if (out.stopped) {
    const reason = options.signal?.aborted ? budgetReason(options.signal) : out.stopped
    throw new ActionError(
      `the docker credential helper ${binary} did not answer for ${serverUrl} ${reason}, and was stopped (with everything it started)`,
      `run 'echo ${serverUrl} | ${binary} get' on the runner to see where it waits (a login prompt, a network call)`
    )
  }
  if (out.error) {
    const missing = (out.error as Error & { code?: string }).code === 'ENOENT'
    throw new ActionError(
      missing
        ? `the docker credential helper ${binary} (configured for ${serverUrl}) is not on PATH`
        : `the docker credential helper ${binary} failed for ${serverUrl}: ${out.error.message}`,
      missing ? `install ${binary} on the runner, or remove it from docker config.json` : 'check the credential helper'
    )
  }
  if (out.code !== 0) {
    if (NOT_FOUND.test(out.stdout) || NOT_FOUND.test(out.stderr)) return undefined
    throw new ActionError(
      `the docker credential helper ${binary} failed for ${serverUrl} (exit code ${out.code})`,
      `run 'echo ${serverUrl} | ${binary} get' on the runner to see why`
    )
  }
  let parsed: { Username?: unknown; Secret?: unknown }
  try {
    parsed = JSON.parse(out.stdout) as { Username?: unknown; Secret?: unknown }
  } catch {
    throw new ActionError(`the docker credential helper ${binary} did not print JSON for ${serverUrl}`, 'check the credential helper')
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : ''
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : ''
  if (!secret) return undefined
  if (username === '<token>') return { identityToken: secret }
  return { username, password: secret }
}

function budgetReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason
  return reason instanceof BudgetExceededError ? `within the ${formatSeconds(reason.budgetMs)} ${REGISTRY_TIMEOUT_INPUT}` : 'before the step was stopped'
}
