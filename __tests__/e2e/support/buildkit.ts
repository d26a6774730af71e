/**
 * buildx and BuildKit for e2e tests: the pinned tools, standalone buildkitd daemons, remote builders, test-private
 * docker configs, and a jest helper that runs a test body on the builders a GitHub runner can meet:
 *   legacy        – no buildx in the config, DOCKER_BUILDKIT=0 (podman-docker, old engines);
 *   buildx-docker – buildx with its default `docker` driver (a runner without setup-buildx-action);
 *   buildx-remote – buildx `remote` driver on a host buildkitd (the stand-in for setup-buildx-action's container);
 * each buildx kind on two toolchains (`today`: what runners and setup-buildx-action bring; `old`: buildx ≤ 0.13 that
 * self-hosted runners still run). The binaries are the project's own builds from scripts/tools.versions, made by
 * scripts/ensure-tools.sh into .cache/tools (on demand here when missing). buildx is only ever installed into temp
 * DOCKER_CONFIG dirs, so everything else (the legacy tests) keeps seeing a docker without buildx.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeDockerConfig } from './docker-config'
import { freePort, makeTempDir, removeDir, run, runOk, spawnWatched, stopChild, StopWaiting, waitFor, type RunResult } from './proc'
import { toolBin, toolUnavailable, toolVersion } from './tools'

/** The builder every fresh docker config has: buildx's `docker` driver on the engine. */
export const DOCKER_DRIVER_BUILDER = 'default'

export type BuilderKind = 'legacy' | 'buildx-docker' | 'buildx-remote'
export const BUILDER_KINDS: readonly BuilderKind[] = ['legacy', 'buildx-docker', 'buildx-remote']

/** Which buildx + BuildKit pair (scripts/tools.versions: `buildx`/`buildkit` and `buildx-old`/`buildkit-old`). */
export type Toolchain = 'today' | 'old'
export const TOOLCHAINS: readonly Toolchain[] = ['today', 'old']
const buildxTool = (t: Toolchain): string => (t === 'today' ? 'buildx' : 'buildx-old')
const buildkitTool = (t: Toolchain): string => (t === 'today' ? 'buildkit' : 'buildkit-old')

/** `buildx v0.38.2 + BuildKit v0.34.2` */
export function toolchainLabel(t: Toolchain): string {
  return `buildx ${toolVersion(buildxTool(t))} + BuildKit ${toolVersion(buildkitTool(t))}`
}

const requireE2E = (): boolean => process.env.REQUIRE_E2E === '1'

/** The environment for docker/buildx commands of the support: the caller's, minus anything choosing a builder or config. */
function cleanEnv(configDir: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'DOCKER_CONFIG' || k === 'DOCKER_BUILDKIT' || k.startsWith('BUILDX_')) continue
    env[k] = v
  }
  if (configDir !== undefined) env.DOCKER_CONFIG = configDir
  return { ...env, ...extra }
}

/** Why `kind` on `toolchain` cannot run here (undefined: it can). Decided synchronously, at collection. */
export function builderUnavailable(kind: BuilderKind, toolchain: Toolchain = 'today'): string | undefined {
  if (kind === 'legacy') return undefined
  const bx = toolUnavailable(buildxTool(toolchain))
  if (bx) return bx
  if (kind === 'buildx-remote') {
    if (process.getuid?.() !== 0) return 'buildkitd with the OCI worker needs root'
    const bk = toolUnavailable(buildkitTool(toolchain))
    if (bk) return bk
    if (spawnSync('runc', ['--version'], { timeout: 10_000 }).status !== 0) return 'no runc on PATH (scripts/ensure-tools.sh installs Debian runc)'
  }
  return undefined
}

/**
 * Makes `DOCKER_CONFIG=configDir docker buildx …` use the pinned buildx of `toolchain` (creating the dir and an empty
 * config.json when missing): the binary is linked into the config's cli-plugins.
 */
export async function installBuildx(configDir: string, toolchain: Toolchain = 'today'): Promise<void> {
  const bin = await toolBin(buildxTool(toolchain))
  await mkdir(join(configDir, 'cli-plugins'), { recursive: true })
  if (!existsSync(join(configDir, 'config.json'))) writeDockerConfig(configDir, {})
  const plugin = join(configDir, 'cli-plugins', 'docker-buildx')
  if (!existsSync(plugin)) await symlink(join(bin, 'docker-buildx'), plugin)
}

