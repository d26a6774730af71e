import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { cut, InputError } from '../action/errors'
import { parseBoolean, parseChoice, parseImage, parseLines, parseLiteralLines, parseLogin, parseRegistryTimeout, type InputReader } from '../action/inputs'
import { parseTags } from '../plan/inputs'
import { parseLabelLines } from '../plan/labels'
import { LATEST_POLICIES, SEMVER_TAG_MODES, type LatestPolicy, type SemverTags } from '../plan/tags'
import type { ImageName } from '../registry/reference'
import { readBuilderInputs, type BuilderInputs } from './builder-inputs'

/** The action's inputs, parsed and validated. Nothing here has touched docker or a registry. */
export interface Inputs extends BuilderInputs {
  /** The repository as the user wrote it (trimmed), used for outputs: `ghcr.io/acme/api`. */
  imageInput: string
  image: ImageName
  /** Tag names as given (deduplicated, in order). Empty means "use the default tags". */
  tags: string[]
  /** Build context directory, absolute. */
  context: string
  /** Dockerfile path, absolute. */
  file: string
  buildArgs: string[]
  target?: string
  pull: boolean
  noCache: boolean
  /** User labels in the order given; later keys win. */
  labels: Array<[string, string]>
  push: boolean
  summary: boolean
  /** What to do when `latest` is among the tags: warn (default), forbid, allow. */
  latest: LatestPolicy
  /** Add org.opencontainers.image.* labels (default true). */
  ociLabels: boolean
  /** Version tags on a semver tag ref when `tags` is empty: all (default), exact, none. */
  semverTags: SemverTags
  /** Credentials for a step-only `docker login` to the image's registry (both or neither). */
  login?: { username: string; password: string }
  /** `registry-timeout` in ms: the budget for the registry work after the push (read-back). */
  registryTimeoutMs: number
}

/** `key=value` per line; the value (everything after the first '=', spaces included) may contain '=' and may be empty. */
export function parseLabels(raw: string): Array<[string, string]> {
  return parseLabelLines(parseLiteralLines(raw), 'labels', { literal: true })
}

const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*=/

export function parseBuildArgs(raw: string): string[] {
  const args = parseLines(raw)
  for (const arg of args) {
    if (!BUILD_ARG.test(arg)) {
      throw new InputError('build-args', `'${cut(arg)}' is not KEY=value`, 'write one build argument per line as KEY=value')
    }
  }
  return args
}

function resolveBuildFiles(contextRaw: string, fileRaw: string, cwd: string): { context: string; file: string } {
  const context = path.resolve(cwd, contextRaw || '.')
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError(
      'context',
      `build context '${cut(contextRaw || '.')}' is not a directory (looked in ${cut(context)})`,
      'set \'context\' to a directory relative to the workspace, and check out the repository first (actions/checkout)'
    )
  }
  const file = fileRaw ? path.resolve(cwd, fileRaw) : path.join(context, 'Dockerfile')
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new InputError(
      'file',
      `Dockerfile '${cut(fileRaw || path.relative(cwd, file) || 'Dockerfile')}' not found (looked for ${cut(file)})`,
      fileRaw
        ? "set 'file' to the Dockerfile's path relative to the workspace"
        : "add a Dockerfile to the build context or set 'file' to its path"
    )
  }
  return { context, file }
}

export function readInputs(read: InputReader, cwd: string = process.cwd()): Inputs {
  const { imageInput, image } = parseImage(read('image'))
  const tags = parseTags(read('tags'))
  const labels = parseLabels(read('labels', { trim: false }))
  const latest = parseChoice('latest', read('latest'), LATEST_POLICIES, 'warn')
  const ociLabels = parseBoolean('oci-labels', read('oci-labels'), true)
  const semverTags = parseChoice('semver-tags', read('semver-tags'), SEMVER_TAG_MODES, 'all')
  const buildArgs = parseBuildArgs(read('build-args'))
  const push = parseBoolean('push', read('push'), true)
  const summary = parseBoolean('summary', read('summary'), true)
  const pull = parseBoolean('pull', read('pull'), false)
  const noCache = parseBoolean('no-cache', read('no-cache'), false)
  const target = read('target') || undefined
  if (target !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) {
    throw new InputError('target', `'${cut(target)}' is not a build stage name`, 'set it to the name of a stage (FROM … AS <name>)')
  }
  const { context, file } = resolveBuildFiles(read('context'), read('file'), cwd)
  const login = parseLogin(read('username'), read('password'))
  const builder = readBuilderInputs(read, cwd)
  const registryTimeoutMs = parseRegistryTimeout(read('registry-timeout'))
  return {
    imageInput, image, tags, context, file, buildArgs, ...(target && { target }), pull, noCache, labels, push, summary,
    latest, ociLabels, semverTags, ...(login && { login }), registryTimeoutMs, ...builder
  }
}
