/**
 * The read-back of what real builders push (issue 9): on the remote builder a two-platform push with provenance on and
 * off — the index digest and every platform digest the action reports equal what skopeo (`inspect --raw`) and
 * `docker buildx imagetools inspect` show, attestation manifests are listed as such and never as platforms, and every
 * platform's config carries the labels; on all three builders the single-platform `platforms` output, and the image ID
 * naming the pushed config on the docker-engine paths. Then the builder's claim checked against the registry: a
 * registry (proxy) that answers the index PUT with 201 but stores nothing leaves the tag where it was, and the step
 * fails naming the claim and what the tag holds. (The build and push themselves: builders.test.ts and
 * buildx-features.test.ts.)
 */
import { expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { describeOnBuilders, imagetoolsInspect, type TestBuilder } from './support/buildkit'
import { storeImageId } from './support/docker'
import { manifestPath, startFaultProxy, type FaultProxy } from './support/fault-proxy'
import { rawManifest, skopeoConfig, skopeoDigest } from './support/inspect'
import { runOk } from './support/proc'
import { actionLog, runAction, type ActionRun } from './support/run-action'
import { sharedRegistryAndWorkspace } from './support/scope'

const shared = sharedRegistryAndWorkspace()

function expectSuccess(run: ActionRun): void {
  expect({ code: run.code, log: run.code === 0 ? '' : actionLog(run) }).toEqual({ code: 0, log: '' })
}

const platformName = (p: { os: string; architecture: string; variant?: string }): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/')

/** `skopeo inspect --raw` of a reference: the manifest or index bytes as the registry holds them. */
async function skopeoRaw(ref: string): Promise<{ mediaType?: string; manifests?: Array<{ digest: string; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }>; config?: { digest: string } }> {
  const { stdout } = await runOk('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`], { timeoutMs: 60_000 })
  return JSON.parse(stdout) as never
}

/** The config digest of the manifest `digest` in `repo`, read over HTTP. */
async function configOf(repo: string, digest: string): Promise<string> {
  const m = await rawManifest(shared.reg, repo, digest)
  return (JSON.parse(m.body.toString('utf8')) as { config: { digest: string } }).config.digest
}

function run(builder: () => TestBuilder, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ workspace: shared.ws.dir, inputs: { 'build-args': `R=${randomBytes(4).toString('hex')}`, ...inputs }, env: builder().env })
}

describeOnBuilders(
  'read-back of a multi-platform push',
  (builder) => {
    it.each([true, false])('linux/amd64 + linux/arm64, provenance %s: index and platform digests = skopeo and imagetools; attestations apart; labels on every platform', async (provenance) => {
      const repo = `e2e/rb-multi-${provenance ? 'prov' : 'noprov'}`
      const image = `${shared.reg.host}/${repo}`
      const r = await run(builder, { image, tags: 'v1', platforms: 'linux/amd64,linux/arm64', provenance: String(provenance) })
      expectSuccess(r)

      // the top-level digest: the index, as docker pull uses it
      const held = await skopeoDigest(`${image}:v1`)
      const view = await imagetoolsInspect(`${image}:v1`, builder().configDir)
      expect(r.outputs.digest).toBe(held)
      expect(view.digest).toBe(held)
      expect(r.outputs.pinned).toBe(`${image}@${held}`)

      // every platform digest, as skopeo --raw and imagetools list them
      const raw = await skopeoRaw(`${image}:v1`)
      const entries = raw.manifests ?? []
      const attestations = entries.filter((m) => m.platform?.os === 'unknown')
      const images = entries.filter((m) => m.platform && m.platform.os !== 'unknown')
      const fromSkopeo = Object.fromEntries(images.map((m) => [platformName(m.platform as { os: string; architecture: string }), m.digest]))
      const fromImagetools = Object.fromEntries(view.manifests.filter((m) => m.platform !== 'unknown/unknown').map((m) => [m.platform, m.digest]))
      const platforms = JSON.parse(r.outputs.platforms as string) as Record<string, string>
      expect(platforms).toEqual(fromSkopeo)
      expect(platforms).toEqual(fromImagetools)
      expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])

      // attestations: there with provenance, read and named as attestations, never as platforms
      expect(attestations.length).toBe(provenance ? 2 : 0)
      expect(view.manifests.filter((m) => m.platform === 'unknown/unknown').length).toBe(attestations.length)
      expect(Object.keys(platforms)).not.toContain('unknown/unknown')
      for (const a of attestations) {
        const describes = a.annotations?.['vnd.docker.reference.digest']
        const platform = Object.entries(platforms).find(([, d]) => d === describes)?.[0]
        expect(platform).toBeDefined()
        expect(r.stdout).toMatch(new RegExp(`attestation ${a.digest} for ${platform}: https://slsa\\.dev/provenance/`))
      }
      expect(r.summary).toContain(
        provenance
          ? 'Attestations: provenance attached, SBOM not attached (2 attestation manifests in the index, not platforms).'
          : 'Attestations: none (no provenance, no SBOM attached).'
      )
      expect(r.summary).toContain('#### Platforms (2, each read back and verified)')

      // labels on every platform's config, as the registry holds them
      const labels = JSON.parse(r.outputs.labels as string) as Record<string, string>
      expect(labels['git-commit']).toBe(shared.ws.sha)
      for (const architecture of ['amd64', 'arm64']) {
        const config = (await skopeoConfig(`${image}:v1`, undefined, { os: 'linux', architecture })) as { architecture: string; config?: { Labels?: Record<string, string> } }
        expect(config.architecture).toBe(architecture)
        expect(config.config?.Labels?.['git-commit']).toBe(shared.ws.sha)
        expect(config.config?.Labels?.['build-number']).toBe(labels['build-number'])
      }

      // metadata: build-push-action's keys carry what was read back
      const metadata = JSON.parse(r.outputs.metadata as string) as Record<string, unknown>
      expect(metadata['containerimage.digest']).toBe(held)
      expect(metadata['containerimage.config.digest']).toBe(await configOf(repo, platforms['linux/amd64'] as string))
      expect(metadata.mediaType).toBe(raw.mediaType)
    }, 300_000)

    it('the builder’s claimed digest is checked: an index PUT answered 201 that stored nothing fails naming the claim and what the tag holds', async () => {
      const proxy: FaultProxy = await startFaultProxy(shared.reg)
      try {
        const repo = 'e2e/rb-claim'
        const image = `${proxy.host}/${repo}`
        const first = await run(builder, { image, tags: 'v1', platforms: 'linux/amd64,linux/arm64' })
        expectSuccess(first)
        const before = await skopeoDigest(`${shared.reg.host}/${repo}:v1`)
        // the next push: children and blobs stored, the index PUT by tag swallowed
        proxy.addRule({ method: 'PUT', path: manifestPath(repo, 'v1'), fault: { acceptWithoutStoring: true }, times: Infinity })
        const second = await run(builder, { image, tags: 'v1', platforms: 'linux/amd64,linux/arm64' })
        expect(proxy.requests.some((q) => q.fault === 'acceptWithoutStoring')).toBe(true)
        expect(second.code).not.toBe(0)
        expect(second.outputs).toEqual({})
        const error = [...second.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => (m[1] as string).replace(/%0A/g, '\n'))[0] ?? actionLog(second)
        expect(error).toMatch(
          new RegExp(`digest mismatch: buildx \\(builder ${builder().builder}, driver remote\\) reported sha256:\\w+ but 127\\.0\\.0\\.1:\\d+/${repo} does not hold it \\(the tags point to ${before}\\)`)
        )
        expect(await skopeoDigest(`${shared.reg.host}/${repo}:v1`)).toBe(before)
      } finally {
        await proxy.stop()
      }
    }, 300_000)
  },
  ['buildx-remote']
)

