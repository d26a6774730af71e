import { chmod, lstat, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as glob from '@actions/glob'
import { ActionError, InputError } from '../action/errors'
import { pinDockerfile, scanDockerfile, type DockerfileImages } from './dockerfile'
import type { Change } from './edits'
import { pinYamlFile, pinYamlText, readYaml, type SkippedFile } from './formats'
import type { PinRule } from './rules'
import type { YamlImages } from './yaml'

export type FileKind = 'dockerfile' | 'yaml'

/** A deploy file read and parsed before anything is built, pushed or resolved. */
export type DeployFile = {
  /** Path relative to the workspace, with forward slashes: how outputs and the summary name it. */
  rel: string
  abs: string
  /** Left out of the pinning (a template, not YAML), with the reason: a warning, never a failure. */
  skipped?: SkippedFile
} & ({ kind: 'dockerfile'; scanned: DockerfileImages } | { kind: 'yaml'; scanned: YamlImages })

export interface PinnedFile {
  rel: string
  abs: string
  changes: Change[]
  text: string
}

/** Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* are Dockerfiles; everything else is read as YAML (JSON is YAML). */
export function kindOf(file: string): FileKind {
  const base = path.basename(file).toLowerCase()
  return /^(dockerfile|containerfile)(\..*)?$/.test(base) || /\.(dockerfile|containerfile)$/.test(base) ? 'dockerfile' : 'yaml'
}

/** Whether `target` is `root` or inside it (both already resolved). */
function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

const OUTSIDE_HINT = 'list deploy files by paths relative to the workspace (GITHUB_WORKSPACE), inside it; copy files from elsewhere into the workspace first'

/**
 * Glob patterns (one per line, `!` to exclude, relative to the workspace) → files, sorted, deduplicated. Everything
 * stays inside the workspace: an absolute pattern or one with a `..` segment is refused before any search, and every
 * match is resolved (symbolic links included) and refused when it leads outside, before anything is read. A pattern
 * naming a directory says so.
 */
export async function expandFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  if (patterns.length === 0) return []
  const root = await realpath(cwd)
  for (const raw of patterns) {
    const p = raw.startsWith('!') ? raw.slice(1) : raw
    if (path.isAbsolute(p) || /^[A-Za-z]:/.test(p) || p.split(/[\\/]/).includes('..')) {
      throw new InputError('files', `'${raw}' points outside the workspace (${root}); nothing was read`, OUTSIDE_HINT)
    }
    if (!raw.startsWith('!') && !/[*?[\]{}]/.test(p)) {
      const st = await lstat(path.resolve(root, p)).catch(() => undefined)
      if (st?.isDirectory()) throw new InputError('files', `'${raw}' is a directory, not a file`, `list the files in it, or a glob such as '${p.replace(/\/+$/, '')}/*.yaml'`)
    }
  }
  const absolute = patterns.map((p) => (p.startsWith('!') ? `!${path.resolve(root, p.slice(1))}` : path.resolve(root, p)))
  const globber = await glob.create(absolute.join('\n'), { matchDirectories: false, implicitDescendants: false, followSymbolicLinks: false })
  const found = [...new Set(await globber.glob())].sort()
  if (found.length === 0) {
    throw new InputError('files', `no file matches ${patterns.map((p) => `'${p}'`).join(', ')} (relative to ${cwd})`, 'check the globs, and check out the repository first (actions/checkout)')
  }
  for (const f of found) {
    const rel = path.relative(root, f).split(path.sep).join('/')
    if (!inside(root, f)) throw new InputError('files', `${rel} is outside the workspace (${root}); nothing was read`, OUTSIDE_HINT)
    const real = await realpath(f).catch(() => undefined)
    if (real === undefined) throw new InputError('files', `${rel} is a broken symbolic link; nothing was read`, 'remove the link or point it at a file in the workspace')
    if (!inside(root, real)) throw new InputError('files', `${rel} is a symbolic link to ${real}, outside the workspace (${root}); nothing was read`, OUTSIDE_HINT)
  }
  return found
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The file's text, exactly: valid UTF-8 only (a UTF-8 BOM is kept as U+FEFF, so writing the text back gives the same
 * bytes). UTF-16 (by its BOM) and invalid UTF-8 are refused by name: rewriting them would lose bytes.
 */
export function decodeDeployFile(rel: string, bytes: Buffer): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError('files', `${rel} is UTF-16 (it starts with a UTF-16 byte order mark); only UTF-8 files are pinned, and this one was not changed`, `save ${rel} as UTF-8, or leave it out of 'files'`)
  }
  try {
    return UTF8.decode(bytes)
  } catch {
    let i = 0
    // the first invalid byte, for the message: decode growing prefixes would be quadratic, so find it by bytes
    while (i < bytes.length) {
      const b = bytes[i] as number
      const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0
      if (n === 0 || i + n > bytes.length) break
      try {
        UTF8.decode(bytes.subarray(i, i + n))
      } catch {
        break
      }
      i += n
    }
    const line = bytes.subarray(0, i).toString('latin1').split('\n').length
    throw new InputError('files', `${rel} is not valid UTF-8 (byte 0x${(bytes[i] ?? 0).toString(16)} at offset ${i}, line ${line}); it was not changed`, `save ${rel} as UTF-8 (e.g. iconv -f latin1 -t utf-8), or leave it out of 'files'`)
  }
}

