import { readFile, writeFile } from 'node:fs/promises'
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

/** Glob patterns (one per line, `!` to exclude, relative to the workspace) → files, sorted, deduplicated. */
export async function expandFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  if (patterns.length === 0) return []
  const absolute = patterns.map((p) => (p.startsWith('!') ? `!${path.resolve(cwd, p.slice(1))}` : path.resolve(cwd, p)))
  const globber = await glob.create(absolute.join('\n'), { matchDirectories: false, implicitDescendants: false, followSymbolicLinks: false })
  const found = [...new Set(await globber.glob())].sort()
  if (found.length === 0) {
    throw new InputError('files', `no file matches ${patterns.map((p) => `'${p}'`).join(', ')} (relative to ${cwd})`, 'check the globs, and check out the repository first (actions/checkout)')
  }
  return found
}

/** Reads and parses every file; a YAML file that cannot be pinned (a template, not YAML) is marked `skipped`. */
export async function loadDeployFiles(patterns: readonly string[], cwd: string): Promise<DeployFile[]> {
  const files = await expandFiles(patterns, cwd)
  return Promise.all(
    files.map(async (abs) => {
      const rel = path.relative(cwd, abs).split(path.sep).join('/')
      let text: string
      try {
        text = await readFile(abs, 'utf8')
      } catch (e) {
        throw new ActionError(`${rel} could not be read: ${(e as Error).message}`)
      }
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

export async function writePinnedFiles(files: readonly PinnedFile[]): Promise<void> {
  for (const f of files) {
    try {
      await writeFile(f.abs, f.text)
    } catch (e) {
      throw new ActionError(`${f.rel} could not be written: ${(e as Error).message}`, "check the file's permissions, or set 'write: false'")
    }
  }
}

/** Notes from parsing: references left alone on purpose (build arguments, multi-line values…). */
export function deployNotes(files: readonly DeployFile[]): string[] {
  return files.flatMap((f) => f.scanned.notes)
}
