import * as core from '@actions/core'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { readRunContext, type RunContext } from '../action/context'
import { cut, InputError } from '../action/errors'
import { parseBoolean, parseChoice, parseLines, parseLiteralLines, parseLogin, parseRegistryTimeout, type InputReader } from '../action/inputs'
import { callsNoBuild } from '../docker/buildx'
import { parseRepositories, parseTagEntries, type RefTag, type Repository } from '../plan/inputs'
import { parseLabelLines } from '../plan/labels'
import { LATEST_POLICIES, SEMVER_TAG_MODES, type LatestPolicy, type SemverTags } from '../plan/tags'
import type { ImageName } from '../registry/reference'
import { readBuilderInputs, type BuilderInputs } from './builder-inputs'

/** The action's inputs, parsed and validated. Nothing here has touched docker or a registry. */
export interface Inputs extends BuilderInputs {
  /** The first repository as the user wrote it (trimmed): `pinned`, the summary's title, the pull request's branch. */
  imageInput: string
  image: ImageName
  /** The repositories of `image` (one per line), which the tag names go to. */
  images: Repository[]
  /** Tag names as given (deduplicated, in order), for every repository of `image`. Empty means "use the default tags". */
  tags: string[]
  /** Full references from `tags` (docker/metadata-action's), each naming its repository. */
  refTags: RefTag[]
  /** Build context: a directory (absolute), or a remote context (the commit's Git context when `context` is unset and there is no checkout). */
  context: string
  /** Whether `context` is a URL (Git or tarball) rather than a directory. */
  remoteContext: boolean
  /** Dockerfile path, absolute for a directory context; as written (or '') for a remote one. */
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

/**
 * The Git context of the commit, as docker/build-push-action builds it when `context` is unset:
 * `<server>/<owner>/<repo>.git#<ref>`, where ref is the commit SHA, or on pull requests their `refs/pull/N/merge` ref.
 */
export function gitContext(ctx: RunContext): string | undefined {
  if (!ctx.repository) return undefined
  let ref = ctx.ref ?? ''
  if (ctx.sha && ref && !ref.startsWith('refs/')) ref = `refs/heads/${ref}`
  if (ctx.sha && !ref.startsWith('refs/pull/')) ref = ctx.sha
  if (!ref) return undefined
  return `${ctx.serverUrl}/${ctx.repository}.git#${ref}`
}

/** A context the builder fetches itself: a Git repository or a tarball URL (buildx's and docker build's remote contexts). */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git:\/\/|git@|ssh:\/\/|github\.com\/)/.test(context)
}

/**
 * `context`: as written, with `{{defaultContext}}` standing for the commit's Git context (build-push-action's
 * template). Unset: the workspace when it is a checkout or holds the Dockerfile, else the commit's Git context,
 * which is what build-push-action builds without a checkout.
 */