describeOnBuilders(
  'read-back of attestations in the OCI artifact form',
  (builder) => {
    it("`oci-artifact=true` (newest BuildKit's default): artifact manifests with `subject` are attestations, never platforms; an index entry's descriptor and bytes verified", async () => {
      const repo = 'e2e/rb-artifact'
      const image = `${shared.reg.host}/${repo}`
      const r = await run(builder, { image, tags: 'v1', platforms: 'linux/amd64,linux/arm64', provenance: 'true', outputs: 'type=image,push=true,oci-artifact=true' })
      expectSuccess(r)
      const held = await skopeoDigest(`${image}:v1`)
      expect(r.outputs.digest).toBe(held)
      const raw = await skopeoRaw(`${image}:v1`)
      // the form this case is about: manifests that are OCI artifacts (artifactType, a subject naming one platform
      // manifest), whatever their index entries say
      const entries = await Promise.all(
        (raw.manifests ?? []).map(async (e) => ({ digest: e.digest, manifest: JSON.parse((await rawManifest(shared.reg, repo, e.digest)).body.toString('utf8')) as { artifactType?: string; subject?: { digest: string } } }))
      )
      const artifacts = entries.filter((e) => e.manifest.artifactType === 'application/vnd.docker.attestation.manifest.v1+json')
      expect(artifacts).toHaveLength(2)
      const platforms = JSON.parse(r.outputs.platforms as string) as Record<string, string>
      expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64'])
      for (const a of artifacts) {
        const m = a.manifest
        const platform = Object.entries(platforms).find(([, d]) => d === m.subject?.digest)?.[0]
        expect(platform).toBeDefined()
        expect(Object.values(platforms)).not.toContain(a.digest)
        expect(r.stdout).toMatch(new RegExp(`attestation ${a.digest} for ${platform}: https://slsa\\.dev/provenance/`))
      }
      expect(r.summary).toContain('Attestations: provenance attached, SBOM not attached (2 attestation manifests in the index, not platforms).')
    }, 300_000)
  },
  ['buildx-remote'],
  ['today']
)

describeOnBuilders('read-back of a single-platform push', (builder, kind) => {
  it("`platforms` has the one platform; on the docker-engine paths the image ID is the engine's (pushed config or pushed manifest, by store)", async () => {
    const repo = `e2e/rb-single-${kind}`
    const image = `${shared.reg.host}/${repo}`
    const r = await run(builder, { image, tags: 'v1' })
    expectSuccess(r)
    const held = await skopeoDigest(`${image}:v1`)
    expect(r.outputs.digest).toBe(held)
    const platforms = JSON.parse(r.outputs.platforms as string) as Record<string, string>
    expect(Object.keys(platforms)).toEqual(['linux/amd64'])
    const raw = await skopeoRaw(`${image}:v1`)
    // the remote builder attaches provenance by default: an index of one platform and its attestation
    const platformDigest = raw.manifests ? (raw.manifests.find((m) => m.platform?.architecture === 'amd64')?.digest as string) : held
    expect(platforms['linux/amd64']).toBe(platformDigest)
    const config = await configOf(repo, platformDigest)
    expect(JSON.parse(r.outputs.metadata as string)['containerimage.config.digest']).toBe(config)
    if (kind !== 'buildx-remote') expect(r.outputs.imageid).toBe(await storeImageId({ digest: held, config }))
  }, 300_000)
})