/** `docker buildx <args>` with DOCKER_CONFIG=configDir (and nothing else choosing a builder); rejects unless exit 0. */
export function buildx(configDir: string, args: readonly string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
  return runOk('docker', ['buildx', ...args], { env: cleanEnv(configDir, opts.env), timeoutMs: opts.timeoutMs ?? 120_000 })
}

/** `docker buildx version` as printed (e.g. `github.com/docker/buildx v0.10.4 c513d34…`). */
export async function buildxVersion(configDir: string): Promise<string> {
  return (await buildx(configDir, ['version'], { timeoutMs: 30_000 })).stdout.trim()
}

/** Driver of a builder from `docker buildx inspect` (`docker`, `remote`, `docker-container` …). */
export async function builderDriver(configDir: string, builder: string): Promise<string> {
  const { stdout } = await buildx(configDir, ['inspect', builder], { timeoutMs: 60_000 })
  const driver = /^Driver:\s*(\S+)/m.exec(stdout)?.[1]
  if (!driver) throw new Error(`docker buildx inspect ${builder} printed no driver:\n${stdout}`)
  return driver
}

/** The name of the builder a fresh config uses (the `docker` driver on the engine); checks that it is that one. */
export async function dockerDriverBuilder(configDir: string): Promise<string> {
  const driver = await builderDriver(configDir, DOCKER_DRIVER_BUILDER)
  if (driver !== 'docker') throw new Error(`builder ${DOCKER_DRIVER_BUILDER} in ${configDir} has driver ${driver}, expected docker`)
  return DOCKER_DRIVER_BUILDER
}

/** `docker buildx create --name <name> --driver remote <addr>` in configDir (not made current); returns the name. */
export async function createRemoteBuilder(configDir: string, name: string, addr: string): Promise<string> {
  await buildx(configDir, ['create', '--name', name, '--driver', 'remote', addr], { timeoutMs: 60_000 })
  return name
}

// ---------------------------------------------------------------- buildkitd

export interface Buildkitd {
  /** 'tcp://127.0.0.1:PORT' */
  addr: string
  /** its --root (fresh per daemon: an empty build cache) */
  stateDir: string
  /** the tail (64 KiB) of its log */
  logs(): string
  /** stops it (SIGTERM, then SIGKILL) and removes its state */
  stop(): Promise<void>
}

/**
 * Starts a standalone root buildkitd (OCI worker, runc) on a free loopback port with its own fresh state dir, tethered
 * to this process (it exits when the test process dies), and waits until it answers. Loopback registries are reached
 * over plain http without configuration.
 */
