/**
 * buildx and BuildKit for e2e tests: finding buildx, standalone buildkitd daemons, remote builders, test-private
 * docker configs, and a jest helper that runs a test body on the three builders a GitHub runner can meet:
 *   legacy        – no buildx in the config, DOCKER_BUILDKIT=0 (podman-docker, old engines);
 *   buildx-docker – buildx with its default `docker` driver (a runner without setup-buildx-action);
 *   buildx-remote – buildx `remote` driver on a host buildkitd (the stand-in for setup-buildx-action's container).
 * buildx comes from the machine when `docker buildx version` works, else from ../shared/tools/buildkit beside the
 * repository (unpacked by scripts/ensure-buildkit.sh into .cache/buildkit). It is only ever installed into temp
 * DOCKER_CONFIG dirs, so everything else (the legacy tests) keeps seeing a docker without buildx.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { writeDockerConfig } from './docker-config'
import { repoRoot } from './node24'
import { freePort, makeTempDir, removeDir, run, runOk, spawnWatched, stopChild, StopWaiting, waitFor, type RunResult } from './proc'

/** ../shared/tools/buildkit beside the repository (a worktree or a CI clone has ../shared next to it). */
export const BUILDKIT_TOOLS_DIR = resolve(repoRoot, '..', 'shared', 'tools', 'buildkit')
/** Where scripts/ensure-buildkit.sh unpacks docker-buildx, buildkitd and buildctl (bin/ inside). */
export const BUILDKIT_CACHE_DIR = join(repoRoot, '.cache', 'buildkit')
/** The builder every fresh docker config has: buildx's `docker` driver on the engine. */
export const DOCKER_DRIVER_BUILDER = 'default'

export type BuilderKind = 'legacy' | 'buildx-docker' | 'buildx-remote'
export const BUILDER_KINDS: readonly BuilderKind[] = ['legacy', 'buildx-docker', 'buildx-remote']

export type Availability = { ok: true; source: 'machine' | 'shared-tools' } | { ok: false; reason: string }

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

const firstLine = (s: string): string => s.trim().split('\n')[0] ?? ''

// ---------------------------------------------------------------- availability (synchronous: decides skips at collection)

let buildxAvail: Availability | undefined
let buildkitdAvail: Availability | undefined

/** Where buildx comes from, or why there is none. Cached per test file. */
export function buildxAvailability(): Availability {
  if (buildxAvail) return buildxAvail
  const own = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8', timeout: 30_000, env: cleanEnv(process.env.DOCKER_CONFIG) })
  if (own.status === 0) buildxAvail = { ok: true, source: 'machine' }
  else if (existsSync(join(BUILDKIT_TOOLS_DIR, 'setup.sh'))) buildxAvail = { ok: true, source: 'shared-tools' }
  else {
    buildxAvail = {
      ok: false,
      reason: `no buildx: \`docker buildx version\` fails here (${firstLine(own.stderr ?? '') || own.error?.message || `exit ${own.status}`}) and ${BUILDKIT_TOOLS_DIR} does not exist`
    }
  }
  return buildxAvail
}

/** Whether a standalone buildkitd can be started here, or why not. Cached per test file. */
export function buildkitdAvailability(): Availability {
  if (buildkitdAvail) return buildkitdAvail
  if (process.getuid?.() !== 0) buildkitdAvail = { ok: false, reason: 'buildkitd with the OCI worker needs root' }
  else if (existsSync(join(BUILDKIT_TOOLS_DIR, 'setup.sh'))) buildkitdAvail = { ok: true, source: 'shared-tools' }
  else if (onPath('buildkitd') && onPath('buildctl') && onPath('runc')) buildkitdAvail = { ok: true, source: 'machine' }
  else buildkitdAvail = { ok: false, reason: `no buildkitd: neither ${BUILDKIT_TOOLS_DIR} nor buildkitd, buildctl and runc on PATH` }
  return buildkitdAvail
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    try {
      accessSync(join(dir, cmd), constants.X_OK)
      return join(dir, cmd)
    } catch {
      /* not here */
    }
  }
  return undefined
}

