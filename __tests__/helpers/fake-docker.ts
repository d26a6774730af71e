import { readFileSync, writeFileSync } from 'node:fs'
import type { BuildxBuilderInfo } from '../../src/docker/buildx-inspect'
import path from 'node:path'
import { ActionError } from '../../src/action/errors'
import type { BuildRequest, Docker, PushResult, PushTarget } from '../../src/docker/cli'
import type { ImageStore } from '../../src/docker/image-store'
import { parseReference } from '../../src/registry/reference'
import { digestOf, imageConfig, type FakeRegistry } from './fake-registry'

export interface DockerCall {
  op: 'build' | 'push' | 'login' | 'buildx'
  /** The extra environment the call ran with (withEnv). */
  env: Record<string, string>
  args: string[]
}

export interface FakeDockerOptions {
  /** Where `push` stores the built image (with its labels); without one, push reports no digest. */
  registry?: FakeRegistry
  /** Push the image without the labels it was built with (a builder that drops them). */
  dropLabels?: boolean
  /** Report this digest for every push instead of the registry's. */
  reportDigest?: string
  /** Print no push digest (podman-docker style): the read-back alone decides. */
  noPushDigest?: boolean
  /**
   * Another build on the same daemon: push stores an image with these labels under the tag instead of ours (F1, two
   * builds of one tag replacing each other's local tag between build and push).
   */
  replacedWith?: Record<string, string>
  failLogin?: boolean
  /** buildx is installed with this current builder (else `buildxInspect` answers "no buildx"). */
  buildx?: BuildxBuilderInfo
  /** Other builders `buildxInspect(name)` knows. */
  builders?: BuildxBuilderInfo[]
  /** `docker buildx build` fails with this output (exit 1). */
  buildxFails?: string
  /** What `imageStore` answers ('classic' unless told; null: the engine does not say). */
  imageStore?: ImageStore | null
}

/** What every FakeDocker made by withEnv shares with the one it came from. */
interface Shared {
  calls: DockerCall[]
  builds: BuildRequest[]
  pushes: string[]
}

/**
 * The Docker seam without docker: records every call with the environment it ran in; `login` writes config.json into
 * DOCKER_CONFIG like docker login; `push` stores the last build (with its labels) in a FakeRegistry under the tag.
 */
export class FakeDocker implements Docker {
  readonly calls: DockerCall[]
  readonly builds: BuildRequest[]
  readonly pushes: string[]

  constructor(
    private readonly options: FakeDockerOptions = {},
    shared: Shared = { calls: [], builds: [], pushes: [] },
    private readonly env: Record<string, string> = {}
  ) {
    this.calls = shared.calls
    this.builds = shared.builds
    this.pushes = shared.pushes
  }

  withEnv(env: Record<string, string>): Docker {
    return new FakeDocker(this.options, this, { ...this.env, ...env })
  }

  async serverVersion(): Promise<string> {
    return '27.0'
  }

  async imageStore(): Promise<ImageStore | undefined> {
    const store = this.options.imageStore
    return store === null ? undefined : (store ?? 'classic')
  }

  async build(request: BuildRequest): Promise<{ imageId: string }> {
    this.calls.push({ op: 'build', env: this.env, args: request.tags })
    this.builds.push(request)
    // what a classic engine reports: the digest of the config it would push
    return { imageId: digestOf(imageConfig(request.labels)) }
  }

  async buildxInspect(name?: string, _source?: string): Promise<BuildxBuilderInfo | undefined> {
    const current = this.options.buildx
    if (!current) return undefined
    const wanted = name
    if (!wanted) return current
    const found = [current, ...(this.options.builders ?? [])].find((b) => b.name === wanted)
    if (!found) throw new ActionError(`buildx builder not found: '${wanted}'`, 'create it')
    return found
  }

  async buildxVersion(): Promise<string> {
    return 'github.com/docker/buildx v0.38.2 fake'
  }

  /** The last `docker buildx build` argv, and the extra environment it ran with. */
  buildxCalls: Array<{ argv: string[]; env: Record<string, string>; redact: string[] }> = []