export async function startBuildkitd(toolchain: Toolchain = 'today'): Promise<Buildkitd> {
  const bin = await toolBin(buildkitTool(toolchain))
  const buildkitd = join(bin, 'buildkitd')
  const buildctl = join(bin, 'buildctl')
  const stateDir = await makeTempDir('buildkitd')
  for (let attempt = 1; ; attempt++) {
    const addr = `tcp://127.0.0.1:${await freePort()}`
    const server = spawnWatched(buildkitd, ['--addr', addr, '--root', join(stateDir, 'root'), '--oci-worker=true', '--containerd-worker=false'])
    const { child } = server
    try {
      await waitFor(
        `buildkitd at ${addr} to answer`,
        async () => {
          const exited = server.exited()
          if (exited) throw new StopWaiting(`buildkitd ${exited}`)
          const r = await run(buildctl, ['--addr', addr, 'debug', 'workers'], { timeoutMs: 10_000 })
          return r.code === 0 ? true : undefined
        },
        { timeoutMs: 30_000, intervalMs: 100 }
      )
    } catch (err) {
      await stopChild(child, 5000)
      if (attempt < 4 && /address already in use/i.test(server.log())) continue
      await removeDir(stateDir).catch(() => undefined)
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nbuildkitd log:\n${server.log()}`, { cause: err })
    }
    let stopped = false
    return {
      addr,
      stateDir,
      logs: server.log,
      async stop() {
        if (stopped) return
        stopped = true
        await stopChild(child, 10_000)
        await removeDir(stateDir).catch(() => undefined)
      }
    }
  }
}

/** `docker buildx du` total of a builder, in bytes (0 for a fresh buildkitd). */
export async function builderCacheBytes(configDir: string, builder: string): Promise<number> {
  const { stdout } = await buildx(configDir, ['du', '--builder', builder], { timeoutMs: 60_000 })
  const m = /^Total:\s*([\d.]+)\s*([kKMGT]?i?B)$/m.exec(stdout)
  if (!m) throw new Error(`docker buildx du printed no total:\n${stdout}`)
  const scale: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 2 ** 20, GB: 1e9, GiB: 2 ** 30, TB: 1e12, TiB: 2 ** 40 }
  return Number(m[1]) * (scale[m[2] ?? 'B'] ?? NaN)
}

// ---------------------------------------------------------------- the three builders

export interface TestBuilder {
  kind: BuilderKind
  /** the buildx + BuildKit pair (legacy: 'today', meaningless) */
  toolchain: Toolchain
  /** a docker config of its own: log in to registries here (legacy: no buildx in it) */
  configDir: string
  /** the buildx builder name ('default' for the docker driver), undefined for legacy */
  builder?: string
  /** its driver as `docker buildx inspect` reports it (undefined for legacy) */
  driver?: string
  /** the daemon behind the remote builder (shared by the test file, one per toolchain) */
  buildkitd?: Buildkitd
  /**
   * The environment for the action (runAction's env) and for docker commands: DOCKER_CONFIG always; legacy adds
   * DOCKER_BUILDKIT=0; remote adds BUILDX_BUILDER (as setup-buildx-action advises); the docker driver needs nothing
   * else: it is the config's current builder, as on a runner without setup-buildx-action.
   */
  env: Record<string, string>
  /** removes the config dir (the shared buildkitd is stopped after the file's tests) */
  cleanup(): Promise<void>
}

const sharedDaemons = new Map<Toolchain, Promise<Buildkitd>>()

/** The test file's buildkitd of `toolchain` (started on first use, stopped after the file's tests by describeOnBuilders' afterAll). */
export function sharedBuildkitd(toolchain: Toolchain = 'today'): Promise<Buildkitd> {
  let d = sharedDaemons.get(toolchain)
  if (!d) {
    d = startBuildkitd(toolchain)
    sharedDaemons.set(toolchain, d)
  }
  return d
}

/** Stops the test file's buildkitds if any were started (a later sharedBuildkitd() starts a new one). */
export async function stopSharedBuildkitd(): Promise<void> {
  const all = [...sharedDaemons.values()]
  sharedDaemons.clear()
  await Promise.all(all.map(async (d) => (await d.catch(() => undefined))?.stop()))
}

/** Sets up one builder with a fresh docker config of its own (the remote one on the file's shared buildkitd). */
export async function makeTestBuilder(kind: BuilderKind, toolchain: Toolchain = 'today'): Promise<TestBuilder> {
  const configDir = await makeTempDir(`docker-config-${kind}`)
  const cleanup = (): Promise<void> => removeDir(configDir)
  try {
    if (kind === 'legacy') {
      writeDockerConfig(configDir, {})
      return { kind, toolchain, configDir, env: { DOCKER_CONFIG: configDir, DOCKER_BUILDKIT: '0' }, cleanup }
    }
    await installBuildx(configDir, toolchain)
    if (kind === 'buildx-docker') {
      const builder = await dockerDriverBuilder(configDir)
      return { kind, toolchain, configDir, builder, driver: 'docker', env: { DOCKER_CONFIG: configDir }, cleanup }
    }
    const buildkitd = await sharedBuildkitd(toolchain)
    const builder = await createRemoteBuilder(configDir, `e2e-remote-${randomBytes(3).toString('hex')}`, buildkitd.addr)
    const driver = await builderDriver(configDir, builder)
    return { kind, toolchain, configDir, builder, driver, buildkitd, env: { DOCKER_CONFIG: configDir, BUILDX_BUILDER: builder }, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}

const skipNoted = new Set<string>()
/** One line per reason and test file, written straight to stderr (jest's console would add a stack trace). */
function noteSkip(reason: string): void {
  if (skipNoted.has(reason)) return
  skipNoted.add(reason)
  process.stderr.write(`[e2e] buildx/BuildKit cases skipped: ${reason} (REQUIRE_E2E=1 makes this a failure)\n`)
}

/**
 * Declares a jest block for a case that needs `kind` on `toolchain`: the body when it can run here; else a skip with
 * one printed line saying why, or with REQUIRE_E2E=1 a failing test naming what is missing. Every test that needs a
 * builder the machine may lack is gated through here, so they all skip (or fail) the same way.
 */
export function describeWithBuilder(name: string, kind: BuilderKind, toolchain: Toolchain, body: () => void): void {
  const missing = builderUnavailable(kind, toolchain)
  if (missing === undefined) {
    describe(name, body)
  } else if (requireE2E()) {
    describe(name, () => {
      test('has its builder (REQUIRE_E2E=1)', () => {
        throw new Error(`REQUIRE_E2E=1 but the ${kind} builder (${toolchainLabel(toolchain)}) cannot run here: ${missing}. Run scripts/ensure-tools.sh.`)
      })
    })
  } else {
    noteSkip(missing)
    describe.skip(name, body)
  }
}

/** Which toolchains the buildx kinds run on: both, unless E2E_TOOLCHAINS (comma-separated) narrows it. */
function selectedToolchains(): readonly Toolchain[] {
  const want = (process.env.E2E_TOOLCHAINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  return want.length ? TOOLCHAINS.filter((t) => want.includes(t)) : TOOLCHAINS
}

/**
 * Declares `describe('<title> [<kind>]')` once per builder kind (buildx kinds once per toolchain: `[buildx-remote]` on
 * today's pair, `[buildx-remote, old]` on the older one), each with its own TestBuilder set up in beforeAll (get it
 * with the `builder()` argument inside hooks and tests). Missing tools: see describeWithBuilder.
 */
export function describeOnBuilders(
  title: string,
  body: (builder: () => TestBuilder, kind: BuilderKind, toolchain: Toolchain) => void,
  kinds: readonly BuilderKind[] = BUILDER_KINDS,
  toolchains: readonly Toolchain[] = selectedToolchains()
): void {
  // in the enclosing block (the file, or a describe this is nested in): stopping twice is harmless, and a later block
  // starts a fresh daemon, so no buildkitd outlives the tests that used it
  if (kinds.includes('buildx-remote')) afterAll(stopSharedBuildkitd, 30_000)
  for (const kind of kinds) {
    for (const toolchain of kind === 'legacy' ? (['today'] as const) : toolchains) {
      const name = `${title} [${kind}${toolchain === 'today' ? '' : `, ${toolchain}`}]`
      const notSetUp = (): TestBuilder => {
        throw new Error(`${name}: the builder was not set up (its beforeAll failed or this runs outside a test)`)
      }
      describeWithBuilder(name, kind, toolchain, () => {
        let b: TestBuilder | undefined
        beforeAll(async () => {
          b = await makeTestBuilder(kind, toolchain)
        }, 900_000)
        afterAll(async () => {
          await b?.cleanup()
        })
        body(() => b ?? notSetUp(), kind, toolchain)
      })
    }
  }
}

// ---------------------------------------------------------------- builds, fixtures, inspection

export interface BuildxBuildOptions {
  configDir: string
  /** --builder (default: the config's current builder) */
  builder?: string
  context: string
  file?: string
  tags?: string[]
  platforms?: string[]
  push?: boolean
  load?: boolean
  /** --provenance=true|false; undefined leaves buildx's default (on for registry pushes since 0.10, where supported) */
  provenance?: boolean
  buildArgs?: Record<string, string>
  labels?: Record<string, string>
  cacheFrom?: string[]
  cacheTo?: string[]
  /** further arguments placed before the context */
  args?: string[]
  timeoutMs?: number
}

export interface BuildxBuildResult extends RunResult {
  /** what --metadata-file held ({} when buildx wrote nothing) */
  metadata: Record<string, unknown>
  /** metadata['containerimage.digest'] when present */
  digest?: string
}

/** `docker buildx build --progress plain --metadata-file …` (argv array); rejects with the output unless exit 0. */
export async function buildxBuild(o: BuildxBuildOptions): Promise<BuildxBuildResult> {
  const dir = await makeTempDir('buildx-build')
  try {
    const metadataFile = join(dir, 'metadata.json')
    const kv = (flag: string, m: Record<string, string> = {}): string[] => Object.entries(m).flatMap(([k, v]) => [flag, `${k}=${v}`])
    const args = [
      'build',
      '--progress',
      'plain',
      '--metadata-file',
      metadataFile,
      ...(o.builder ? ['--builder', o.builder] : []),
      ...(o.file ? ['--file', o.file] : []),
      ...(o.tags ?? []).flatMap((t) => ['--tag', t]),
      ...(o.platforms?.length ? ['--platform', o.platforms.join(',')] : []),
      ...(o.push ? ['--push'] : []),
      ...(o.load ? ['--load'] : []),
      ...(o.provenance === undefined ? [] : [`--provenance=${o.provenance}`]),
      ...kv('--build-arg', o.buildArgs),
      ...kv('--label', o.labels),
      ...(o.cacheFrom ?? []).flatMap((c) => ['--cache-from', c]),
      ...(o.cacheTo ?? []).flatMap((c) => ['--cache-to', c]),
      ...(o.args ?? []),
      o.context
    ]
    const r = await buildx(o.configDir, args, { timeoutMs: o.timeoutMs ?? 300_000 })
    const text = await readFile(metadataFile, 'utf8').catch(() => '')
    const metadata = (text.trim() ? JSON.parse(text) : {}) as Record<string, unknown>
    const digest = typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : undefined
    return { ...r, metadata, ...(digest ? { digest } : {}) }
  } finally {
    await removeDir(dir)
  }
}

/**
 * The steps a BuildKit `--progress plain` log reports as CACHED, as their titles (e.g. `[2/3] RUN sleep 2`). Works on
 * buildx's own output and on an action log that carries it.
 */
export function cachedSteps(log: string): string[] {
  const titles = new Map<string, string>()
  const cached: string[] = []
  for (const line of log.split('\n')) {
    const m = /#(\d+) (.*)$/.exec(line)
    if (!m?.[1] || m[2] === undefined) continue
    const text = m[2].trim()
    if (text === 'CACHED') cached.push(titles.get(m[1]) ?? `#${m[1]}`)
    else if (text.startsWith('[') && !titles.has(m[1])) titles.set(m[1], text)
  }
  return cached
}

/** `FROM scratch` + `COPY hello.txt` (needs no emulation on any platform). */
export const SCRATCH_COPY_DOCKERFILE = 'FROM scratch\nCOPY hello.txt /hello.txt\n'

/**
 * Pushes a multi-platform image (default linux/amd64 + linux/arm64) of a fresh `FROM scratch` + `COPY` context through
 * a buildx builder (normally the remote one: the docker driver on dockerd 20.10 cannot build several platforms),
 * with provenance attestations on or off. Returns the digest buildx reports (an index) and its metadata.
 */
export async function pushMultiPlatform(o: {
  configDir: string
  builder: string
  /** full references, e.g. `${reg.host}/repo:tag` */
  tags: string[]
  platforms?: string[]
  provenance: boolean
  labels?: Record<string, string>
  /** hello.txt's content (default: unique) */
  content?: string
}): Promise<BuildxBuildResult & { digest: string }> {
  const context = await makeTempDir('multi-platform-context')
  try {
    await writeFile(join(context, 'Dockerfile'), SCRATCH_COPY_DOCKERFILE)
    await writeFile(join(context, 'hello.txt'), o.content ?? `multi-platform fixture ${randomBytes(8).toString('hex')}\n`)
    const r = await buildxBuild({
      configDir: o.configDir,
      builder: o.builder,
      context,
      tags: o.tags,
      platforms: o.platforms ?? ['linux/amd64', 'linux/arm64'],
      push: true,
      provenance: o.provenance,
      ...(o.labels ? { labels: o.labels } : {})
    })
    if (!r.digest) throw new Error(`buildx pushed ${o.tags.join(', ')} but wrote no containerimage.digest:\n${JSON.stringify(r.metadata)}`)
    return { ...r, digest: r.digest }
  } finally {
    await removeDir(context)
  }
}

/** Path of a statically linked busybox (Debian busybox-static, installed by scripts/ensure-env.sh). */
export function staticBusybox(): string {
  for (const path of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(path) && isStaticElf(path)) return path
  }
  throw new Error('no statically linked busybox at /bin/busybox or /usr/bin/busybox: apt-get install busybox-static (scripts/ensure-env.sh does)')
}