/** Why `kind` cannot run here (undefined: it can). */
export function builderUnavailable(kind: BuilderKind): string | undefined {
  if (kind === 'legacy') return undefined
  const bx = buildxAvailability()
  if (!bx.ok) return bx.reason
  if (kind === 'buildx-remote') {
    const bk = buildkitdAvailability()
    if (!bk.ok) return bk.reason
  }
  return undefined
}

// ---------------------------------------------------------------- tools

let toolsReady: Promise<string> | undefined

/** Runs scripts/ensure-buildkit.sh once per test file (unless the binaries are there); resolves to the bin dir. */
export function ensureBuildkitTools(): Promise<string> {
  toolsReady ??= (async () => {
    const bin = join(BUILDKIT_CACHE_DIR, 'bin')
    const have = ['docker-buildx', 'buildkitd', 'buildctl'].every((b) => existsSync(join(bin, b)))
    if (!have || !onPath('runc')) await runOk('bash', [join(repoRoot, 'scripts', 'ensure-buildkit.sh')], { timeoutMs: 300_000 })
    return bin
  })()
  return toolsReady
}

/** The machine's own docker-buildx plugin binary (docker reports where it loaded it from). */
async function machinePluginPath(): Promise<string> {
  const r = await runOk('docker', ['info', '--format', '{{json .ClientInfo.Plugins}}'], { timeoutMs: 30_000, env: cleanEnv(process.env.DOCKER_CONFIG) })
  const plugins = JSON.parse(r.stdout.trim() || '[]') as Array<{ Name?: string; Path?: string }>
  const path = plugins.find((p) => p.Name === 'buildx')?.Path
  if (!path) throw new Error(`docker buildx version works but docker info lists no buildx plugin: ${r.stdout.trim()}`)
  return path
}

/**
 * Makes `DOCKER_CONFIG=configDir docker buildx …` work (creating the dir and an empty config.json when missing):
 * the machine's own plugin is linked in; else `setup.sh plugin` installs the one from ../shared/tools/buildkit.
 * Throws with the reason when there is no buildx at all.
 */
