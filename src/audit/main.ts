import * as core from '@actions/core'
import { ActionError } from '../action/errors'
import { envInputReader, type InputReader } from '../action/inputs'
import { runAction, type ActionResult } from '../action/run'
import { maskSecretInputs } from '../action/secrets'
import { dockerRegistries } from '../docker/registries'
import { deployReferences } from '../pin/formats'
import { loadDeployFiles } from '../pin/files'
import type { OpenRegistries, RegistryAccess } from '../registry'
import { classify, skippedFileEntry, tryParse, type AuditEntry } from './classify'
import { readAuditInputs, STATES, type AuditInputs } from './inputs'
import { readRegistry } from './read'
import { failing, renderAuditSummary, toAuditOutputs } from './report'

export interface AuditDeps {
  /** The seam every action opens registries through. */
  openRegistries: OpenRegistries
  readInput: InputReader
  cwd: string
  env?: NodeJS.ProcessEnv
  /** The clock for the summary's ages. */
  now?: () => number
}

export function defaultAuditDeps(): AuditDeps {
  return { openRegistries: async (access) => dockerRegistries(access), readInput: envInputReader(), cwd: process.cwd(), env: process.env }
}

export interface AuditResult {
  entries: AuditEntry[]
  outputs: Record<string, string>
  summary?: string
  /** The entries whose state is in `fail-on`: the step fails, after the outputs and the summary are written. */
  failing: AuditEntry[]
  /** Registry requests sent (the bench counts them). */
  requests: number
}

function registryAccess(inputs: AuditInputs, env: NodeJS.ProcessEnv): RegistryAccess {
  const login = inputs.login
  return { env, budgetMs: inputs.registryTimeoutMs, ...(login && { login: { registry: login.registry, credentials: { username: login.username, password: login.password } } }) }
}

/** inputs → deploy files read (never written) → one registry read per distinct digest and tag → a state per reference. */
export async function auditDeployFiles(deps: AuditDeps): Promise<AuditResult> {
  maskSecretInputs(deps.readInput)
  const inputs = readAuditInputs(deps.readInput)
  const env = deps.env ?? process.env
  const files = await loadDeployFiles(inputs.files, deps.cwd)
  const references = files.flatMap((f) => deployReferences(f))
  const parsed = references.flatMap((r) => tryParse(r.written) ?? [])

  const started = Date.now()
  const registries = await deps.openRegistries(registryAccess(inputs, env))
  let reads
  let requests
  try {
    reads = await readRegistry(parsed, (name) => registries.client(name), inputs.concurrency)
    requests = registries.requests.length
  } finally {
    await registries.close()
  }
  core.info(`Read ${reads.digests.size} digest(s) and ${reads.tags.size} tag(s) of ${references.length} reference(s) in ${files.length} file(s): ${requests} request(s), ${Date.now() - started} ms`)

  const entries = [
    ...files.flatMap((f) => (f.skipped ? [skippedFileEntry(f.rel, f.skipped.line, f.skipped.reason)] : [])),
    // image fields the scanner found but left alone (a variable, a template, not a one-line string): `file:line: why`
    ...files.flatMap((f) =>
      f.skipped || f.kind !== 'yaml'
        ? []
        : f.scanned.notes.flatMap((n) => {
            const m = /^(.*?):(\d+): (.*)$/s.exec(n)
            return m ? [skippedFileEntry(m[1] as string, Number(m[2]), m[3] as string)] : []
          })
    ),
    ...references.map((r) => classify(r, reads, inputs.expectCommit))
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line)
  for (const e of entries) {
    const where = `${e.file}:${e.line}`
    if (e.state === 'skipped' || e.state === 'unknown') core.warning(`${where}: ${e.state}: ${e.reason ?? ''}`)
    else core.info(`${where}: ${e.reference ?? ''} ${e.state}${e.reason ? ` (${e.reason})` : ''}`)
  }
  const now = (deps.now ?? Date.now)()
  return {
    entries,
    outputs: toAuditOutputs(entries),
    failing: failing(entries, inputs.failOn),
    requests,
    ...(inputs.summary && { summary: renderAuditSummary(entries, inputs.failOn, now, files.length) })
  }
}

export function runAudit(deps: AuditDeps = defaultAuditDeps()): Promise<void> {
  return runAction(async (): Promise<ActionResult> => {
    const result = await auditDeployFiles(deps)
    const fail =
      result.failing.length > 0
        ? new ActionError(
            `${result.failing.length} of ${result.entries.length} reference(s) are ${STATES.filter((st) => result.failing.some((e) => e.state === st)).join(' or ')}:\n${result.failing
              .slice(0, 20)
              .map((e) => `  ${e.file}:${e.line} ${e.reference ?? ''} ${e.state}${e.reason ? `: ${e.reason}` : ''}`)
              .join('\n')}${result.failing.length > 20 ? `\n  … and ${result.failing.length - 20} more (the report output has them all)` : ''}`,
            "the job summary and the 'report' output list every reference; pin, push or re-deploy, or narrow 'fail-on'"
          )
        : undefined
    return { outputs: result.outputs, ...(result.summary && { summary: result.summary }), ...(fail && { fail }) }
  })
}