/**
 * Reads and parses every file (all of them checked before anything is written); a YAML file that cannot be pinned (a
 * template, not YAML) is marked `skipped`.
 */
export async function loadDeployFiles(patterns: readonly string[], cwd: string): Promise<DeployFile[]> {
  const files = await expandFiles(patterns, cwd)
  const root = await realpath(cwd)
  return Promise.all(
    files.map(async (abs) => {
      const rel = path.relative(root, abs).split(path.sep).join('/')
      let bytes: Buffer
      try {
        bytes = await readFile(abs)
      } catch (e) {
        throw new ActionError(`${rel} could not be read: ${(e as Error).message}`)
      }
      const text = decodeDeployFile(rel, bytes)
      return kindOf(abs) === 'dockerfile'
        ? { rel, abs, kind: 'dockerfile' as const, scanned: scanDockerfile(rel, text) }
        : { rel, abs, kind: 'yaml' as const, ...readYaml(rel, text) }
    })
  )
}

/** Parses `text` as the kind of file `rel` names and applies the rule: how another version of a deploy file (the pull
 *  request's base) gets the same pins as the one on disk. */
export function pinText(rel: string, text: string, rule: PinRule): { text: string; changes: Change[] } {
  return kindOf(rel) === 'dockerfile' ? pinDockerfile(scanDockerfile(rel, text), rule) : pinYamlText(rel, text, rule)
}

/** Applies a rule to every file (in memory); returns the files that change. */
export function pinDeployFiles(files: readonly DeployFile[], rule: PinRule): PinnedFile[] {
  const out: PinnedFile[] = []
  for (const f of files) {
    const { text, changes } = f.kind === 'dockerfile' ? pinDockerfile(f.scanned, rule) : pinYamlFile(f.rel, f.scanned, rule, f.skipped)
    if (changes.length > 0) out.push({ rel: f.rel, abs: f.abs, changes, text })
  }
  return out
}

/**
 * Writes every pinned file or none: each new text goes to a temporary file beside its file (same directory, same
 * mode), and only when all are written are they renamed over the originals; a rename that fails puts back the
 * originals already replaced (from the bytes read, which were checked to round-trip). Returns the files changed.
 */
export async function writePinnedFiles(files: readonly PinnedFile[], originals: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  const temps: Array<{ f: PinnedFile; temp: string }> = []
  // only temporary files this step created are removed (never whatever already had such a name)
  const cleanup = (): Promise<unknown> => Promise.all(temps.map(({ temp }) => rm(temp, { force: true }).catch(() => undefined)))
  let current: PinnedFile | undefined
  try {
    for (const [i, f] of files.entries()) {
      current = f
      const temp = path.join(path.dirname(f.abs), `.${path.basename(f.abs)}.pinned-${process.pid}-${i}.tmp`)
      const mode = (await stat(f.abs)).mode & 0o7777
      await writeFile(temp, f.text, { mode, flag: 'wx' })
      temps.push({ f, temp })
      await chmod(temp, mode)
    }
  } catch (e) {
    await cleanup()
    const f = current
    throw new ActionError(`${f?.rel ?? 'a deploy file'} could not be written: ${(e as Error).message}; no file was changed`, "check the files' permissions, or set 'write: false'")
  }
  const done: PinnedFile[] = []
  for (const { f, temp } of temps) {
    try {
      await rename(temp, f.abs)
      done.push(f)
    } catch (e) {
      await cleanup()
      const restored: string[] = []
      for (const d of done) {
        const original = originals.get(d.abs)
        if (original === undefined) continue
        await writeFile(d.abs, original).then(() => restored.push(d.rel), () => undefined)
      }
      const lost = done.map((d) => d.rel).filter((r) => !restored.includes(r))
      throw new ActionError(
        `${f.rel} could not be written: ${(e as Error).message}; ${restored.length > 0 ? `restored ${restored.join(', ')}` : 'no file was changed'}${lost.length > 0 ? `; could not restore ${lost.join(', ')}` : ''}`,
        "check the files' permissions, or set 'write: false'"
      )
    }
  }
  return done.map((f) => f.rel)
}

/** Notes from parsing: references left alone on purpose (build arguments, multi-line values…). */
export function deployNotes(files: readonly DeployFile[]): string[] {
  return files.flatMap((f) => f.scanned.notes)
}