export async function installBuildx(configDir: string): Promise<void> {
  const avail = buildxAvailability()
  if (!avail.ok) throw new Error(avail.reason)
  await mkdir(join(configDir, 'cli-plugins'), { recursive: true })
  if (!existsSync(join(configDir, 'config.json'))) writeDockerConfig(configDir, {})
  if (avail.source === 'machine') {
    const plugin = join(configDir, 'cli-plugins', 'docker-buildx')
    if (!existsSync(plugin)) await symlink(await machinePluginPath(), plugin)
  } else {
    await ensureBuildkitTools()
    await runOk('bash', [join(BUILDKIT_TOOLS_DIR, 'setup.sh'), 'plugin', BUILDKIT_CACHE_DIR, configDir], { timeoutMs: 120_000 })
  }
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

async function buildkitBinaries(): Promise<{ buildkitd: string; buildctl: string }> {
  const avail = buildkitdAvailability()
  if (!avail.ok) throw new Error(avail.reason)
  if (avail.source === 'machine') return { buildkitd: onPath('buildkitd') ?? 'buildkitd', buildctl: onPath('buildctl') ?? 'buildctl' }
  const bin = await ensureBuildkitTools()
  return { buildkitd: join(bin, 'buildkitd'), buildctl: join(bin, 'buildctl') }
}

/**
 * Starts a standalone root buildkitd (OCI worker, runc) on a free loopback port with its own fresh state dir, tethered
 * to this process (it exits when the test process dies), and waits until it answers. Loopback registries are reached
 * over plain http without configuration.
 */
export async function startBuildkitd(): Promise<Buildkitd> {
  const { buildkitd, buildctl } = await buildkitBinaries()
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
  /** a docker config of its own: log in to registries here (legacy: no buildx in it) */
  configDir: string
  /** the buildx builder name ('default' for the docker driver), undefined for legacy */
  builder?: string
  /** its driver as `docker buildx inspect` reports it (undefined for legacy) */
  driver?: string
  /** the daemon behind the remote builder (shared by the test file) */
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

let sharedDaemon: Promise<Buildkitd> | undefined
let sharedStopRegistered = false

/** The test file's buildkitd (started on first use, stopped after the file's tests by describeOnBuilders' afterAll). */
export function sharedBuildkitd(): Promise<Buildkitd> {
  sharedDaemon ??= startBuildkitd()
  return sharedDaemon
}

/** Stops the test file's buildkitd if one was started (a later sharedBuildkitd() starts a new one). */
export async function stopSharedBuildkitd(): Promise<void> {
  const d = sharedDaemon
  sharedDaemon = undefined
  if (d) await (await d.catch(() => undefined))?.stop()
}

/** Sets up one builder with a fresh docker config of its own (the remote one on the file's shared buildkitd). */
export async function makeTestBuilder(kind: BuilderKind): Promise<TestBuilder> {
  const configDir = await makeTempDir(`docker-config-${kind}`)
  const cleanup = (): Promise<void> => removeDir(configDir)
  try {
    if (kind === 'legacy') {
      writeDockerConfig(configDir, {})
      return { kind, configDir, env: { DOCKER_CONFIG: configDir, DOCKER_BUILDKIT: '0' }, cleanup }
    }
    await installBuildx(configDir)
    if (kind === 'buildx-docker') {
      const builder = await dockerDriverBuilder(configDir)
      return { kind, configDir, builder, driver: 'docker', env: { DOCKER_CONFIG: configDir }, cleanup }
    }
    const buildkitd = await sharedBuildkitd()
    const builder = await createRemoteBuilder(configDir, `e2e-remote-${randomBytes(3).toString('hex')}`, buildkitd.addr)
    const driver = await builderDriver(configDir, builder)
    return { kind, configDir, builder, driver, buildkitd, env: { DOCKER_CONFIG: configDir, BUILDX_BUILDER: builder }, cleanup }
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
 * Declares `describe('<title> [<kind>]')` once per builder kind, each with its own TestBuilder set up in beforeAll
 * (get it with the `builder()` argument inside hooks and tests). When buildx or buildkitd is missing, those kinds are
 * skipped with one printed line saying why; with REQUIRE_E2E=1 they fail instead.
 */
export function describeOnBuilders(
  title: string,
  body: (builder: () => TestBuilder, kind: BuilderKind) => void,
  kinds: readonly BuilderKind[] = BUILDER_KINDS
): void {
  if (!sharedStopRegistered && kinds.includes('buildx-remote')) {
    sharedStopRegistered = true
    afterAll(stopSharedBuildkitd, 30_000)
  }
  for (const kind of kinds) {
    const name = `${title} [${kind}]`
    const missing = builderUnavailable(kind)
    const notSetUp = (): TestBuilder => {
      throw new Error(`${name}: the builder was not set up (its beforeAll failed or this runs outside a test)`)
    }
    if (missing !== undefined) {
      if (requireE2E()) {
        describe(name, () => {
          test('has its builder (REQUIRE_E2E=1)', () => {
            throw new Error(`REQUIRE_E2E=1 but the ${kind} builder cannot run here: ${missing}. Run scripts/ensure-buildkit.sh.`)
          })
        })
      } else {
        noteSkip(missing)
        describe.skip(name, () => body(notSetUp, kind))
      }
      continue
    }
    describe(name, () => {
      let b: TestBuilder | undefined
      beforeAll(async () => {
        b = await makeTestBuilder(kind)
      }, 300_000)
      afterAll(async () => {
        await b?.cleanup()
      })
      body(() => b ?? notSetUp(), kind)
    })
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
