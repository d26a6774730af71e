/**
 * A docker/build-push-action workflow with only its `uses:` line changed, through the bundled action on the legacy
 * builder, buildx's docker driver and a remote builder: docker/metadata-action's `tags` (full references in three
 * registries: anonymous, basic auth, token auth, each logged in with `docker login`) built once, pushed everywhere and
 * read back from each registry with its own credentials; `push: false` + `load: true` then `docker run`; a secret
 * from `secret-envs`; `add-hosts` during the build; `outputs` with `push-by-digest=true` on two platforms feeding the
 * merge action; inputs this action does not have, or the builder cannot honour, refused by name.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { describeOnBuilders, writeBusyboxContext } from './support/buildkit'
import { dockerRmi } from './support/docker'
import { dockerLogin } from './support/docker-config'
import { craneDigest, independentDigest as threeReaders, skopeoConfig, skopeoDigest, type Creds } from './support/inspect'
import { makeTempDir, removeDir, runOk } from './support/proc'
import { startRegistry, type StartedRegistry } from './support/registry'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { repoRoot } from './support/node24'
import { makeWorkspace, type Workspace } from './support/workspace'

const MERGE = join(repoRoot, 'dist', 'merge', 'index.js')

let anon: StartedRegistry
let basic: StartedRegistry
let token: StartedRegistry
let ws: Workspace
const toRemove: string[] = []

beforeAll(async () => {
  ;[anon, basic, token, ws] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' }), startRegistry({ auth: 'token' }), makeWorkspace()])
}, 120_000)

afterAll(async () => {
  await dockerRmi(toRemove).catch(() => undefined)
  await Promise.all([anon?.stop(), basic?.stop(), token?.stop(), ws?.cleanup()])
  await cleanupActionRuns()
}, 120_000)

function creds(reg: StartedRegistry): Creds | undefined {
  return reg.username !== undefined && reg.password !== undefined ? { username: reg.username, password: reg.password } : undefined
}

/**
 * The digest as readers independent of the action get it, with the registry's own credentials: skopeo, crane and
 * regctl where they can; regctl refuses to be set up for a registry whose ping answers 401, and crane refuses a
 * token realm on a loopback address, so basic auth is read by skopeo and crane, token auth by skopeo.
 */
async function independentDigest(ref: string, c?: Creds): Promise<string> {
  const host = ref.split('/')[0]
  if (host === token.host) return skopeoDigest(ref, c)
  if (!c) return threeReaders(ref)
  const [s, k] = await Promise.all([skopeoDigest(ref, c), craneDigest(ref, c)])
  if (s !== k) throw new Error(`independent readers disagree on ${ref}: skopeo ${s}, crane ${k}`)
  return s
}

function expectSuccess(run: ActionRun): void {
  expect({ code: run.code, log: run.code === 0 ? '' : actionLog(run) }).toEqual({ code: 0, log: '' })
}