  /**
   * `docker buildx build` as far as the action can tell: writes --metadata-file and --iidfile as buildx does for the
   * builder's driver, and with --push (or --output …push=true) stores the image with its --label values under every
   * --tag in the FakeRegistry.
   */
  async buildx(argv: string[], o: { env: Record<string, string>; title: string; redact?: string[] }): Promise<{ exitCode: number; output: string }> {
    this.calls.push({ op: 'buildx', env: { ...this.env, ...o.env }, args: argv })
    this.buildxCalls.push({ argv, env: { ...this.env, ...o.env }, redact: o.redact ?? [] })
    if (this.options.buildxFails !== undefined) return { exitCode: 1, output: this.options.buildxFails }
    const values = (flag: string): string[] => argv.flatMap((a, i) => (a === flag && argv[i + 1] !== undefined ? [argv[i + 1] as string] : []))
    const labels = Object.fromEntries(values('--label').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
    const refs = values('--tag')
    const push = argv.includes('--push') || values('--output').some((out) => /(^|,)push=true(,|$)/.test(out))
    const load = argv.includes('--load') || values('--output').some((out) => out.startsWith('type=docker'))
    const builder = values('--builder')[0]
    const driver = [this.options.buildx, ...(this.options.builders ?? [])].find((b) => b?.name === builder)?.driver ?? 'docker'
    const metadata: Record<string, string> = {}
    let iid = ''
    const { registry, dropLabels, reportDigest } = this.options
    if (push && registry) {
      const byRepo = new Map<string, string[]>()
      for (const ref of refs) {
        const r = parseReference(ref)
        byRepo.set(r.repository, [...(byRepo.get(r.repository) ?? []), r.tag as string])
      }
      // what the builder makes for --platform: one image for one platform, an index (no attestations) for several
      const platforms = (values('--platform')[0] ?? '').split(',').filter(Boolean)
      for (const [repo, tags] of byRepo) {
        if (platforms.length > 1) {
          const { digest } = registry.putBuildxIndex(repo, tags, dropLabels ? {} : labels, { platforms, attestations: [] })
          metadata['containerimage.digest'] = reportDigest ?? digest
          iid = digest
          continue
        }
        const [os, architecture, variant] = (platforms[0] ?? 'linux/amd64').split('/') as [string, string, string | undefined]
        const { digest, config } = registry.putImage(repo, dropLabels ? {} : labels, tags, { platform: { os, architecture, ...(variant && { variant }) } })
        metadata['containerimage.digest'] = reportDigest ?? digest
        metadata['containerimage.config.digest'] = config
        iid = driver === 'docker' ? config : digest
      }
    } else if (driver === 'docker' || load) {
      iid = `sha256:${'b'.repeat(64)}`
      metadata['containerimage.config.digest'] = iid
      // the manifest the engine keeps (its image ID on the containerd store)
      metadata['containerimage.digest'] = `sha256:${'c'.repeat(64)}`
    }
    writeFileSync(values('--metadata-file')[0] as string, JSON.stringify(metadata))
    writeFileSync(values('--iidfile')[0] as string, iid)
    if (push) this.pushes.push(...refs)
    return { exitCode: 0, output: '#1 done\n' }
  }

  async push(target: PushTarget): Promise<PushResult> {
    this.calls.push({ op: 'push', env: this.env, args: [target.ref] })
    this.pushes.push(target.ref)
    const { registry, dropLabels, reportDigest, noPushDigest, replacedWith } = this.options
    if (!registry) return { ...target }
    const labels = replacedWith ?? (dropLabels ? {} : (this.builds[this.builds.length - 1]?.labels ?? {}))
    const { digest } = registry.putImage(parseReference(target.ref).repository, labels, [target.tag])
    return { ...target, ...(!noPushDigest && { digest: reportDigest ?? digest }) }
  }

  async login(server: string | undefined, username: string, password: string): Promise<void> {
    this.calls.push({ op: 'login', env: this.env, args: [server ?? '(hub)', username, password] })
    if (this.options.failLogin) throw new ActionError(`docker login to ${server} as '${username}' failed: unauthorized`)
    const file = path.join(this.env.DOCKER_CONFIG as string, 'config.json')
    const config = JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, unknown> }
    config.auths[server ?? 'https://index.docker.io/v1/'] = { auth: Buffer.from(`${username}:${password}`).toString('base64') }
    writeFileSync(file, JSON.stringify(config))
  }
}
