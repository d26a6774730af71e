import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { BuildRequest, Docker } from '../../src/docker/cli'
import { ActionError } from '../../src/action/errors'
import { run, type Deps } from '../../src/build-push/main'
import { FakeDocker } from '../helpers/fake-docker'
import { useActionFiles } from '../helpers/action-files'
import { buildDeps, SHA } from '../helpers/build-deps'
import { FakeRegistry, digestOf, imageConfig } from '../helpers/fake-registry'

const { dir, outFile, summaryFile, outputs } = useActionFiles('main-', { Dockerfile: 'FROM scratch\n' })
const deps = (inputs: Record<string, string>, docker: Docker, registry: FakeRegistry): Deps => buildDeps(dir, inputs, docker, registry)

/** The image ID FakeDocker's last build produced (the digest of the config it pushes). */
const builtId = (docker: FakeDocker): string => digestOf(imageConfig(docker.builds[docker.builds.length - 1]?.labels ?? {}))

describe('run', () => {
  it('builds, pushes every tag and reports the digest the registry holds', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1\nlatest', labels: 'team=platform' }, docker, registry))
    expect(process.exitCode).toBeUndefined()
    expect(docker.pushes).toEqual(['ghcr.io/acme/api:v1', 'ghcr.io/acme/api:latest'])
    const digest = registry.digest('acme/api', 'v1') as string
    const out = outputs()
    expect(out.digest).toBe(digest)
    expect(out.pinned).toBe(`ghcr.io/acme/api@${digest}`)
    expect(out.tags).toBe('ghcr.io/acme/api:v1\nghcr.io/acme/api:latest')
    const labels = JSON.parse(out.labels as string)
    expect(labels).toMatchObject({ 'git-commit': SHA, 'build-number': '42', team: 'platform' })
    expect(JSON.parse(out.metadata as string)).toMatchObject({ digest, imageid: builtId(docker), commit: SHA })
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain(digest)
    expect(summary).toContain(`https://github.com/acme/demo/commit/${SHA}`)
    expect(summary).toContain('https://github.com/acme/demo/actions/runs/7')
    // the read-back asked the registry for the tag, the manifest by digest and the config blob
    expect(registry.requests.map((r) => r.method + ' ' + new URL(r.url).pathname)).toEqual(
      expect.arrayContaining([`HEAD /v2/acme/api/manifests/v1`, `GET /v2/acme/api/manifests/${digest}`])
    )
  })

  it('uses sha-<7> as the default tag', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    await run(deps({ image: '127.0.0.1:5000/demo' }, docker, registry))
    expect(docker.pushes).toEqual([`127.0.0.1:5000/demo:sha-${SHA.slice(0, 7)}`])
  })

  it('fails when the registry-held config lacks our labels, and sets no outputs', async () => {
    const registry = new FakeRegistry()
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, new FakeDocker({ registry, dropLabels: true }), registry))
    expect(process.exitCode).toBe(1)
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })

  it('fails with a digest mismatch when the registry does not hold what docker reported', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, reportDigest: `sha256:${'c'.repeat(64)}` })
    const errors: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stdout.write
    try {
      await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, docker, registry))
    } finally {
      process.stdout.write = write
    }
    expect(process.exitCode).toBe(1)
    expect(errors.join('')).toMatch(/::error::digest mismatch/)
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })

  it('with push: false builds only: image ID and labels, no digest', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', push: 'false' }, docker, registry))
    expect(docker.pushes).toEqual([])
    const out = outputs()
    expect(out.digest).toBeUndefined()
    expect(out.imageid).toBe(builtId(docker))
    expect(JSON.parse(out.labels as string)['git-commit']).toBe(SHA)
  })

  it('rejects bad input before docker runs', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    await run(deps({ image: 'ghcr.io/acme/api:v1' }, docker, registry))
    expect(process.exitCode).toBe(1)
    expect(docker.builds).toEqual([])
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })

  it('reports an unreachable daemon, not the build failure, when docker version and docker build both fail', async () => {
    const registry = new FakeRegistry()
    class NoDaemon extends FakeDocker {
      versionCalls = 0
      override async serverVersion(): Promise<string> {
        this.versionCalls++
        throw new ActionError('the Docker daemon is not reachable: Cannot connect', 'start the Docker daemon')
      }
      override async build(request: BuildRequest): Promise<{ imageId: string }> {
        this.builds.push(request)
        throw new ActionError('docker build failed with exit code 1', 'fix the Dockerfile')
      }
    }
    const docker = new NoDaemon({ registry })
    const printed: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => (printed.push(String(chunk)), true)) as typeof process.stdout.write
    try {
      await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, docker, registry))
    } finally {
      process.stdout.write = write
    }
    expect(process.exitCode).toBe(1)
    expect(docker.versionCalls).toBe(1)
    expect(printed.join('')).toMatch(/::error::the Docker daemon is not reachable/)
    expect(printed.join('')).not.toMatch(/docker build failed/)
    expect(docker.pushes).toEqual([])
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })

  it('does not run docker version when the build succeeds, and reports a plain build failure as such', async () => {
    const registry = new FakeRegistry()
    class Counting extends FakeDocker {
      versionCalls = 0
      failBuild = false
      override async serverVersion(): Promise<string> {
        this.versionCalls++
        return '99.0'
      }
      override async build(request: BuildRequest): Promise<{ imageId: string }> {
        if (this.failBuild) throw new ActionError('docker build failed with exit code 1', 'fix the Dockerfile')
        return super.build(request)
      }
    }
    const ok = new Counting({ registry })
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, ok, registry))
    expect(process.exitCode).toBeUndefined()
    expect(ok.versionCalls).toBe(0)
    expect(outputs().digest).toBe(registry.digest('acme/api', 'v1'))

    const failing = new Counting({ registry })
    failing.failBuild = true
    const printed: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string) => (printed.push(String(chunk)), true)) as typeof process.stdout.write
    try {
      await run(deps({ image: 'ghcr.io/acme/api', tags: 'v2' }, failing, registry))
    } finally {
      process.stdout.write = write
    }
    expect(process.exitCode).toBe(1)
    expect(failing.versionCalls).toBe(1)
    expect(printed.join('')).toMatch(/::error::docker build failed with exit code 1/)
  })
})
