import * as core from '@actions/core'
import { DEFAULT_REGISTRY_TIMEOUT_SECONDS, REGISTRY_TIMEOUT_INPUT } from '../registry/budget'
import { InvalidReferenceError, parseReference, type ImageName, type ImageReference } from '../registry/reference'
import { cut, InputError } from './errors'

/**
 * Reads one input's value ('' when not set). Actions take it as a parameter so tests can hand in plain values.
 * Values are trimmed, as core.getInput does, unless `trim: false` (an input whose lines keep their spaces: labels).
 */
export type InputReader = (name: string, options?: { trim?: boolean }) => string

/**
 * Inputs as the runner passes them: through core.getInput for the process's own environment, and by the same rule
 * (INPUT_<NAME>, upper-cased, spaces → '_', trimmed unless `trim: false`) for any other environment.
 */
export function envInputReader(env: NodeJS.ProcessEnv = process.env): InputReader {
  if (env === process.env) return (name, options) => core.getInput(name, { trimWhitespace: options?.trim ?? true })
  return (name, options) => {
    const raw = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
    return options?.trim === false ? raw : raw.trim()
  }
}

// the words core.getBooleanInput accepts (YAML 1.2 core schema); ours names the input and the fix when it fails
const TRUE = new Set(['true', 'True', 'TRUE'])
const FALSE = new Set(['false', 'False', 'FALSE'])

export function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  if (raw === '') return fallback
  if (TRUE.has(raw)) return true
  if (FALSE.has(raw)) return false
  throw new InputError(name, `'${cut(raw)}' is not a boolean`, `set '${name}' to true or false`)
}

/** Lines of a multi-line input, trimmed, without blanks and `#` comments. */
export function parseLines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

/**
 * Lines of a multi-line input kept as written (read it with `trim: false`): only the line breaks (`\n`, `\r\n`) are
 * taken off; lines that are blank or whose first non-blank character is `#` are skipped.
 */
export function parseLiteralLines(raw: string): string[] {
  return raw.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
}

/** A list input: newline- or comma-separated, trimmed, deduplicated. */
export function parseList(raw: string): string[] {
  const items = raw
    .split(/[\r\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  return [...new Set(items)]
}

/** One of a fixed set of words (case-insensitive); empty means the default. */
export function parseChoice<T extends string>(name: string, raw: string, choices: readonly T[], fallback: T): T {
  if (raw === '') return fallback
  const value = raw.toLowerCase()
  if ((choices as readonly string[]).includes(value)) return value as T
  throw new InputError(name, `'${cut(raw)}' is not one of ${choices.join(', ')}`, `set '${name}' to ${choices.join(', ').replace(/, ([^,]*)$/, ' or $1')}`)
}

/** An image reference given in an input: the grammar's reason becomes an InputError naming the input, with `hint`. */
export function parseReferenceInput(name: string, raw: string, hint: string): ImageReference {
  try {
    return parseReference(raw)
  } catch (e) {
    if (e instanceof InvalidReferenceError) throw new InputError(name, e.message, hint)
    throw e
  }
}

const SECONDS = /^\d{1,6}(\.\d{1,3})?$/

/** A number of seconds from `min` to `max` (decimals allowed), as milliseconds; empty means `fallback` seconds. */
export function parseSeconds(name: string, raw: string, fallback: number, { min = 1, max = 3600 } = {}): number {
  if (raw === '') return fallback * 1000
  const seconds = SECONDS.test(raw) ? Number(raw) : NaN
  if (!(seconds >= min && seconds <= max)) {
    throw new InputError(name, `'${cut(raw)}' is not a number of seconds from ${min} to ${max}`, `leave it empty for ${fallback}, or set a number of seconds such as ${fallback * 2}`)
  }
  return Math.round(seconds * 1000)
}

/**
 * The `registry-timeout` input, in milliseconds: the budget for what an action does against registries once it
 * starts talking to them (see registry/budget.ts). Every action that talks to a registry takes this input.
 */
export function parseRegistryTimeout(raw: string): number {
  return parseSeconds(REGISTRY_TIMEOUT_INPUT, raw, DEFAULT_REGISTRY_TIMEOUT_SECONDS)
}

/** The `image` input: a repository without tag or digest, as every action that pushes takes it. */
export function parseImage(raw: string): { imageInput: string; image: ImageName } {
  const imageInput = raw.trim()
  if (imageInput === '') {
    throw new InputError('image', 'is required', "set 'image' to the repository to push to, e.g. ghcr.io/acme/api")
  }
  const ref = parseReferenceInput('image', imageInput, "set 'image' to a repository such as ghcr.io/acme/api or 127.0.0.1:5000/demo")
  if (ref.tag !== undefined || ref.digest !== undefined) {
    const bare = imageInput.replace(/@.*$/, '').replace(/:[^:/]*$/, '')
    throw new InputError(
      'image',
      `'${cut(imageInput)}' contains a ${ref.digest ? 'digest' : 'tag'}; 'image' is the repository only`,
      `set 'image: ${cut(bare)}' and put tag names in 'tags'${ref.tag ? ` (e.g. 'tags: ${ref.tag}')` : ''}`
    )
  }
  return { imageInput, image: { registry: ref.registry, repository: ref.repository } }
}

/** `username` and `password` for a step-only login: both or neither. */
export function parseLogin(username: string, password: string): { username: string; password: string } | undefined {
  if (!username && !password) return undefined
  if (!password) {
    throw new InputError('password', "is required when 'username' is set", "set 'password' from a secret, e.g. password: ${{ secrets.GITHUB_TOKEN }}")
  }
  if (!username) {
    throw new InputError('username', "is required when 'password' is set", "set 'username' (for GHCR: ${{ github.actor }})")
  }
  if (/[\s:]/.test(username)) {
    throw new InputError('username', 'contains whitespace or a colon', 'set it to the registry user name only')
  }
  return { username, password }
}
