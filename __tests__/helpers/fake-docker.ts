import type { BuildRequest, Docker, PushResult } from '../../src/docker/cli'
import { createRegistryFactory, type RegistrySession } from '../../src/registry'
import type { ImageName } from '../../src/reference'
import type { FakeRegistry } from './fake-registry'

/**
 * A docker that "pushes" into a FakeRegistry: the pushed config carries the labels of the last build
 * (or none with dropLabels), and push reports the registry's digest (or reportDigest).
 */
export class FakeDocker implements Docker {
  builds: BuildRequest[] = []
  pushes: string[] = []
  logins: Array<{ server?: string; username: string }> = []
  env: Record<string, string> = {}

  constructor(
    private readonly registry: FakeRegistry,
    private readonly behaviour: { dropLabels?: boolean; reportDigest?: string } = {}
  ) {}

  async serverVersion(): Promise<string> {
    return '99.0'
  }
  async build(request: BuildRequest): Promise<{ imageId: string }> {
    this.builds.push(request)
    return { imageId: `sha256:${'b'.repeat(64)}` }
  }
  async push(ref: string): Promise<PushResult> {
    this.pushes.push(ref)
    const tag = ref.slice(ref.lastIndexOf(':') + 1)
    const labels = this.behaviour.dropLabels ? {} : (this.builds[this.builds.length - 1]?.labels ?? {})
    const digest = this.registry.putImage([tag], labels)
    return { ref, digest: this.behaviour.reportDigest ?? digest }
  }
  async login(server: string | undefined, username: string): Promise<void> {
    this.logins.push({ ...(server && { server }), username })
  }
  withEnv(env: Record<string, string>): Docker {
    this.env = { ...this.env, ...env }
    return this
  }
}

/** openRegistry for Deps: the real client and auth stack over the FakeRegistry transport, no docker credentials. */
export function fakeOpenRegistry(registry: FakeRegistry): (name: ImageName) => RegistrySession {
  return (name) => {
    const factory = createRegistryFactory({ env: { DOCKER_CONFIG: '/nonexistent' }, transport: registry })
    return { client: factory.client(name), close: () => factory.close() }
  }
}