/** An ELF executable without a PT_INTERP program header needs no dynamic loader, so it runs in a FROM scratch image. */
function isStaticElf(path: string): boolean {
  const b = readFileSync(path)
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false // 64-bit ELF only
  const phoff = Number(b.readBigUInt64LE(0x20))
  const phentsize = b.readUInt16LE(0x36)
  const phnum = b.readUInt16LE(0x38)
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false
  return true
}

/**
 * Writes a build context for `RUN` steps on linux/amd64 without any base image: the static busybox copied in as
 * /busybox and made the SHELL, so shell-form RUN lines work (busybox runs its own applets, no PATH needed), e.g.
 * `RUN sleep 2` or `RUN --mount=type=secret,id=token test "$(cat /run/secrets/token)" = expected`.
 * `args` become ARG lines before the steps (a changing build-arg gives a fresh layer). Returns the Dockerfile text.
 */
export async function writeBusyboxContext(
  dir: string,
  o: { run: string[]; args?: string[]; files?: Record<string, string>; syntax?: string }
): Promise<string> {
  await mkdir(dir, { recursive: true })
  await copyFile(staticBusybox(), join(dir, 'busybox'))
  for (const [rel, content] of Object.entries(o.files ?? {})) {
    await mkdir(dirname(join(dir, rel)), { recursive: true })
    await writeFile(join(dir, rel), content)
  }
  const dockerfile = [
    ...(o.syntax ? [`# syntax=${o.syntax}`] : []),
    'FROM scratch',
    'COPY busybox /busybox',
    'SHELL ["/busybox", "sh", "-c"]',
    ...(o.args ?? []).map((a) => `ARG ${a}`),
    ...o.run.map((step) => `RUN ${step}`),
    ''
  ].join('\n')
  await writeFile(join(dir, 'Dockerfile'), dockerfile)
  return dockerfile
}

