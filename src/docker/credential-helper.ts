import { spawn } from 'node:child_process'
import { ActionError } from '../action/errors'
import type { Credentials } from '../registry/auth'

export interface HelperOptions {
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

/** docker-credential-helpers answer "not found" with a non-zero exit and this text (docker/docker-credential-helpers). */
const NOT_FOUND = /credentials not found/i

function run(binary: string, input: string, options: HelperOptions): Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    // argv only, no shell: the helper name comes from config.json
    const child = spawn(binary, ['get'], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let settled = false
    const finish = (result: { code: number | null; error?: Error }): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...result, stdout, stderr })
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      finish({ code: null, error: new Error(`timed out after ${options.timeoutMs ?? 30_000} ms`) })
    }, options.timeoutMs ?? 30_000)
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
