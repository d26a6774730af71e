import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { BuildRequest, Docker, PushResult } from '../../../src/docker/cli'
import { ActionError } from '../../../src/errors'
import type { FakeRegistry } from './fake-registry'

export interface DockerCall {
  op: 'build' | 'push' | 'login'
  /** The extra environment the call ran with (withEnv). */
  env: Record<string, string>
  args: string[]
}

/**
 * The Docker seam without docker: records every call with the environment it ran in; `login` writes config.json
 * into DOCKER_CONFIG like docker login; `push` stores the built image (with its labels) in a FakeRegistry.
 */
export class FakeDocker implements Docker {
  constructor(
    readonly calls: DockerCall[] = [],
    private readonly options: { registry?: FakeRegistry; repository?: string; failLogin?: boolean } = {},
    private readonly env: Record<string, string> = {},
    private readonly labels: Record<string, string> = {}
  ) {}

  withEnv(env: Record<string, string>): Docker {
    return new FakeDocker(this.calls, this.options, { ...this.env, ...env }, this.labels)
  }

  async serverVersion(): Promise<string> {
    return '27.0'
  }

  async build(request: BuildRequest): Promise<{ imageId: string }> {
    this.calls.push({ op: 'build', env: this.env, args: request.tags })
    Object.assign(this.labels, request.labels)
    return { imageId: `sha256:${'b'.repeat(64)}` }
  }

  async push(ref: string): Promise<PushResult> {
    this.calls.push({ op: 'push', env: this.env, args: [ref] })
    const { registry, repository = 'acme/api' } = this.options
    if (!registry) return { ref }
    return { ref, digest: registry.putImage(repository, this.labels, [ref.slice(ref.lastIndexOf(':') + 1)]).digest }
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
