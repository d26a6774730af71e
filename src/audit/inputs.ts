import { cut, InputError } from '../action/errors'
import { parseBoolean, parseLines, parseList, parseLogin, parseRegistryTimeout, type InputReader } from '../action/inputs'
import { parseReference } from '../registry/reference'

/** What an audit says of one reference (or of a file or value it could not read: `skipped`). */
export const STATES = ['missing', 'unknown', 'unpinned', 'unlabeled', 'other-commit', 'moved', 'skipped', 'pinned'] as const
export type AuditState = (typeof STATES)[number]

export const DEFAULT_FAIL_ON: readonly AuditState[] = ['missing', 'unpinned']
export const DEFAULT_CONCURRENCY = 8

export interface AuditInputs {
  /** Glob patterns, one per line, as the build and resolve actions' `files`. */
  files: string[]
  failOn: AuditState[]
  /** A full commit or a prefix of one (7-64 hex digits), lower-cased; undefined: not checked. */
  expectCommit?: string
  concurrency: number
  login?: { registry: string; username: string; password: string }
  registryTimeoutMs: number
  summary: boolean
}

function parseFailOn(raw: string): AuditState[] {
  if (raw.trim() === '') return [...DEFAULT_FAIL_ON]
  const items = parseList(raw).map((s) => s.toLowerCase())
  if (items.length === 1 && items[0] === 'none') return []
  const unknown = items.filter((s) => !(STATES as readonly string[]).includes(s))
  if (unknown.length > 0) {
    throw new InputError('fail-on', `${unknown.map((s) => `'${cut(s)}'`).join(', ')} ${unknown.length === 1 ? 'is not a state' : 'are not states'}`, `list states from ${STATES.join(', ')} (comma-separated), or write none`)
  }
  return items as AuditState[]
}

function parseExpectCommit(raw: string): string | undefined {
  if (raw === '') return undefined
  if (!/^[0-9a-fA-F]{7,64}$/.test(raw)) {
    throw new InputError('expect-commit', `'${cut(raw)}' is not a commit SHA`, 'set it to a commit SHA (7 to 64 hex digits), e.g. ${{ github.sha }}, or leave it empty')
  }
  return raw.toLowerCase()
}

function parseRegistry(raw: string): string {
  try {
    return parseReference(`${raw}/x`).registry
  } catch {
    throw new InputError('registry', `'${cut(raw)}' is not a registry host`, 'set it to a host such as ghcr.io or registry.example.com:5000')
  }
}

export function readAuditInputs(read: InputReader): AuditInputs {
  const files = parseLines(read('files'))
  if (files.length === 0) {
    throw new InputError('files', 'is required', 'list the deploy files to audit, glob patterns one per line, e.g. k8s/**/*.yaml')
  }
  const concurrencyRaw = read('concurrency')
  const concurrency = concurrencyRaw === '' ? DEFAULT_CONCURRENCY : Number(concurrencyRaw)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new InputError('concurrency', `'${cut(concurrencyRaw)}' is not a whole number from 1 to 32`, `leave it empty for ${DEFAULT_CONCURRENCY}`)
  }
  const credentials = parseLogin(read('username'), read('password'))
  const registryRaw = read('registry')
  if (credentials && registryRaw === '') {
    throw new InputError('registry', "is required when 'username' is set", 'set it to the registry the credentials are for, e.g. ghcr.io')
  }
  const expectCommit = parseExpectCommit(read('expect-commit'))
  return {
    files,
    failOn: parseFailOn(read('fail-on')),
    ...(expectCommit && { expectCommit }),
    concurrency,
    ...(credentials && { login: { registry: parseRegistry(registryRaw), ...credentials } }),
    registryTimeoutMs: parseRegistryTimeout(read('registry-timeout')),
    summary: parseBoolean('summary', read('summary'), true)
  }
}