/** The error the action reported (its ::error:: line, decoded). */
function errorOf(run: ActionRun): string {
  const line = run.stdout.split('\n').find((l) => l.startsWith('::error')) ?? ''
  return line.replace(/^::error[^:]*::/, '').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

describeOnBuilders(
  'drop-in for build-push-action',
  (builder, kind) => {
    beforeAll(async () => {
      for (const reg of [anon, basic, token]) await dockerLogin(reg, builder().configDir)
    }, 120_000)

    it("metadata-action's tags across three registries: one build, every repository pushed, each registry read back with its own login", async () => {
      const repo = `e2e/drop-${kind}-${randomBytes(3).toString('hex')}`
      const refs = [`${anon.host}/${repo}:main`, `${anon.host}/${repo}:sha-${ws.sha.slice(0, 7)}`, `${basic.host}/${repo}:main`, `${token.host}/${repo}:main`]
      toRemove.push(...refs)
      const run = await runAction({
        workspace: ws.dir,
        // as metadata-action's outputs hold them: tags newline-separated, labels key=value lines
        inputs: { tags: refs.join('\n'), labels: 'org.opencontainers.image.title=drop-in\norg.opencontainers.image.description=one build', push: 'true', provenance: kind === 'legacy' ? '' : 'false' },
        env: builder().env
      })
      expectSuccess(run)
      expect(run.stdout.split('\n').filter((l) => /^\[command\].*(docker build|buildx build) /.test(l))).toHaveLength(1)
      const digest = run.outputs.digest as string
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
      for (const [reg, ref] of [[anon, refs[0]], [anon, refs[1]], [basic, refs[2]], [token, refs[3]]] as const) {
        expect(await independentDigest(ref as string, creds(reg))).toBe(digest)
        const config = await skopeoConfig(ref as string, creds(reg))
        expect(config.config.Labels).toMatchObject({ 'git-commit': ws.sha, 'org.opencontainers.image.title': 'drop-in', 'org.opencontainers.image.description': 'one build' })
      }
      expect(run.outputs.pinned).toBe(`${anon.host}/${repo}@${digest}`)
      expect((run.outputs['pinned-all'] as string).split('\n')).toEqual([anon, basic, token].map((r) => `${r.host}/${repo}@${digest}`))
      expect((run.outputs.tags as string).split('\n').sort()).toEqual([...refs].sort())
      const repositories = JSON.parse(run.outputs.repositories as string) as Array<{ registry: string; digest: string }>
      expect(repositories.map((r) => [r.registry, r.digest])).toEqual([anon, basic, token].map((r) => [r.host, digest]))
      expect(run.summary).toContain('Registries (3, each read back and verified, one digest)')
    }, 600_000)

    it('push: false + load: true puts the image into docker, which runs it; add-hosts is in /etc/hosts during the build', async () => {
      const dir = await makeTempDir('drop-in-load')
      try {
        await writeBusyboxContext(dir, { run: ['grep -q "drop-in-host" /etc/hosts && echo loaded > /ok'], args: [`N=${randomBytes(3).toString('hex')}`] })
        const ref = `${anon.host}/e2e/drop-load-${kind}:test`
        toRemove.push(ref)
        const run = await runAction({ workspace: dir, inputs: { tags: ref, push: 'false', load: 'true', 'add-hosts': 'drop-in-host:10.1.2.3', network: 'none' }, env: builder().env })
        expectSuccess(run)
        expect(run.outputs.digest).toBeUndefined()
        expect(run.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/)
        const { stdout } = await runOk('docker', ['run', '--rm', '--network', 'none', ref, '/busybox', 'cat', '/ok'], { timeoutMs: 60_000 })
        expect(stdout.trim()).toBe('loaded')
        const id = (await runOk('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 30_000 })).stdout.trim()
        expect(id).toBe(run.outputs.imageid)
      } finally {
        await removeDir(dir)
      }
    }, 600_000)

    it(kind === 'legacy' ? 'secret-envs on the legacy builder fails before building, naming the input and buildx' : 'a secret from secret-envs reaches RUN --mount=type=secret', async () => {
      const dir = await makeTempDir('drop-in-secret')
      const value = `s3cret-${randomBytes(6).toString('hex')}`
      try {
        // the Dockerfile holds the secret's hash only: the build log shows the RUN line
        const hash = createHash('sha256').update(value).digest('hex')
        await writeBusyboxContext(dir, { run: [`--mount=type=secret,id=token test "$(/busybox sha256sum /run/secrets/token | /busybox cut -c1-64)" = "${hash}"`], args: [`N=${randomBytes(3).toString('hex')}`] })
        const ref = `${anon.host}/e2e/drop-secret-${kind}:test`
        toRemove.push(ref)
        const run = await runAction({ workspace: dir, inputs: { tags: ref, push: 'false', network: 'none', 'secret-envs': 'token=DROP_IN_TOKEN' }, env: { ...builder().env, DROP_IN_TOKEN: value } })
        if (kind === 'legacy') {
          expect(run.code).not.toBe(0)
          expect(errorOf(run)).toMatch(/^Input 'secret-envs': needs BuildKit \(docker buildx\)/)
          expect(run.stdout).not.toMatch(/\[command\].*docker build /)
        } else {
          expectSuccess(run)
        }
      } finally {
        await removeDir(dir)
      }
    }, 600_000)

    it('an input this action does not have fails with its name, before anything is built', async () => {
      const run = await runAction({ workspace: ws.dir, inputs: { tags: `${anon.host}/e2e/unknown:v1`, 'no-such-input': 'x' }, env: builder().env })
      expect(run.code).not.toBe(0)
      expect(errorOf(run)).toMatch(/^Input 'no-such-input': is not an input of this action/)
      expect(run.stdout).not.toMatch(/\[command\].*(docker build|buildx build) /)
    })

    if (kind === 'legacy') {
      it('an input only BuildKit honours (allow) fails on the legacy builder, naming it and buildx', async () => {
        const run = await runAction({ workspace: ws.dir, inputs: { tags: `${anon.host}/e2e/allow:v1`, allow: 'network.host' }, env: builder().env })
        expect(run.code).not.toBe(0)
        expect(errorOf(run)).toMatch(/^Input 'allow': needs BuildKit \(docker buildx\)/)
        expect(errorOf(run)).toContain('setup-buildx-action')
      })
    }

    if (kind === 'buildx-remote') {
      it('outputs with push-by-digest=true on two platforms, each read back by digest in two registries, then merged into both', async () => {
        const repo = `e2e/drop-bydigest-${randomBytes(3).toString('hex')}`
        const repos = [`${anon.host}/${repo}`, `${basic.host}/${repo}`]
        const digests: string[] = []
        for (const platform of ['linux/amd64', 'linux/arm64']) {
          const run = await runAction({
            workspace: ws.dir,
            inputs: { tags: repos.join('\n'), platforms: platform, provenance: 'false', outputs: 'type=image,push-by-digest=true,name-canonical=true,push=true' },
            env: builder().env
          })
          expectSuccess(run)
          const digest = run.outputs.digest as string
          expect(run.outputs.tags).toBe('')
          expect((run.outputs['pinned-all'] as string).split('\n')).toEqual(repos.map((r) => `${r}@${digest}`))
          expect(await independentDigest(`${repos[0]}@${digest}`)).toBe(digest)
          expect(await independentDigest(`${repos[1]}@${digest}`, creds(basic))).toBe(digest)
          digests.push(digest)
        }
        const merged = await runAction({
          entry: MERGE,
          workspace: ws.dir,
          inputs: { tags: repos.map((r) => `${r}:v1`).join('\n'), sources: digests.map((d) => `${repos[0]}@${d}`).join('\n') },
          env: builder().env
        })
        expectSuccess(merged)
        const index = merged.outputs.digest as string
        expect(await independentDigest(`${repos[0]}:v1`)).toBe(index)
        expect(await independentDigest(`${repos[1]}:v1`, creds(basic))).toBe(index)
        expect((merged.outputs['pinned-all'] as string).split('\n')).toEqual(repos.map((r) => `${r}@${index}`))
        expect(Object.values(JSON.parse(merged.outputs.platforms as string)).sort()).toEqual([...digests].sort())
      }, 600_000)
    }
  },
  undefined,
  ['today']
)
