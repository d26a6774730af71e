/**
 * The core flows against every registry implementation the suite runs (Debian's distribution 2.8, distribution v3,
 * go-containerregistry's registry), anonymous and, where the implementation has it, with token auth: build on each
 * builder (today's buildx + BuildKit), resolve with a pinned deploy file, merge two platforms into one index, and the
 * pull request with the pinned file. Every digest is checked with three independent readers (skopeo, crane, regctl),
 * which must agree with each other and with the action.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describeOnBuilders, type TestBuilder } from './support/buildkit'
import { dockerLogin, writeDockerConfig } from './support/docker-config'
import { dockerRmi } from './support/docker'
import { startFakeGitHub, type FakeGitHub } from './support/fake-github'
import { independentDigest, skopeoConfig, type Creds } from './support/inspect'
import { repoRoot } from './support/node24'
import { pushTestImage } from './support/oci-fixture'
import { makeTempDir, removeDir, runOk } from './support/proc'
import { authModesOf, REGISTRY_IMPLS, registryUnavailable, startRegistry, type AuthMode, type RegistryImpl, type TestRegistry } from './support/registry'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

const RESOLVE = join(repoRoot, 'dist', 'resolve', 'index.js')
const MERGE = join(repoRoot, 'dist', 'merge', 'index.js')
const REQUIRE = process.env.REQUIRE_E2E === '1'

let ws: Workspace
let gh: FakeGitHub
const localTags: string[] = []

beforeAll(async () => {
  ;[ws, gh] = await Promise.all([makeWorkspace({ dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n' }), startFakeGitHub()])
})

afterAll(async () => {
  await dockerRmi(localTags).catch(() => undefined)
  await Promise.all([ws?.cleanup(), gh?.stop(), cleanupActionRuns()])
})

const ok = (run: ActionRun): void => {
  if (run.code !== 0) throw new Error(`action failed (exit ${run.code})\n${actionLog(run)}`)
}

const k8s = (image: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: ${image}\n`

/** token auth refuses anonymous pulls, so a green read-back proves the action used the credentials */
const cases: Array<[RegistryImpl, AuthMode]> = REGISTRY_IMPLS.flatMap((impl) => authModesOf(impl).filter((m) => m !== 'htpasswd').map((m): [RegistryImpl, AuthMode] => [impl, m]))

