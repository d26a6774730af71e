import * as core from '@actions/core'
import * as exec from '@actions/exec'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../action/errors'
import { isSha256Digest } from '../registry/digest'
import { parseBuildxInspect, type BuildxBuilderInfo } from './buildx-inspect'
import { findBuildxPlugin } from './buildx-plugin'
import { parseImageStore, type ImageStore } from './image-store'
import { parsePushDigest } from './push-output'

export interface BuildRequest {
  /** A directory, or a remote context (Git URL, tarball URL) as buildx takes it. */
  context: string
  /** Dockerfile path; '' leaves it to the builder (a remote context's own `Dockerfile`). */
  file: string
  /** Full references to tag the image with (`ghcr.io/acme/api:v1`). */
  tags: string[]
  labels: Record<string, string>
  buildArgs: string[]
  target?: string
  pull: boolean
  noCache: boolean
  /** At most one platform on the legacy builder (`docker build --platform`). */
  platforms?: string[]
  /** Values shown as *** where the command line is printed (secret-looking build-arg values). */
  redact?: string[]
  /** `host:ip` entries for /etc/hosts during RUN (`--add-host`). */
  addHosts?: string[]
  /** RUN's network mode (`--network`: default, none, host). */
  network?: string
  /** /dev/shm size for RUN (`--shm-size`, e.g. 2g). */
  shmSize?: string
  /** `--ulimit` entries (nofile=1024:1024). */
  ulimits?: string[]
  /** `--cgroup-parent` for RUN. */
  cgroupParent?: string
  /** Called once, when the build process prints its first output: it is running. */
  onStarted?: () => void
}

/** One tag to push, with the full reference docker is given for it (`ghcr.io/acme/api:v1`). */
export interface PushTarget {
  ref: string
  tag: string
}

export interface PushResult extends PushTarget {
  /** Digest docker reported for this tag, when it printed one. */
  digest?: string
  size?: number
}

/** The docker CLI seam. Every call passes an argv array; nothing goes through a shell. */
export interface Docker {
  /** Fails with an ActionError when docker is missing or the daemon is unreachable. */
  serverVersion(): Promise<string>
  build(request: BuildRequest): Promise<{ imageId: string }>
  /** The engine's image store (`docker info`), which decides what its image IDs are; undefined when it does not say. */
  imageStore(): Promise<ImageStore | undefined>
  push(target: PushTarget): Promise<PushResult>
  /** `docker login --username … --password-stdin [server]`: the password goes through stdin, never argv. */
  login(server: string | undefined, username: string, password: string): Promise<void>
  /** The same docker with extra environment for every call (e.g. DOCKER_CONFIG for a step-private login). */
  withEnv(env: Record<string, string>): Docker
  /**
   * `docker buildx inspect [name]`: the builder and its driver; undefined when buildx is not installed. Throws an
   * ActionError when the named builder (or BUILDX_BUILDER's) does not exist.
   */
  buildxInspect(name?: string, source?: string): Promise<BuildxBuilderInfo | undefined>
  /** `docker buildx version` as printed, for messages about what buildx printed. */
  buildxVersion(): Promise<string>
  /**
   * `docker <argv>` for buildx, its log streamed into a group titled `title`, with `env` added for this call only
   * (secrets travel there). The printed command line shows `redact` values as ***.
   */
  buildx(argv: string[], o: { env: Record<string, string>; title: string; redact?: string[]; onStarted?: () => void }): Promise<{ exitCode: number; output: string }>
}

/** The argv for `docker build` (without the leading "docker"). */
export function buildArgv(request: BuildRequest, iidFile: string): string[] {
  return ['build', ...fileFlag(request), '--iidfile', iidFile, ...requestFlags(request), request.context]
}

/** `--file <path>`, unless the Dockerfile is left to the builder (a remote context's own). */
export function fileFlag(request: Pick<BuildRequest, 'file'>): string[] {
  return request.file ? ['--file', request.file] : []
}

/** The flags both `docker build` and `docker buildx build` take for a BuildRequest: tags, labels, args, target … */
export function requestFlags(request: BuildRequest): string[] {
  const argv: string[] = []
  for (const tag of request.tags) argv.push('--tag', tag)
  for (const [key, value] of Object.entries(request.labels)) argv.push('--label', `${key}=${value}`)
  for (const arg of request.buildArgs) argv.push('--build-arg', arg)
  if (request.target) argv.push('--target', request.target)
  if (request.pull) argv.push('--pull')
  if (request.noCache) argv.push('--no-cache')
  if (request.platforms?.length) argv.push('--platform', request.platforms.join(','))
  for (const host of request.addHosts ?? []) argv.push('--add-host', host)
  if (request.network) argv.push('--network', request.network)
  if (request.shmSize) argv.push('--shm-size', request.shmSize)
  for (const u of request.ulimits ?? []) argv.push('--ulimit', u)
  if (request.cgroupParent) argv.push('--cgroup-parent', request.cgroupParent)
  return argv
}

