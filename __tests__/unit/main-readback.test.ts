import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { run, type Deps } from '../../src/build-push/main'
import type { BuildRequest, Docker, PushResult, PushTarget } from '../../src/docker/cli'
import { useActionFiles } from '../helpers/action-files'
import { buildDeps } from '../helpers/build-deps'
import { captureStdout } from '../helpers/capture'
import { FakeDocker } from '../helpers/fake-docker'
import { FakeRegistry, digestOf, imageConfig } from '../helpers/fake-registry'

const { dir, outFile, summaryFile, outputs } = useActionFiles('main-readback-', { Dockerfile: 'FROM scratch\n' })
const deps = (inputs: Record<string, string>, docker: Docker, registry: FakeRegistry): Deps => buildDeps(dir, inputs, docker, registry)

/** The digests in the platform table's row for `platform` (break points removed, as a copy gives them). */
function row(summary: string, platform: string): string[] | undefined {
  const line = summary.split('\n').find((l) => l.startsWith(`<tr><td><code>${platform}</code></td>`))
  return line === undefined ? undefined : [...line.matchAll(/<code>(.*?)<\/code>/g)].slice(1).map((m) => (m[1] as string).replace(/<wbr>/g, ''))
}

/** A docker whose push leaves a multi-platform index with provenance under each tag (containerd image store: the image ID is the index digest). */
class IndexDocker extends FakeDocker {
  index?: ReturnType<FakeRegistry['putBuildxIndex']>
  constructor(
    private readonly registry: FakeRegistry,
    private readonly platformLabels: Record<string, Record<string, string>> = {}
  ) {
    super({ registry })
  }
  override async build(request: BuildRequest): Promise<{ imageId: string }> {
    await super.build(request)
    this.index = this.registry.putBuildxIndex('acme/api', [], request.labels, { platformLabels: this.platformLabels })
    return { imageId: this.index.digest }
  }
  override async push(target: PushTarget): Promise<PushResult> {
    this.pushes.push(target.ref)
    const index = this.index as { digest: string }
    this.registry.putManifest('acme/api', this.registry.manifests.get(`acme/api@${index.digest}`)?.bytes.toString('utf8') as string, [target.tag], 'application/vnd.oci.image.index.v1+json')
    return { ...target, digest: index.digest }
  }
}

describe('run: what the read-back reports', () => {
  it('a single image: platforms output with one entry, metadata with containerimage.digest / config digest, a platform table', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, docker, registry))
    expect(process.exitCode).toBeUndefined()
    const out = outputs()
    const digest = registry.digest('acme/api', 'v1') as string
    const config = digestOf(imageConfig(docker.builds[0]?.labels ?? {}))
    expect(JSON.parse(out.platforms as string)).toEqual({ 'linux/amd64': digest })
    const metadata = JSON.parse(out.metadata as string)
    expect(metadata['containerimage.digest']).toBe(digest)
    expect(metadata['containerimage.config.digest']).toBe(config)
    // the schema it had keeps its keys
    expect(Object.keys(metadata)).toEqual(expect.arrayContaining(['image', 'digest', 'pinned', 'mediaType', 'imageid', 'tags', 'labels', 'commit', 'pushed']))
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain('<thead><tr><th>Platform</th><th>Manifest digest</th><th>Config digest</th></tr></thead>')
    expect(row(summary, 'linux/amd64')).toEqual([digest, config])
    expect(summary).toContain('Attestations: none (no provenance, no SBOM attached).')
  })

  it('an index with provenance: every platform in `platforms`, attestations counted and never listed as platforms', async () => {
    const registry = new FakeRegistry()
    const docker = new IndexDocker(registry)
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, docker, registry))
    expect(process.exitCode).toBeUndefined()
    const index = docker.index as NonNullable<IndexDocker['index']>
    const out = outputs()
    expect(out.digest).toBe(index.digest)
    expect(out.pinned).toBe(`ghcr.io/acme/api@${index.digest}`)
    expect(JSON.parse(out.platforms as string)).toEqual({ 'linux/amd64': index.images[0]?.digest, 'linux/arm64': index.images[1]?.digest })
    expect(JSON.parse(out.metadata as string)).toMatchObject({ 'containerimage.digest': index.digest, 'containerimage.config.digest': index.images[0]?.config })
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain('#### Platforms (2, each read back and verified)')
    expect(row(summary, 'linux/arm64')).toEqual([index.images[1]?.digest, index.images[1]?.config])
    expect(row(summary, 'linux/amd64')).toEqual([index.images[0]?.digest, index.images[0]?.config])
    expect(summary).not.toContain('unknown/unknown')
    expect(summary).toContain('Attestations: provenance attached, SBOM not attached (2 attestation manifests in the index, not platforms).')
  })

  it('an index whose arm64 image lacks build-number fails naming the platform, with no outputs', async () => {
    const registry = new FakeRegistry()
    const docker = new IndexDocker(registry, { 'linux/arm64': { 'build-number': '' } })
    const { out } = await captureStdout(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, docker, registry)))
    expect(process.exitCode).toBe(1)
    expect(out).toMatch(/::error::the image for linux\/arm64 in the registry does not carry the labels this step built it with:%0A {2}build-number: expected '42', registry holds ''/)
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })

  it('F1: the tag was replaced locally by another build with other content before the push: fails naming both IDs', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry, replacedWith: { 'git-commit': 'other', 'build-number': '9' } })
    const { out } = await captureStdout(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, docker, registry)))
    expect(process.exitCode).toBe(1)
    const theirs = registry.digest('acme/api', 'v1') as string
    const ours = digestOf(imageConfig(docker.builds[0]?.labels ?? {}))
    expect(out).toContain(`::error::the image in the registry is not the image this step built: ghcr.io/acme/api:v1 holds ${theirs}`)
    expect(out).toContain(`but the build produced image ID ${ours}`)
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })

  it('F2: no push digest (podman-docker), tag re-pointed to a build with identical labels: exit 1, not a silent success', async () => {
    const registry = new FakeRegistry()
    class Repointing extends FakeDocker {
      override async push(target: PushTarget): Promise<PushResult> {
        const r = await super.push(target)
        // another build with the very same labels, different content, pushed over the tag before our read-back
        const labels = this.builds[this.builds.length - 1]?.labels ?? {}
        registry.putImage('acme/api', labels, [target.tag], { extra: { created: 'the other build' } })
        return r
      }
    }
    const docker = new Repointing({ registry, noPushDigest: true })
    const { out } = await captureStdout(() => run(deps({ image: 'ghcr.io/acme/api', tags: 'v1' }, docker, registry)))
    expect(process.exitCode).toBe(1)
    expect(out).toMatch(/::error::the image in the registry is not the image this step built: .* but the build produced image ID sha256:\w+/)
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })
})