function chooseContext(contextRaw: string, fileRaw: string, cwd: string, ctx: RunContext): { raw: string; fromGit: boolean } {
  const git = gitContext(ctx)
  if (contextRaw.includes('{{defaultContext}}')) {
    if (!git) throw new InputError('context', '{{defaultContext}} needs GITHUB_REPOSITORY and GITHUB_SHA (a GitHub Actions run)', "write the context's path or URL instead")
    return { raw: contextRaw.split('{{defaultContext}}').join(git), fromGit: true }
  }
  if (contextRaw !== '') return { raw: contextRaw, fromGit: false }
  // a checkout (or a Dockerfile) in the workspace is what to build: a missing file there is an error naming it
  const checkout = existsSync(path.resolve(cwd, '.git')) || existsSync(path.resolve(cwd, fileRaw || 'Dockerfile'))
  if (checkout || !git) return { raw: '.', fromGit: false }
  return { raw: git, fromGit: true }
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

/**
 * The repositories this step pushes to, in order: `image`'s, then those the full references of `tags` name. The
 * first is the step's own (`pinned`, the pull request). Tag names need `image`; full references do not.
 */
function repositoriesOf(images: Repository[], names: string[], refTags: RefTag[]): Repository {
  const first = images[0] ?? refTags[0]?.repository
  if (!first) {
    throw new InputError('image', 'is required', "set 'image' to the repository to push to (e.g. ghcr.io/acme/api), or write full references in 'tags' (ghcr.io/acme/api:v1), as docker/metadata-action's tags output holds them")
  }
  if (names.length > 0 && images.length === 0) {
    throw new InputError(
      'tags',
      `'${cut(names[0] as string)}' is a tag name, but 'image' is empty, so it names no repository`,
      `set 'image' to the repository, or write the full reference (${cut(first.input)}:${cut(names[0] as string)})`
    )
  }
  return first
}

/**
 * Whether the step pushes: `push` as written (default true); with `outputs`, unset `push` follows the output that
 * pushes, and a `push` that contradicts them fails. `call` other than build makes no image, so pushes nothing.
 */
function readPush(raw: string, b: BuilderInputs): boolean {
  if (callsNoBuild(b.call)) {
    if (raw !== '' && parseBoolean('push', raw, true)) core.info(`'call: ${b.call}' builds no image: nothing is pushed`)
    return false
  }
  const outputs = b.outputs ?? []
  if (outputs.length === 0) return parseBoolean('push', raw, true)
  const pushing = outputs.some((o) => o.pushes)
  if (raw === '') return pushing
  const push = parseBoolean('push', raw, true)
  if (push && !pushing) {
    throw new InputError('push', "is true, but 'outputs' lists no output that pushes", "set 'push: false' to export only to 'outputs', or add type=image,push=true (or type=registry) to 'outputs'")
  }
  if (!push && pushing) {
    throw new InputError('outputs', "pushes (type=registry or push=true), but 'push' is false", "remove 'push: false', or drop push=true from 'outputs'")
  }
  return push
}

/** The GitHub token for a private repository's Git context (build-push-action's `github-token`), as the secret BuildKit's git source reads. */
function gitAuthSecret(raw: string, context: { fromGit: boolean }, ctx: RunContext, b: BuilderInputs): BuilderInputs['secrets'] {
  if (!raw || !context.fromGit || b.secrets.some((s) => s.id.startsWith('GIT_AUTH_TOKEN'))) return []
  core.setSecret(raw)
  return [{ id: `GIT_AUTH_TOKEN.${new URL(ctx.serverUrl).host}`, value: raw, input: 'github-token' }]
}

export function readInputs(read: InputReader, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = {}): Inputs {
  const ctx = readRunContext(env)
  const images = parseRepositories('image', read('image'))
  const { names: tags, refs } = parseTagEntries(read('tags'))
  const builder = readBuilderInputs(read, cwd, env)
  // the repositories an output that pushes names (name=…), as build-push-action users write them there
  const outputNames = (builder.outputs ?? []).filter((o) => o.pushes).flatMap((o) => o.names)
  const refTags = [...refs, ...parseTagEntries(outputNames.join('\n'), 'outputs').refs]
  const first = repositoriesOf(images, tags, refTags)
  const imageInput = first.input
  const image = first.name
  const labels = parseLabels(read('labels', { trim: false }))
  const latest = parseChoice('latest', read('latest'), LATEST_POLICIES, 'warn')
  const ociLabels = parseBoolean('oci-labels', read('oci-labels'), true)
  const semverTags = parseChoice('semver-tags', read('semver-tags'), SEMVER_TAG_MODES, 'all')
  const buildArgs = parseBuildArgs(read('build-args'))
  const summary = parseBoolean('summary', read('summary'), true)
  const pull = parseBoolean('pull', read('pull'), false)
  const noCache = parseBoolean('no-cache', read('no-cache'), false)
  const target = read('target') || undefined
  if (target !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) {
    throw new InputError('target', `'${cut(target)}' is not a build stage name`, 'set it to the name of a stage (FROM … AS <name>)')
  }
  const fileRaw = read('file')
  const chosen = chooseContext(read('context'), fileRaw, cwd, ctx)
  const remoteContext = isRemoteContext(chosen.raw)
  const { context, file } = remoteContext ? { context: chosen.raw, file: fileRaw } : resolveBuildFiles(chosen.raw, fileRaw, cwd)
  const login = parseLogin(read('username'), read('password'))
  const gitContextUrl = gitContext(ctx)
  if (gitContextUrl) builder.buildContexts = builder.buildContexts.map((c) => c.split('{{defaultContext}}').join(gitContextUrl))
  builder.secrets = [...builder.secrets, ...gitAuthSecret(read('github-token'), chosen, ctx, builder)]
  const push = readPush(read('push'), builder)
  const registryTimeoutMs = parseRegistryTimeout(read('registry-timeout'))
  return {
    imageInput, image, images, tags, refTags, context, remoteContext, file, buildArgs, ...(target && { target }), pull, noCache, labels, push, summary,
    latest, ociLabels, semverTags, ...(login && { login }), registryTimeoutMs, ...builder
  }
}

/** Every input action.yml declares; the runner passes undeclared ones too (with only a warning), so the step refuses them. */
export const BUILD_INPUTS = [
  'image', 'tags', 'context', 'file', 'build-args', 'target', 'pull', 'no-cache', 'builder', 'platforms', 'secrets', 'secret-files',
  'secret-envs', 'ssh', 'cache-from', 'cache-to', 'provenance', 'sbom', 'attests', 'build-contexts', 'annotations', 'labels', 'oci-labels',
  'semver-tags', 'latest', 'push', 'load', 'outputs', 'call', 'add-hosts', 'allow', 'network', 'shm-size', 'ulimit', 'cgroup-parent',
  'no-cache-filters', 'github-token', 'summary', 'files', 'write', 'username', 'password', 'registry-timeout', 'pull-request', 'comment',
  'token', 'pr-branch', 'pr-base', 'pr-title', 'pr-labels'
] as const

/** Fails on an input this action does not declare (`INPUT_<NAME>` in the step's environment), naming it. */
export function checkUnknownInputs(env: NodeJS.ProcessEnv): void {
  const known = new Set(BUILD_INPUTS.map((n) => `INPUT_${n.toUpperCase()}`))
  const unknown = Object.keys(env).filter((k) => k.startsWith('INPUT_') && !known.has(k)).sort()
  const [first] = unknown
  if (first === undefined) return
  const name = first.slice('INPUT_'.length).toLowerCase()
  throw new InputError(name, 'is not an input of this action (the runner only warns "Unexpected input"; this step would otherwise build without it)', `remove '${name}', or use the input docs/migrating.md names for it; declared inputs: ${BUILD_INPUTS.join(', ')}`)
}