/** The command line as printed in the log: every `redact` value replaced by ***. */
export function printableCommand(binary: string, argv: string[], redact: string[] = []): string {
  const hide = redact.filter((r) => r.length > 0)
  return [binary, ...argv]
    .map((a) => hide.reduce((s, r) => s.split(r).join('***'), a))
    .join(' ')
}

const NO_BUILDX = /unknown command|is not a docker command|unrecognized command|unknown flag: --builder|not a docker command/i

function lastLines(text: string, n = 8): string {
  return text.trim().split(/\r?\n/).slice(-n).join('\n')
}

/** Classifies a failed `docker push` from what docker printed. */
export function pushFailure(ref: string, exitCode: number, output: string): ActionError {
  const detail = lastLines(output)
  const host = ref.split('/')[0]
  if (/denied|unauthorized|authentication required|forbidden|no basic auth credentials/i.test(output)) {
    return new ActionError(
      `docker push ${ref} was refused by the registry (not logged in, or no write access):\n${detail}`,
      `log in to ${host} before this step (docker/login-action, or the 'username'/'password' inputs) with credentials that may push to this repository`
    )
  }
  if (/connection refused|no such host|i\/o timeout|dial tcp|server misbehaving|TLS handshake|http: server gave HTTP response/i.test(output)) {
    return new ActionError(
      `docker push ${ref} could not reach the registry:\n${detail}`,
      `check that the registry host in 'image' is right and reachable from the runner`
    )
  }
  return new ActionError(`docker push ${ref} failed with exit code ${exitCode}:\n${detail}`, 'see the push log above')
}

function notInstalled(error: unknown): ActionError {
  return new ActionError(
    `the docker CLI could not be run: ${error instanceof Error ? error.message : String(error)}`,
    'install Docker on the runner (GitHub-hosted Ubuntu runners have it) or use a runner image with docker on PATH',
    { cause: error }
  )
}

export class DockerCli implements Docker {
  constructor(
    private readonly binary = 'docker',
    private readonly tempRoot = os.tmpdir(),
    private readonly env?: Record<string, string>
  ) {}

  withEnv(env: Record<string, string>): Docker {
    return new DockerCli(this.binary, this.tempRoot, { ...this.env, ...env })
  }

  private plugin: { binary: string } | undefined

  /**
   * `docker buildx <args>` as [binary, argv]: the buildx plugin run directly when it is where docker looks for it
   * (one process fewer per call), else through docker. Only when this docker is the `docker` on PATH: a custom
   * binary (a wrapper, podman) decides for itself what `buildx` means.
   */
  private buildxCommand(argv: string[]): [string, string[]] {
    if (this.binary !== 'docker' || argv[0] !== 'buildx') return [this.binary, argv]
    const plugin = this.buildxPlugin()
    return plugin ? [plugin, argv.slice(1)] : [this.binary, argv]
  }

  private buildxPlugin(): string | undefined {
    this.plugin ??= { binary: findBuildxPlugin({ ...process.env, ...this.env }) ?? '' }
    return this.plugin.binary || undefined
  }

  /**
   * Whether buildx is surely absent: this is the `docker` on PATH and no docker-buildx is where the docker CLI looks
   * for plugins (findBuildxPlugin knows docker's plugin dirs on Linux), so `docker buildx` could only answer
   * that it is not a docker command: the legacy builder is chosen without starting a docker process to hear that.
   */
  private buildxAbsent(): boolean {
    return this.binary === 'docker' && process.platform === 'linux' && this.buildxPlugin() === undefined
  }

  private async run(argv: string[], silent: boolean, input?: Buffer, extraEnv?: Record<string, string>): Promise<exec.ExecOutput> {
    const merged = this.env || extraEnv ? { ...this.env, ...extraEnv } : undefined
    const env = merged && ({ ...process.env, ...merged } as Record<string, string>)
    const [binary, args] = this.buildxCommand(argv)
    try {
      return await exec.getExecOutput(binary, args, { ignoreReturnCode: true, silent, ...(env && { env }), ...(input && { input }) })
    } catch (error) {
      throw notInstalled(error)
    }
  }

  /** A command whose output goes to the log as it comes, with our own command line (values in `redact` hidden). */
  private async runLogged(argv: string[], redact: string[] | undefined, extraEnv?: Record<string, string>, onStarted?: () => void): Promise<exec.ExecOutput> {
    const [binary, args] = this.buildxCommand(argv)
    core.info(`[command]${printableCommand(binary, args, redact)}`)
    const merged = { ...this.env, ...extraEnv }
    const env = { ...process.env, ...merged } as Record<string, string>
    let started = onStarted
    const show = (d: Buffer): void => {
      started?.()
      started = undefined
      process.stdout.write(d)
    }
    try {
      return await exec.getExecOutput(binary, args, { ignoreReturnCode: true, silent: true, env, listeners: { stdout: show, stderr: show } })
    } catch (error) {
      throw notInstalled(error)
    }
  }

