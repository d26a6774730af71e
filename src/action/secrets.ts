import * as core from '@actions/core'
import { parseLines, type InputReader } from './inputs'

/**
 * Masks secret inputs with the runner: the password, every `secrets` value, and the values of build args whose
 * names look like secrets. Call before anything else can print.
 */
export function maskSecretInputs(read: InputReader): void {
  const password = read('password')
  if (password) core.setSecret(password)
  maskSecrets(read('secrets'))
  for (const arg of parseLines(read('build-args'))) {
    const value = arg.slice(arg.indexOf('=') + 1)
    if (arg.includes('=') && value && secretLookingBuildArgs([arg]).length > 0) core.setSecret(value)
  }
}

/** Masks every value of a `secrets` input (a malformed line whole: it may be the secret itself). */
export function maskSecrets(raw: string): void {
  for (const line of raw.split(/\r?\n/)) {
    const eq = line.indexOf('=')
    const value = eq > 0 ? line.slice(eq + 1) : line
    if (value.trim()) core.setSecret(value)
  }
}

const SECRET_LOOKING = /TOKEN|PASSWORD|PASSWD|SECRET|KEY|CREDENTIAL/i

/** Build-arg names that look like they carry a secret (`NPM_TOKEN`, `DB_PASSWORD`, `API_KEY` …). */
export function secretLookingBuildArgs(buildArgs: string[]): string[] {
  return buildArgs.map((a) => a.slice(0, a.indexOf('='))).filter((name) => SECRET_LOOKING.test(name))
}
