/**
 * The builder seam: which tool builds, and what it says it built. `selectBuilder` finds it once per step:
 *   buildx present → `docker buildx build` on the builder named by the `builder` input, else BUILDX_BUILDER, else the
 *   current one; with push it pushes every tag itself (no `docker push`), without push the image is loaded into the
 *   engine (`--load`) where the driver can;
 *   no buildx (or DOCKER_BUILDKIT=0) → `docker build` + `docker push` (old engines, podman-docker).
 * Every builder reports a BuiltImage: the claims the registry read-back then verifies.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../action/errors'
import { isSha256Digest } from '../registry/digest'
import type { Docker, PushResult, PushTarget } from './cli'
import { buildxArgv, buildxFailure, callsNoBuild, secretEnv, type BuildxFiles } from './buildx'
import { buildxEngineImageId, type ImageStore } from './image-store'
import type { BuilderInfo, BuildSpec } from './spec'

/** What the builder says it built (claims: the registry read-back verifies them). */
export interface BuiltImage {
  builder: BuilderInfo
  /**
   * The engine's image ID when the image is in the docker engine (legacy, docker driver, --load): the config digest
   * on the classic image store, the manifest or index digest on the containerd image store (image-store.ts).
   */
  imageId?: string
  /** The engine's image store, asked when the image went into the engine (undefined: not asked, or it did not say). */
  imageStore?: ImageStore
  /** The digest the builder says it pushed: buildx's `containerimage.digest` (set once `push` has run on the legacy path). */
  claimedDigest?: string
  /** buildx's `containerimage.config.digest`, when it reports one (single-platform images without attestations). */
  claimedConfigDigest?: string
  /** true when the builder pushed every tag itself during the build (buildx); false when `docker push` has to. */
  pushedByBuilder: boolean
  /** The platforms requested (empty: the builder's own). */
  platforms: string[]
  /** buildx's --metadata-file as written (undefined on the legacy path). Holds build-arg values: never print it whole. */
  metadata?: Record<string, unknown>
  /** With `call` other than build (`check`, `outline`, …): what buildx printed, and no image was made. */
  called?: { method: string; output: string }
}

export interface Builder {
  readonly info: BuilderInfo
  /** The same builder driven through another docker (the step login's DOCKER_CONFIG). */
  using(docker: Docker): Builder
  build(spec: BuildSpec): Promise<BuiltImage>
  /**
   * Makes sure every target is in the registry: `docker push` per tag on the legacy path; nothing on buildx, whose
   * build pushed them (each target then carries the builder's claimed digest).
   */
  push(built: BuiltImage, targets: PushTarget[]): Promise<PushResult[]>
}

/** The platform this process runs on, as OCI names it (the legacy builder builds for its engine, which is this machine). */
export function hostPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const osName = platform === 'win32' ? 'windows' : platform
  const archName: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm/v7', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }
  return `${osName}/${archName[arch] ?? arch}`
}

/** The builder's own platform: the first it lists without a micro-architecture level (`linux/amd64`, not `/v2`). */
export function nativePlatform(info: BuilderInfo): string {
  const [first] = info.platforms
  if (!first) return hostPlatform()
  return /^[^/]+\/amd64\/v\d$/.test(first) ? first.replace(/\/v\d$/, '') : first
}

/** How `selectBuilder` decides; `requested` is the `builder` input. */
export interface SelectOptions {
  requested?: string
  env: NodeJS.ProcessEnv
  /** Where buildx writes its metadata and iid files (removed after the build): RUNNER_TEMP on a runner. */
  tempRoot?: string
}

/**
 * Finds the builder. DOCKER_BUILDKIT=0 asks for the legacy builder explicitly (no buildx probe); otherwise
 * `docker buildx inspect [name]` both tells whether buildx is installed and names the builder and its driver.
 */
export async function selectBuilder(docker: Docker, o: SelectOptions): Promise<Builder> {
  const legacyAsked = o.env.DOCKER_BUILDKIT === '0'
  if (legacyAsked && o.requested) {
    throw new ActionError(
      `the 'builder' input names buildx builder '${o.requested}', but DOCKER_BUILDKIT=0 asks for the legacy builder`,
      "remove DOCKER_BUILDKIT=0 from the job's environment, or remove 'builder'"
    )
  }
  // BUILDX_BUILDER is read here, not left to buildx, so that the build names its builder explicitly
  const name = o.requested ?? (o.env.BUILDX_BUILDER || undefined)
  const source = o.requested ? `the 'builder' input names '${o.requested}'` : name ? `BUILDX_BUILDER names '${name}'` : undefined
  const found = legacyAsked ? undefined : await docker.buildxInspect(name, source)
  if (!found) {
    if (o.requested) {
      throw new ActionError(
        `the 'builder' input names buildx builder '${o.requested}', but buildx is not installed (docker buildx version fails)`,
        'install buildx (docker/setup-buildx-action), or remove the builder input to build with docker build'
      )
    }
    return new LegacyBuilder(docker)
  }
  return new BuildxBuilder(docker, { tool: 'buildx', ...found }, o.tempRoot)
}

/** `docker build` + `docker push`: the path for engines without buildx. */
export class LegacyBuilder implements Builder {
  readonly info: BuilderInfo = { tool: 'docker build', name: 'docker', driver: 'legacy', platforms: [] }

  constructor(private readonly docker: Docker) {}

  using(docker: Docker): Builder {
    return new LegacyBuilder(docker)
  }