for (const [impl, mode] of cases) {
  const title = `${impl} registry, ${mode}`
  const missing = registryUnavailable(impl)
  if (missing !== undefined && !REQUIRE) {
    process.stderr.write(`[e2e] ${title} skipped: ${missing} (REQUIRE_E2E=1 makes this a failure)\n`)
    describe.skip(title, () => undefined)
    continue
  }
  describe(title, () => {
    let reg: TestRegistry
    let configDir: string
    const creds = (): Creds | undefined => (reg.username !== undefined && reg.password !== undefined ? { username: reg.username, password: reg.password } : undefined)

    beforeAll(async () => {
      if (missing !== undefined) throw new Error(`REQUIRE_E2E=1 but ${title} cannot run here: ${missing}`)
      reg = await startRegistry({ impl, auth: mode, ...(mode === 'token' ? { anonymousPull: false } : {}) })
      configDir = await makeTempDir(`matrix-${impl}-${mode}`)
      writeDockerConfig(configDir, {})
      await dockerLogin(reg, configDir)
    }, 900_000)
    afterAll(async () => {
      await Promise.all([reg?.stop(), configDir && removeDir(configDir)])
    })

    describeOnBuilders(
      'build and push',
      (builder: () => TestBuilder, kind) => {
        it('digest, pinned and labels are what three independent readers get from the registry', async () => {
          const b = builder()
          await dockerLogin(reg, b.configDir)
          const image = `${reg.host}/matrix/build-${kind}`
          localTags.push(`${image}:v1`)
          const run = await runAction({
            workspace: ws.dir,
            inputs: { image, tags: 'v1', 'build-args': `ROUND=${randomBytes(4).toString('hex')}` },
            github: { runNumber: '31' },
            env: b.env
          })
          ok(run)
          expect(await independentDigest(`${image}:v1`, creds())).toBe(run.outputs.digest)
          expect(run.outputs.pinned).toBe(`${image}@${run.outputs.digest}`)
          const config = await skopeoConfig(`${image}@${run.outputs.digest}`, creds(), { os: 'linux', architecture: 'amd64' })
          expect(config.config.Labels).toMatchObject({ 'git-commit': ws.sha, 'build-number': '31' })
        })
      },
      undefined,
      ['today']
    )

    it('resolve: the tag resolves to what the readers get, and the deploy file is pinned to it', async () => {
      const repo = 'matrix/resolve'
      const pushed = await pushTestImage(reg, repo, 'v1', { salt: `${impl}-${mode}` })
      const image = `${reg.host}/${repo}`
      const files = await makeWorkspace({ files: { 'deploy/pod.yaml': k8s(`${image}:v1`) } })
      try {
        const run = await runAction({ entry: RESOLVE, workspace: files.dir, inputs: { images: `${image}:v1`, files: 'deploy/*.yaml' }, env: { DOCKER_CONFIG: configDir } })
        ok(run)
        const held = await independentDigest(`${image}:v1`, creds())
        expect(held).toBe(pushed.digest)
        expect(await readFile(join(files.dir, 'deploy/pod.yaml'), 'utf8')).toBe(k8s(`${image}:v1@${held}`))
      } finally {
        await files.cleanup()
      }
    })

    it('merge: two platform images become one index that the readers agree on, children intact', async () => {
      const repo = 'matrix/merge'
      const image = `${reg.host}/${repo}`
      const labels = { 'git-commit': ws.sha, 'build-number': '5' }
      const [amd, arm] = await Promise.all([
        pushTestImage(reg, repo, 'src-amd64', { labels, salt: impl }),
        pushTestImage(reg, repo, 'src-arm64', { labels, salt: impl, platform: { os: 'linux', architecture: 'arm64' } })
      ])
      const run = await runAction({ entry: MERGE, workspace: ws.dir, inputs: { image, sources: 'src-amd64\nsrc-arm64', tags: 'v1' }, env: { DOCKER_CONFIG: configDir } })
      ok(run)
      expect(await independentDigest(`${image}:v1`, creds())).toBe(run.outputs.digest)
      expect(JSON.parse(run.outputs.platforms as string)).toEqual({ 'linux/amd64': amd.digest, 'linux/arm64': arm.digest })
      const auth = creds() ? ['--creds', `${creds()?.username}:${creds()?.password}`] : []
      const raw = JSON.parse((await runOk('skopeo', ['inspect', '--raw', '--tls-verify=false', ...auth, `docker://${image}@${run.outputs.digest}`], { timeoutMs: 60_000 })).stdout) as {
        manifests: Array<{ digest: string }>
      }
      expect(raw.manifests.map((m) => m.digest).sort()).toEqual([amd.digest, arm.digest].sort())
    })

    it('pull request: the pinned file on its branch names the digest the readers get', async () => {
      const repo = 'matrix/pr'
      const image = `${reg.host}/${repo}`
      await pushTestImage(reg, repo, 'v1', { salt: `pr-${impl}-${mode}` })
      const ghRepo = `matrix-${impl}-${mode}`
      const files = { 'deploy/pod.yaml': k8s(`${image}:v1`) }
      gh.seedRepo({ owner: 'acme', repo: ghRepo, files })
      const wsPr = await makeWorkspace({ files })
      try {
        const run = await runAction({
          entry: RESOLVE,
          workspace: wsPr.dir,
          inputs: { images: `${image}:v1`, files: 'deploy/*.yaml', 'pull-request': 'true', token: gh.token },
          github: { repository: `acme/${ghRepo}` },
          env: { DOCKER_CONFIG: configDir, GITHUB_API_URL: gh.url }
        })
        ok(run)
        expect(run.outputs['pull-request-operation']).toBe('created')
        const held = await independentDigest(`${image}:v1`, creds())
        expect(gh.files('acme', ghRepo, 'pin/images').get('deploy/pod.yaml')).toBe(k8s(`${image}:v1@${held}`))
      } finally {
        await wsPr.cleanup()
      }
    })
  })
}