export interface ImagetoolsManifest {
  /** `repo@sha256:…` as printed */
  name: string
  digest: string
  mediaType: string
  /** `linux/amd64`, `unknown/unknown` for an attestation manifest */
  platform: string
  annotations: Record<string, string>
}

export interface ImagetoolsView {
  /** `imagetools inspect --raw` output: the manifest or index as the registry holds it */
  raw: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
  /** the formatted view (`imagetools inspect` without flags) */
  text: string
  /** its Digest: line */
  digest: string
  mediaType: string
  /** its Manifests: entries (empty for a single manifest) */
  manifests: ImagetoolsManifest[]
}

/** `docker buildx imagetools inspect --raw <ref>` and the formatted view, with DOCKER_CONFIG=configDir (credentials). */
export async function imagetoolsInspect(ref: string, configDir: string): Promise<ImagetoolsView> {
  const [raw, formatted] = await Promise.all([
    buildx(configDir, ['imagetools', 'inspect', '--raw', ref], { timeoutMs: 60_000 }),
    buildx(configDir, ['imagetools', 'inspect', ref], { timeoutMs: 60_000 })
  ])
  const text = formatted.stdout
  const field = (name: string, block: string): string => new RegExp(`^\\s*${name}:[ \\t]*(\\S.*)$`, 'm').exec(block)?.[1]?.trim() ?? ''
  const manifestsAt = text.search(/^Manifests:/m)
  const manifests: ImagetoolsManifest[] = []
  if (manifestsAt >= 0) {
    for (const block of text.slice(manifestsAt).split(/^\s*Name:/m).slice(1)) {
      const name = (block.split('\n')[0] ?? '').trim()
      const annotations: Record<string, string> = {}
      const ann = /Annotations:\s*\n((?:[ \t]+\S+:[ \t]+.*\n?)*)/.exec(block)?.[1] ?? ''
      for (const m of ann.matchAll(/^[ \t]+(\S+):[ \t]+(.*)$/gm)) if (m[1] && m[2] !== undefined) annotations[m[1]] = m[2].trim()
      manifests.push({ name, digest: name.slice(name.indexOf('@') + 1), mediaType: field('MediaType', block), platform: field('Platform', block), annotations })
    }
  }
  return {
    raw: raw.stdout,
    json: JSON.parse(raw.stdout) as unknown,
    text,
    digest: field('Digest', text.slice(0, manifestsAt >= 0 ? manifestsAt : undefined)),
    mediaType: field('MediaType', text.slice(0, manifestsAt >= 0 ? manifestsAt : undefined)),
    manifests
  }
}