  async build(spec: BuildSpec): Promise<BuiltImage> {
    // the store only names what the ID is (for the race check's message): asked while the build runs
    const [{ imageId }, imageStore] = await Promise.all([this.docker.build(spec), this.docker.imageStore().catch(() => undefined)])
    return { builder: this.info, imageId, ...(imageStore && { imageStore }), pushedByBuilder: false, platforms: spec.platforms }
  }

  async push(built: BuiltImage, targets: PushTarget[]): Promise<PushResult[]> {
    const results: PushResult[] = []
    for (const target of targets) results.push(await this.docker.push(target))
    const claimed = results.find((r) => r.digest)?.digest
    if (claimed) built.claimedDigest = claimed
    return results
  }
}

/** `docker buildx build` on one builder, any driver. */
export class BuildxBuilder implements Builder {
  constructor(
    private readonly docker: Docker,
    readonly info: BuilderInfo,
    private readonly tempRoot: string = os.tmpdir()
  ) {}

  using(docker: Docker): Builder {
    return new BuildxBuilder(docker, this.info, this.tempRoot)
  }

  /** Whether the result can go into `docker images`: the docker driver always; others through --load, one platform only. */
  private loadable(spec: BuildSpec): boolean {
    return spec.platforms.length <= 1
  }

  /** `--load`: as the `load` input says; unset, a result that is not pushed (nor exported elsewhere) is loaded when it can be. */
  private load(spec: BuildSpec): boolean {
    if (callsNoBuild(spec.call)) return false
    if (spec.load !== undefined) return spec.load
    if (spec.outputs?.length) return false
    return !spec.push && this.loadable(spec)
  }

  /** Whether the image lands in the engine's store: loaded, or built by the docker driver into an image exporter. */
  private inEngine(spec: BuildSpec, load: boolean): boolean {
    if (load) return true
    if (this.info.driver !== 'docker' || callsNoBuild(spec.call)) return false
    return !spec.outputs?.length || spec.outputs.some((o) => o.type === 'image' || o.type === 'registry' || o.type === 'docker')
  }

  async build(spec: BuildSpec): Promise<BuiltImage> {
    const dir = await mkdtemp(path.join(this.tempRoot, 'pinned-build-buildx-'))
    const files: BuildxFiles = { metadata: path.join(dir, 'metadata.json'), iid: path.join(dir, 'iid') }
    try {
      const load = this.load(spec)
      const argv = buildxArgv(spec, this.info, files, { load })
      const inEngine = this.inEngine(spec, load)
      // what the engine's image ID is depends on its store: asked while the build runs
      const storeAsked = inEngine ? this.docker.imageStore().catch(() => undefined) : Promise.resolve(undefined)
      const out = await this.docker.buildx(argv, {
        env: secretEnv(spec.secrets),
        title: `docker buildx build (builder ${this.info.name}, driver ${this.info.driver})`,
        redact: spec.redact,
        ...(spec.onStarted && { onStarted: spec.onStarted })
      })
      const imageStore = await storeAsked
      if (out.exitCode !== 0) throw buildxFailure(this.info, spec, out.exitCode, out.output)
      const metadata = await readJson(files.metadata)
      if (callsNoBuild(spec.call)) {
        return { builder: this.info, pushedByBuilder: false, platforms: spec.platforms, metadata, called: { method: spec.call ?? '', output: out.output.trim() } }
      }
      const iid = (await readFile(files.iid, 'utf8').catch(() => '')).trim()
      const claimedDigest = stringField(metadata, 'containerimage.digest')
      const claimedConfigDigest = stringField(metadata, 'containerimage.config.digest')
      // the image ID only when the image is in the engine; after a push from another driver the iidfile names what
      // the builder pushed, which is no engine's image ID
      const imageId = inEngine && isSha256Digest(iid) ? buildxEngineImageId(imageStore ?? 'classic', { iid, digest: claimedDigest, configDigest: claimedConfigDigest }) : undefined
      if (spec.push && !claimedDigest) {
        const keys = Object.keys(metadata).join(', ') || 'none'
        throw new ActionError(
          `docker buildx build (${await this.docker.buildxVersion()}) on builder '${this.info.name}' (driver ${this.info.driver}) pushed but its metadata file has no 'containerimage.digest' (keys: ${keys}), so the action cannot check what the builder pushed`,
          'use a buildx this action is tested with (docs/support.md), e.g. the one docker/setup-buildx-action installs'
        )
      }
      if (!spec.push && load && !imageId) {
        throw new ActionError(
          `docker buildx build on builder '${this.info.name}' (driver ${this.info.driver}) loaded no image into docker (iidfile: '${iid}')`,
          'check that the docker engine is reachable from the step (DOCKER_HOST) and that buildx can load into it'
        )
      }
      return {
        builder: this.info,
        ...(imageId && { imageId }),
        ...(imageId && imageStore && { imageStore }),
        ...(spec.push && claimedDigest && { claimedDigest }),
        ...(claimedConfigDigest && { claimedConfigDigest }),
        pushedByBuilder: spec.push,
        platforms: spec.platforms,
        metadata
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  async push(built: BuiltImage, targets: PushTarget[]): Promise<PushResult[]> {
    if (!built.pushedByBuilder) {
      throw new ActionError(`builder '${this.info.name}' was asked to push after a build without push`, 'this is a bug in the action; please report it')
    }
    return targets.map((t) => ({ ...t, ...(built.claimedDigest && { digest: built.claimedDigest }) }))
  }
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8').catch(() => '')
  if (!text.trim()) return {}
  try {
    const parsed = JSON.parse(text) as unknown
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function stringField(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key]
  return typeof v === 'string' && isSha256Digest(v) ? v : undefined
}
