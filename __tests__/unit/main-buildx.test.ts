import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { run, type Deps } from '../../src/build-push/main'
import type { Docker } from '../../src/docker/cli'
import { useActionFiles } from '../helpers/action-files'
import { buildDeps } from '../helpers/build-deps'
import { captureStdout } from '../helpers/capture'
import { FakeDocker } from '../helpers/fake-docker'
import { FakeRegistry } from '../helpers/fake-registry'

const DOCKER_DRIVER = { name: 'default', driver: 'docker', platforms: ['linux/amd64', 'linux/386'] }
const REMOTE = { name: 'remote', driver: 'remote', platforms: ['linux/arm64', 'linux/arm/v7'] }

const { dir, outFile, outputs } = useActionFiles('main-buildx-', { Dockerfile: 'FROM scratch\n', npmrc: '//registry/:_authToken=x\n' })
const deps = (inputs: Record<string, string>, docker: Docker, registry: FakeRegistry, env: Record<string, string> = {}): Deps =>
  buildDeps(dir, inputs, docker, registry, env)

async function quietly(fn: () => Promise<void>): Promise<string> {
  return (await captureStdout(fn)).out
}

describe('run on buildx', () => {
  it('docker driver: buildx pushes every tag itself (no docker push) and the registry read-back reports the digest', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER })
    const log = await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1\nv1-{{platform}}' }, docker, registry)))
    expect(process.exitCode).toBeUndefined()
    expect(docker.calls.map((c) => c.op)).toEqual(['buildx'])
    const argv = docker.buildxCalls[0]?.argv ?? []
    expect(argv.slice(0, 4)).toEqual(['buildx', 'build', '--builder', 'default'])
    expect(argv).toContain('--push')
    expect(argv.filter((a, i) => argv[i - 1] === '--tag')).toEqual(['ghcr.io/acme/api:v1', 'ghcr.io/acme/api:v1-linux-amd64'])
    const digest = registry.digest('acme/api', 'v1') as string
    expect(outputs().digest).toBe(digest)
    expect(registry.digest('acme/api', 'v1-linux-amd64')).toBe(digest)
    expect(log).toContain('Builder: default (buildx, driver docker)')
  })

  it("remote driver from BUILDX_BUILDER: pushes, the image ID is the registry's config digest, {{platform}} is the builder's own", async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER, builders: [REMOTE] })
    await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: '{{platform}}' }, docker, registry, { BUILDX_BUILDER: 'remote' })))
    expect(process.exitCode).toBeUndefined()
    expect(docker.buildxCalls[0]?.argv.slice(2, 4)).toEqual(['--builder', 'remote'])
    const out = outputs()
    expect(out.tags).toBe('ghcr.io/acme/api:linux-arm64')
    expect(out.digest).toBe(registry.digest('acme/api', 'linux-arm64'))
    expect(out.imageid).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it("the 'builder' input wins over BUILDX_BUILDER; push: false loads the image", async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER, builders: [REMOTE] })
    await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', builder: 'default', push: 'false' }, docker, registry, { BUILDX_BUILDER: 'remote' })))
    expect(process.exitCode).toBeUndefined()
    const argv = docker.buildxCalls[0]?.argv ?? []
    expect(argv.slice(2, 4)).toEqual(['--builder', 'default'])
    expect(argv).toContain('--load')
    expect(docker.pushes).toEqual([])
    expect(outputs().imageid).toBe(`sha256:${'b'.repeat(64)}`)
  })

  it("the image ID is the engine's own: the manifest digest on the containerd store, the config digest on the classic store", async () => {
    for (const [store, push] of [['containerd', 'true'], ['classic', 'true'], ['containerd', 'false'], ['classic', 'false']] as const) {
      const registry = new FakeRegistry()
      const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER, imageStore: store })
      writeFileSync(outFile, '')
      await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', push }, docker, registry)))
      expect(process.exitCode).toBeUndefined()
      const out = outputs()
      if (push === 'true') {
        const digest = registry.digest('acme/api', 'v1') as string
        const config = JSON.parse(out.metadata as string)['containerimage.config.digest'] as string
        expect(out.imageid).toBe(store === 'containerd' ? digest : config)
      } else {
        expect(out.imageid).toBe(store === 'containerd' ? `sha256:${'c'.repeat(64)}` : `sha256:${'b'.repeat(64)}`)
      }
    }
  })

  it('{{platform}} is the platforms input when it names one; several platforms with {{platform}} fail before building', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER, builders: [REMOTE] })
    await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'x-{{platform}}', builder: 'remote', platforms: 'linux/arm/v7' }, docker, registry)))
    expect(outputs().tags).toBe('ghcr.io/acme/api:x-linux-arm-v7')
    writeFileSync(outFile, '')
    const docker2 = new FakeDocker({ registry, buildx: DOCKER_DRIVER, builders: [REMOTE] })
    const log = await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'x-{{platform}}', builder: 'remote', platforms: 'linux/amd64,linux/arm64' }, docker2, registry)))
    expect(process.exitCode).toBe(1)
    expect(log).toMatch(/::error::Input 'tags': 'x-\{\{platform\}\}' uses \{\{platform\}\}, but 'platforms' lists 2 platforms/)
    expect(docker2.buildxCalls).toEqual([])
  })

  it('secrets go to buildx in the environment, never in argv or the printed command line; secret files by path', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER })
    const value = 'tok-3f9a1c77e0'
    const log = await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', secrets: `token=${value}`, 'secret-files': 'npmrc=npmrc' }, docker, registry)))
    expect(process.exitCode).toBeUndefined()
    const call = docker.buildxCalls[0]
    expect(call?.argv.join(' ')).not.toContain(value)
    expect(call?.argv).toContain('id=token,env=PINNED_BUILD_SECRET_0')
    expect(call?.argv).toContain(`id=npmrc,src=${path.join(dir, 'npmrc')}`)
    expect(call?.env.PINNED_BUILD_SECRET_0).toBe(value)
    // only the mask command carries it
    expect([...new Set(log.split('\n').filter((l) => l.includes(value)))]).toEqual([`::add-mask::${value}`])
  })

  it('a secret-looking build arg: warned about, masked, and shown as *** on the printed command line', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER })
    const value = 'npm-9d8e7f'
    const log = await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', 'build-args': `NPM_TOKEN=${value}\nVERSION=1` }, docker, registry)))
    expect(process.exitCode).toBeUndefined()
    expect(log).toMatch(/::warning title=Secret in a build argument::build-args 'NPM_TOKEN' looks like a secret.*'secrets' input/)
    expect(log).toContain(`::add-mask::${value}`)
    expect(docker.buildxCalls[0]?.redact).toEqual([value])
  })

  it('a failed buildx build names the builder, its driver and the fix; nothing is reported', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({
      registry,
      buildx: DOCKER_DRIVER,
      buildxFails: 'ERROR: multiple platforms feature is currently not supported for docker driver. Please switch to a different driver'
    })
    const log = await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', platforms: 'linux/amd64,linux/arm64' }, docker, registry)))
    expect(process.exitCode).toBe(1)
    expect(log).toMatch(/::error::docker buildx build failed on builder 'default' \(driver docker\): the docker driver cannot build several platforms/)
    expect(log).toMatch(/Fix: add docker\/setup-buildx-action/)
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })
})