  /** `source` says where `name` came from, for the error (e.g. "BUILDX_BUILDER names 'x'"). */
  async buildxInspect(name?: string, source?: string): Promise<BuildxBuilderInfo | undefined> {
    if (this.buildxAbsent()) return undefined
    const out = await this.run(['buildx', 'inspect', ...(name ? [name] : [])], true)
    const text = `${out.stderr}\n${out.stdout}`
    if (out.exitCode !== 0) {
      if (NO_BUILDX.test(text)) return undefined
      const which = source ?? (name ? `builder '${name}'` : 'the current buildx builder')
      if (/no builder .*found|not found/i.test(text)) {
        throw new ActionError(
          `buildx builder not found: ${which}, which docker buildx does not know (${lastLines(text, 2)})`,
          'create it in an earlier step (docker/setup-buildx-action, or docker buildx create) with the same DOCKER_CONFIG, or fix the name'
        )
      }
      throw new ActionError(
        `docker buildx inspect failed for ${which}: ${lastLines(text, 3)}`,
        'check that the builder is running (docker buildx inspect --bootstrap), or recreate it with docker/setup-buildx-action'
      )
    }
    const info = parseBuildxInspect(out.stdout)
    if (!info) {
      throw new ActionError(
        `docker buildx inspect (${await this.buildxVersion()}) printed no 'Name:' and 'Driver:' lines, which this action reads to learn the builder's driver:\n${lastLines(out.stdout, 5)}`,
        'use a buildx this action is tested with (docs/support.md), e.g. the one docker/setup-buildx-action installs'
      )
    }
    return info
  }

  /** `docker buildx version` as printed (`github.com/docker/buildx v0.38.2 …`), for messages about what it printed. */
  async buildxVersion(): Promise<string> {
    const out = await this.run(['buildx', 'version'], true)
    return out.exitCode === 0 ? out.stdout.trim().split('\n')[0]?.trim() || 'buildx of unknown version' : 'buildx of unknown version'
  }

  async buildx(argv: string[], o: { env: Record<string, string>; title: string; redact?: string[]; onStarted?: () => void }): Promise<{ exitCode: number; output: string }> {
    const out = await core.group(o.title, () => this.runLogged(argv, o.redact, o.env, o.onStarted))
    return { exitCode: out.exitCode, output: `${out.stdout}\n${out.stderr}` }
  }

  async serverVersion(): Promise<string> {
    const out = await this.run(['version', '--format', '{{.Server.Version}}'], true)
    const version = out.stdout.trim()
    if (out.exitCode !== 0 || !version) {
      throw new ActionError(
        `the Docker daemon is not reachable: ${lastLines(out.stderr || out.stdout, 3)}`,
        'start the Docker daemon (or set DOCKER_HOST) before this step'
      )
    }
    return version
  }

  async imageStore(): Promise<ImageStore | undefined> {
    const out = await this.run(['info', '--format', '{{json .DriverStatus}}'], true)
    return out.exitCode === 0 ? parseImageStore(out.stdout.trim()) : undefined
  }

  async build(request: BuildRequest): Promise<{ imageId: string }> {
    const dir = await mkdtemp(path.join(this.tempRoot, 'docker-build-'))
    const iidFile = path.join(dir, 'iid')
    try {
      const out = await core.group('docker build', () => this.runLogged(buildArgv(request, iidFile), request.redact, undefined, request.onStarted))
      if (out.exitCode !== 0) {
        throw new ActionError(
          `docker build failed with exit code ${out.exitCode}:\n${lastLines(out.stderr || out.stdout)}`,
          "fix the Dockerfile or build context; the full build log is in the 'docker build' group above"
        )
      }
      const imageId = (await readFile(iidFile, 'utf8')).trim()
      if (!isSha256Digest(imageId)) {
        throw new ActionError(`docker build did not write an image ID (got '${imageId}')`, 'check the docker version')
      }
      return { imageId }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async push({ ref, tag }: PushTarget): Promise<PushResult> {
    const out = await core.group(`docker push ${ref}`, () => this.run(['push', ref], false))
    if (out.exitCode !== 0) throw pushFailure(ref, out.exitCode, `${out.stdout}\n${out.stderr}`)
    return { ref, tag, ...parsePushDigest(out.stdout, tag) }
  }

  async login(server: string | undefined, username: string, password: string): Promise<void> {
    const argv = ['login', '--username', username, '--password-stdin', ...(server ? [server] : [])]
    const out = await this.run(argv, true, Buffer.from(password, 'utf8'))
    if (out.exitCode !== 0) {
      throw new ActionError(
        `docker login to ${server ?? 'Docker Hub'} as '${username}' failed: ${lastLines(out.stderr || out.stdout, 3)}`,
        "check the 'username' and 'password' inputs (for GHCR: a token with read:packages/write:packages)"
      )
    }
  }
}
