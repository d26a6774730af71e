/**
 * Looks for secrets in everything a run printed or wrote: stdout, stderr and every file under the run's
 * dir (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_STATE, GITHUB_ENV, HOME, RUNNER_TEMP), plus any other
 * dirs a test names. A secret is found as itself, and (by default) as base64 — also when it sits inside a
 * longer base64 value such as docker's `auth` = base64(user:password) — and, with `fragment: n`, as any
 * n-character piece of either (for errors that quote part of a credential).
 * Hits name the place and the form, never the secret, so a failing assertion does not print it.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type SecretSpec = string | { name: string; value: string }

export interface SecretHit {
  /** the secret's name (its index, e.g. 'secret#0', when given as a plain string) */
  secret: string
  /** 'stdout', 'stderr', or a file path */
  where: string
  form: 'plain' | 'base64' | 'fragment'
  /** byte offset in that place */
  offset: number
}

export interface ScanOptions {
  /** also look for the base64 of each secret, at any alignment (default true) */
  encodings?: boolean
  /** also look for any piece this long of the secret (and of its base64); 0/undefined: off */
  fragment?: number
}

/** Files larger than this are not read (no fixture writes anything near it). */
const MAX_FILE = 64 * 1024 * 1024

/**
 * The base64 text that any occurrence of `secret` inside a base64-encoded value must contain, for each of
 * the three byte alignments (characters that mix in neighbouring bytes are cut off).
 */
export function base64Needles(secret: Buffer): string[] {
  const out = new Set<string>()
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), secret]).toString('base64').replace(/=+$/, '')
    const first = Math.ceil((8 * k) / 6)
    const last = Math.floor((8 * (k + secret.length)) / 6) - 1
    const s = b64.slice(first, last + 1)
    if (s.length >= 8) out.add(s) // shorter pieces would match by chance
  }
  return [...out]
}

function windows(s: string, n: number): string[] {
  if (s.length <= n) return [s]
  const out = new Set<string>()
  for (let i = 0; i + n <= s.length; i++) out.add(s.slice(i, i + n))
  return [...out]
}

/** Searches the given texts for the secrets; returns every (secret, place, form) found, first offset each. */
export function findSecrets(sources: Array<{ where: string; text: string | Buffer }>, secrets: SecretSpec[], opts: ScanOptions = {}): SecretHit[] {
  const hits: SecretHit[] = []
  const specs = secrets.map((s, i) => (typeof s === 'string' ? { name: `secret#${i}`, value: s } : s))
  for (const spec of specs) {
    if (spec.value === '') throw new Error(`findSecrets: ${spec.name} is empty`)
    const raw = Buffer.from(spec.value, 'utf8')
    const needles: Array<{ form: SecretHit['form']; needle: Buffer }> = [{ form: 'plain', needle: raw }]
    const b64 = opts.encodings === false ? [] : base64Needles(raw)
    for (const n of b64) needles.push({ form: 'base64', needle: Buffer.from(n, 'latin1') })
    if (opts.fragment && opts.fragment > 0) {
      for (const w of windows(spec.value, opts.fragment)) needles.push({ form: 'fragment', needle: Buffer.from(w, 'utf8') })
      for (const n of b64) for (const w of windows(n, opts.fragment)) needles.push({ form: 'fragment', needle: Buffer.from(w, 'latin1') })
    }
    for (const src of sources) {
      const text = typeof src.text === 'string' ? Buffer.from(src.text, 'utf8') : src.text
      for (const form of ['plain', 'base64', 'fragment'] as const) {
        let best = -1
        for (const n of needles) {
          if (n.form !== form) continue
          const at = text.indexOf(n.needle)
          if (at >= 0 && (best < 0 || at < best)) best = at
        }
        if (best >= 0) {
          hits.push({ secret: spec.name, where: src.where, form, offset: best })
          break // the strongest form found is enough for this place
        }
      }
    }
  }
  return hits
}

/** Every regular file under the dirs, recursively (symlinks are not followed; missing dirs are skipped). */
export function listFiles(dirs: string | string[]): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const name of names) {
      const p = join(dir, name)
      const st = lstatSync(p, { throwIfNoEntry: false })
      if (st?.isDirectory()) walk(p)
      else if (st?.isFile()) out.push(p)
    }
  }
  for (const d of Array.isArray(dirs) ? dirs : [dirs]) walk(d)
  return out
}

function readFiles(dirs: string | string[]): Array<{ where: string; text: Buffer }> {
  return listFiles(dirs).flatMap((f) => {
    try {
      const st = lstatSync(f)
      return st.size > MAX_FILE ? [] : [{ where: f, text: readFileSync(f) }]
    } catch {
      return [] // removed while we looked
    }
  })
}

/** Secrets left on disk under the dirs (e.g. RUNNER_TEMP and HOME after a cancelled run). */
export function scanTree(dirs: string | string[], secrets: SecretSpec[], opts: ScanOptions = {}): SecretHit[] {
  return findSecrets(readFiles(dirs), secrets, opts)
}

export interface ScannableRun {
  stdout: string
  stderr: string
  /** the run's temp dir: HOME, RUNNER_TEMP and the file-command files live under it */
  runDir: string
}

/**
 * Secrets in everything a run printed or wrote: stdout (without the `::add-mask::` lines, which the runner
 * consumes — unless `keepMaskCommands`), stderr, and every file under run.runDir and `extraDirs`.
 */
export function scanRun(run: ScannableRun, secrets: SecretSpec[], opts: ScanOptions & { extraDirs?: string[]; keepMaskCommands?: boolean } = {}): SecretHit[] {
  const stdout = opts.keepMaskCommands ? run.stdout : run.stdout.replace(/^::add-mask::.*$/gm, '')
  const sources = [{ where: 'stdout', text: stdout }, { where: 'stderr', text: run.stderr }, ...readFiles([run.runDir, ...(opts.extraDirs ?? [])])]
  return findSecrets(sources, secrets, opts)
}

/** Throws (naming the places, never the secrets) when there are hits. */
export function assertNoSecrets(hits: SecretHit[], what = 'secret'): void {
  if (hits.length === 0) return
  throw new Error(`${what} found:\n${hits.map((h) => `  ${h.secret} as ${h.form} in ${h.where} at ${h.offset}`).join('\n')}`)
}