describe('run on the legacy builder', () => {
  it.each([
    [{ secrets: 'a=b' }, 'secrets'],
    [{ platforms: 'linux/amd64,linux/arm64' }, 'platforms'],
    [{ 'cache-to': 'type=inline' }, 'cache-to'],
    [{ builder: 'remote' }, 'builder']
  ])('%j fails naming the input before anything is built', async (inputs, name) => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    const log = await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', ...inputs }, docker, registry)))
    expect(process.exitCode).toBe(1)
    expect(log).toMatch(new RegExp(`::error::(Input '${name}': needs BuildKit|the 'builder' input names)`))
    expect(docker.builds).toEqual([])
  })

  it('DOCKER_BUILDKIT=0 with a BuildKit-only input names the variable', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, buildx: DOCKER_DRIVER })
    const log = await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', 'cache-from': 'type=gha' }, docker, registry, { DOCKER_BUILDKIT: '0' })))
    expect(process.exitCode).toBe(1)
    expect(log).toMatch(/Input 'cache-from': needs BuildKit.*DOCKER_BUILDKIT=0 selects the legacy builder/)
  })

  it('builds with docker build and pushes with docker push; one platform is passed on', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    await quietly(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1-{{platform}}', platforms: 'linux/amd64' }, docker, registry)))
    expect(process.exitCode).toBeUndefined()
    expect(docker.calls.map((c) => c.op)).toEqual(['build', 'push'])
    expect(docker.builds[0]?.platforms).toEqual(['linux/amd64'])
    expect(outputs().tags).toBe('ghcr.io/acme/api:v1-linux-amd64')
  })
})
