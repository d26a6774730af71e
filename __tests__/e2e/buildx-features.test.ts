/**
 * What only BuildKit does, through the bundled action on real builders: multi-platform pushes with and without
 * provenance (remote builder), build secrets that must arrive and must leave no trace, the secret-looking build-arg
 * warning, a registry cache taken up by a fresh builder, a push that fails half-way, and the errors that name the
 * builder, its driver and the fix. (The read-back of the pushed index — platforms, attestations — is asserted in
 * the read-back tests; here the build and the push.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  cachedSteps,
  createRemoteBuilder,
  describeOnBuilders,
  imagetoolsInspect,
  installBuildx,
  startBuildkitd,
  writeBusyboxContext,
  type Buildkitd
} from './support/buildkit'
import { engineStore } from './support/docker'
import { manifestPath, startFaultProxy, type FaultProxy } from './support/fault-proxy'
import { rawManifest, skopeoConfig, skopeoDigest } from './support/inspect'
import { makeTempDir, removeDir } from './support/proc'
import { actionLog, runAction, type ActionRun } from './support/run-action'
import { sharedRegistryAndWorkspace } from './support/scope'
import { assertNoSecrets, findSecrets, scanRun, scanTree } from './support/secrets'
import { makeWorkspace, type Workspace } from './support/workspace'

const shared = sharedRegistryAndWorkspace()

function expectSuccess(run: ActionRun): void {
  expect({ code: run.code, log: run.code === 0 ? '' : actionLog(run) }).toEqual({ code: 0, log: '' })
}

/** The error the action reported (its ::error:: line, decoded). */
function errorOf(run: ActionRun): string {
  const line = run.stdout.split('\n').find((l) => l.startsWith('::error')) ?? ''
  return line.replace(/^::error[^:]*::/, '').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex')

describeOnBuilders(
  'multi-platform push',
  (builder) => {
    it.each([true, false])('linux/amd64 + linux/arm64 with provenance %s: the builder pushes, the step succeeds, digest = the registry\'s', async (provenance) => {
      const repo = `e2e/multi-${provenance ? 'prov' : 'noprov'}`
      const image = `${shared.reg.host}/${repo}`
      const run = await runAction({
        workspace: shared.ws.dir,
        inputs: { image, tags: 'v1\nlatest', latest: 'allow', platforms: 'linux/amd64,linux/arm64', provenance: String(provenance), 'build-args': `R=${randomBytes(3).toString('hex')}` },
        env: builder().env
      })
      expectSuccess(run)
      const held = await skopeoDigest(`${image}:v1`)
      expect(run.outputs.digest).toBe(held)
      expect(await skopeoDigest(`${image}:latest`)).toBe(held)
      const view = await imagetoolsInspect(`${image}:v1`, builder().configDir)
      expect(view.digest).toBe(run.outputs.digest)
      expect(view.manifests.map((m) => m.platform).filter((p) => p !== 'unknown/unknown').sort()).toEqual(['linux/amd64', 'linux/arm64'])
      expect(view.manifests.some((m) => m.platform === 'unknown/unknown')).toBe(provenance)
      const command = run.stdout.split('\n').find((l) => l.startsWith('[command]') && /(docker buildx|docker-buildx) build /.test(l)) ?? ''
      expect(command).toContain('--platform linux/amd64,linux/arm64')
      expect(command).toContain(`--provenance=${provenance}`)
    }, 300_000)

    it('push: false with two platforms builds, says the result stays in the builder, and pushes nothing', async () => {
      const image = `${shared.reg.host}/e2e/multi-nopush`
      const run = await runAction({ workspace: shared.ws.dir, inputs: { image, tags: 'v1', push: 'false', platforms: 'linux/amd64,linux/arm64' }, env: builder().env })
      expectSuccess(run)
      expect(run.stdout).toMatch(/::notice title=Multi-platform build not loaded::2 platforms cannot be loaded/)
      expect((await rawManifest(shared.reg, 'e2e/multi-nopush', 'v1')).status).toBe(404)
    }, 300_000)

    it('{{platform}} with two platforms fails before anything is built', async () => {
      const run = await runAction({ workspace: shared.ws.dir, inputs: { image: `${shared.reg.host}/e2e/x`, tags: 'a-{{platform}}', platforms: 'linux/amd64,linux/arm64' }, env: builder().env })
      expect(run.code).not.toBe(0)
      expect(errorOf(run)).toMatch(/^Input 'tags': 'a-\{\{platform\}\}' uses \{\{platform\}\}, but 'platforms' lists 2 platforms/)
      expect(run.stdout).not.toContain('buildx build')
    })

    it('{{platform}} with one foreign platform: linux-arm64 in the tag, an arm64 image in the registry', async () => {
      const image = `${shared.reg.host}/e2e/one-arm`
      const run = await runAction({ workspace: shared.ws.dir, inputs: { image, tags: 'sha-{{sha}}-{{platform}}', platforms: 'linux/arm64', provenance: 'false' }, env: builder().env })
      expectSuccess(run)
      const tag = `sha-${shared.ws.sha.slice(0, 7)}-linux-arm64`
      expect(run.outputs.tags).toBe(`${image}:${tag}`)
      expect(await skopeoDigest(`${image}:${tag}`)).toBe(run.outputs.digest)
      const config = await skopeoConfig(`${image}:${tag}`, undefined, { os: 'linux', architecture: 'arm64' })
      expect(config.architecture).toBe('arm64')
    }, 300_000)
  },
  ['buildx-remote']
)

describeOnBuilders(
  'annotations and build contexts',
  (builder) => {
    it('index- and manifest-level annotations land where asked (on buildx 0.10, which has no --annotation)', async () => {
      const image = `${shared.reg.host}/e2e/annotated`
      const run = await runAction({
        workspace: shared.ws.dir,
        inputs: {
          image,
          tags: 'v1',
          platforms: 'linux/amd64,linux/arm64',
          provenance: 'false',
          annotations: 'index:org.opencontainers.image.description=built, with a comma\norg.opencontainers.image.vendor=acme'
        },
        env: builder().env
      })
      expectSuccess(run)
      const index = await rawManifest(shared.reg, 'e2e/annotated', 'v1')
      expect(index.digest).toBe(run.outputs.digest)
      const json = JSON.parse(index.body.toString('utf8'))
      expect(json.annotations).toMatchObject({ 'org.opencontainers.image.description': 'built, with a comma' })
      const child = await rawManifest(shared.reg, 'e2e/annotated', json.manifests[0].digest)
      expect(JSON.parse(child.body.toString('utf8')).annotations).toMatchObject({ 'org.opencontainers.image.vendor': 'acme' })
    }, 300_000)

    it('build-contexts: a COPY --from=<name> works only with the named context given', async () => {
      const extra = await makeTempDir('extra-context')
      const ctxWs = await makeWorkspace({ dockerfile: 'FROM scratch\nCOPY --from=extra extra.txt /extra.txt\n' })
      try {
        writeFileSync(join(extra, 'extra.txt'), 'from the extra context\n')
        const image = `${shared.reg.host}/e2e/contexts`
        const without = await runAction({ workspace: ctxWs.dir, inputs: { image, tags: 'v1', provenance: 'false' }, env: builder().env })
        expect(without.code).not.toBe(0)
        const withCtx = await runAction({ workspace: ctxWs.dir, inputs: { image, tags: 'v1', provenance: 'false', 'build-contexts': `extra=${extra}` }, env: builder().env })
        expectSuccess(withCtx)
        expect(await skopeoDigest(`${image}:v1`)).toBe(withCtx.outputs.digest)
      } finally {
        await Promise.all([removeDir(extra), ctxWs.cleanup()])
      }
    }, 300_000)
  },
  ['buildx-remote']
)

describeOnBuilders(
  'errors that name the builder, its driver and the fix',
  (builder) => {
    it('two platforms on the docker driver: built with their attestations on the containerd store, a clear error on the classic store', async () => {
      const image = `${shared.reg.host}/e2e/dd-multi`
      const containerd = (await engineStore()) === 'containerd'
      const inputs = { image, tags: 'v1', platforms: 'linux/amd64,linux/arm64', ...(containerd && { provenance: 'mode=min' }) }
      const run = await runAction({ workspace: shared.ws.dir, inputs, env: builder().env })
      if (containerd) {
        expectSuccess(run)
        expect(await skopeoDigest(`${image}:v1`)).toBe(run.outputs.digest)
        expect(Object.keys(JSON.parse(run.outputs.platforms as string)).sort()).toEqual(['linux/amd64', 'linux/arm64'])
        const view = await imagetoolsInspect(`${image}:v1`, builder().configDir)
        expect(view.manifests.filter((m) => m.platform === 'unknown/unknown')).toHaveLength(2)
        // the engine keeps the index: its image ID is the index digest
        expect(run.outputs.imageid).toBe(run.outputs.digest)
        return
      }
      expect(run.code).not.toBe(0)
      const error = errorOf(run)
      expect(error).toMatch(/builder 'default' \(driver docker\): the docker driver cannot build several platforms \(linux\/amd64, linux\/arm64\)/)
      expect(error).toMatch(/Fix: add docker\/setup-buildx-action before this step/)
      expect(run.outputs).toEqual({})
    }, 120_000)

    it('a builder that does not exist (BUILDX_BUILDER)', async () => {
      const run = await runAction({ workspace: shared.ws.dir, inputs: { image: `${shared.reg.host}/e2e/x`, tags: 'v1' }, env: { ...builder().env, BUILDX_BUILDER: 'no-such-builder' } })
      expect(run.code).not.toBe(0)
      expect(errorOf(run)).toMatch(/buildx builder not found: BUILDX_BUILDER names 'no-such-builder'/)
    }, 120_000)
  },
  ['buildx-docker']
)

describeOnBuilders(
  'a BuildKit-only input on the legacy builder',
  (builder) => {
    it.each([
      ['secrets', 'token=abc'],
      ['cache-from', `type=registry,ref=127.0.0.1:1/x:cache`],
      ['platforms', 'linux/amd64,linux/arm64']
    ])('%s fails before building, naming the input', async (input, value) => {
      const run = await runAction({ workspace: shared.ws.dir, inputs: { image: `${shared.reg.host}/e2e/legacy-x`, tags: 'v1', [input]: value }, env: builder().env })
      expect(run.code).not.toBe(0)
      expect(errorOf(run)).toMatch(new RegExp(`^Input '${input}': needs BuildKit \\(docker buildx\\), but this step builds with the legacy docker build`))
      expect(run.stdout).not.toMatch(/\[command\]\S*docker build/)
    })
  },
  ['legacy']
)

describeOnBuilders(
  'build secrets',
  (builder) => {
    const secret = `s3cr3t-${randomBytes(12).toString('hex')}`
    let ctx: string
    let secretWs: Workspace

    beforeAll(async () => {
      ctx = await makeTempDir('secret-ctx')
      // the Dockerfile holds only the secret's sha256: the step fails unless the mounted secret is exactly right
      const check = (id: string): string => `--mount=type=secret,id=${id},required=true test "$(sha256sum /run/secrets/${id} | cut -c1-64)" = "${sha256hex(secret)}"`
      await writeBusyboxContext(ctx, { run: [check('token'), check('npmrc'), 'echo built > /built.txt'], args: ['ROUND'] })
      secretWs = await makeWorkspace({ dockerfile: readFileSync(join(ctx, 'Dockerfile'), 'utf8') })
      writeFileSync(join(secretWs.dir, 'busybox'), readFileSync(join(ctx, 'busybox')), { mode: 0o755 })
      writeFileSync(join(secretWs.dir, 'token.txt'), secret)
    })
    afterAll(async () => {
      await Promise.all([removeDir(ctx), secretWs?.cleanup()])
    })

    async function scanImage(image: string, digest: string): Promise<void> {
      const config = await skopeoConfig(`${image}@${digest}`)
      assertNoSecrets(findSecrets([{ where: 'image config and history', text: JSON.stringify(config) }], [{ name: 'secret', value: secret }]))
      assertNoSecrets(scanTree(shared.reg.storageDir, [{ name: 'secret', value: secret }]), 'secret in the registry storage')
    }

    it('secrets + secret-files: the RUN steps see the right value; it is in nothing printed or written', async () => {
      const image = `${shared.reg.host}/e2e/secrets`
      const run = await runAction({
        workspace: secretWs.dir,
        inputs: { image, tags: 'v1', secrets: `token=${secret}`, 'secret-files': 'npmrc=token.txt', 'build-args': `ROUND=${randomBytes(3).toString('hex')}` },
        env: builder().env
      })
      expectSuccess(run)
      expect(await skopeoDigest(`${image}:v1`)).toBe(run.outputs.digest)
      expect(run.stdout).toContain(`::add-mask::${secret}`)
      assertNoSecrets(scanRun(run, [{ name: 'secret', value: secret }]))
      expect(run.stdout).toContain('id=token,env=PINNED_BUILD_SECRET_0')
      await scanImage(image, run.outputs.digest as string)
    }, 300_000)

    it('a wrong secret value fails the RUN step (the check is real), and the error does not show it', async () => {
      const wrong = `wrong-${randomBytes(8).toString('hex')}`
      const run = await runAction({
        workspace: secretWs.dir,
        inputs: { image: `${shared.reg.host}/e2e/secrets-wrong`, tags: 'v1', secrets: `token=${wrong}`, 'secret-files': 'npmrc=token.txt', 'build-args': `ROUND=${randomBytes(3).toString('hex')}` },
        env: builder().env
      })
      expect(run.code).not.toBe(0)
      expect(errorOf(run)).toMatch(/docker buildx build failed on builder '.*' \(driver remote\)/)
      assertNoSecrets(scanRun(run, [{ name: 'wrong', value: wrong }]))
    }, 300_000)

    it('a secret-looking build arg: a warning pointing to secrets; the value is masked and shown as ***', async () => {
      const value = `argval-${randomBytes(10).toString('hex')}`
      const run = await runAction({
        workspace: shared.ws.dir,
        inputs: { image: `${shared.reg.host}/e2e/secret-arg`, tags: 'v1', 'build-args': `API_TOKEN=${value}` },
        env: builder().env
      })
      expectSuccess(run)
      expect(run.stdout).toMatch(/::warning title=Secret in a build argument::build-args 'API_TOKEN' looks like a secret.*'secrets' input/)
      expect(run.stdout).toContain('--build-arg API_TOKEN=***')
      expect(run.stdout).toContain(`::add-mask::${value}`)
      assertNoSecrets(scanRun(run, [{ name: 'build-arg', value }]))
    }, 300_000)
  },
  ['buildx-remote']
)

describe('registry cache', () => {
  const rounds: Buildkitd[] = []
  let configDir: string | undefined
  afterAll(async () => {
    await Promise.all(rounds.map((d) => d.stop()))
    if (configDir) await removeDir(configDir)
  })

  it('cache-to a registry ref, then a FRESH buildkitd with cache-from: the slow step is CACHED', async () => {
    configDir = await makeTempDir('cache-config')
    await installBuildx(configDir)
    const cacheWs = await makeWorkspace({})
    try {
      await writeBusyboxContext(cacheWs.dir, { run: ['sleep 2 && echo slow > /slow.txt'] })
      const image = `${shared.reg.host}/e2e/cached`
      const cacheRef = `${shared.reg.host}/e2e/cached:buildcache`
      const once = async (inputs: Record<string, string>): Promise<ActionRun> => {
        const d = await startBuildkitd()
        rounds.push(d)
        const name = await createRemoteBuilder(configDir as string, `cache-${randomBytes(3).toString('hex')}`, d.addr)
        return runAction({ workspace: cacheWs.dir, inputs: { image, tags: 'v1', builder: name, ...inputs }, env: { DOCKER_CONFIG: configDir as string } })
      }
      const cold = await once({ 'cache-to': `type=registry,ref=${cacheRef},mode=max` })
      expectSuccess(cold)
      expect(cachedSteps(cold.stdout).filter((s) => s.includes('sleep 2'))).toEqual([])
      const warm = await once({ 'cache-from': `type=registry,ref=${cacheRef}` })
      expectSuccess(warm)
      expect(cachedSteps(warm.stdout).some((s) => s.includes('sleep 2'))).toBe(true)
      expect(warm.outputs.digest).toBe(await skopeoDigest(`${image}:v1`))
    } finally {
      await cacheWs.cleanup()
    }
  }, 300_000)
})

describeOnBuilders(
  'a push that fails half-way',
  (builder) => {
    let proxy: FaultProxy
    beforeAll(async () => {
      proxy = await startFaultProxy(shared.reg)
    })
    afterAll(async () => {
      await proxy?.stop()
    })

    it('some tags pushed, one refused: the step fails naming the builder and that tags may have moved; no outputs', async () => {
      const repo = 'e2e/half-way'
      proxy.addRule({ method: 'PUT', path: manifestPath(repo, 'second'), fault: { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"disk full"}]}' }, times: Infinity })
      const image = `${proxy.host}/${repo}`
      const run = await runAction({
        workspace: shared.ws.dir,
        inputs: { image, tags: 'first\nsecond', provenance: 'false', 'build-args': `R=${randomBytes(3).toString('hex')}` },
        env: builder().env
      })
      expect(run.code).not.toBe(0)
      const error = errorOf(run)
      expect(error).toMatch(new RegExp(`docker buildx build failed on builder '${builder().builder}' \\(driver remote\\): pushing the image failed`))
      expect(error).toMatch(/some of the tags may already point to the new image/)
      expect(run.outputs.digest).toBeUndefined()
      expect(run.outputs.pinned).toBeUndefined()
      expect((await rawManifest(shared.reg, repo, 'second')).status).toBe(404)
    }, 300_000)
  },
  ['buildx-remote']
)
