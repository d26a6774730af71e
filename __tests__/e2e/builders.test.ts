/**
 * The bundled action on the three builders a runner can meet (legacy docker build, buildx's docker driver, a buildx
 * remote builder standing in for setup-buildx-action's container): build and push two tags, and check the outputs
 * against what the registry holds (skopeo), the labels in the pushed config, and which tool pushed.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { describeOnBuilders } from './support/buildkit'
import { dockerRmi } from './support/docker'
import { skopeoConfig, skopeoDigest } from './support/inspect'
import { run as runCmd } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

let reg: TestRegistry
let ws: Workspace
const localTags: string[] = []

beforeAll(async () => {
  ;[reg, ws] = await Promise.all([
    startRegistry({ auth: 'anonymous' }),
    makeWorkspace({ dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\nLABEL com.example.from-dockerfile=yes\n' })
  ])
})

afterAll(async () => {
  await dockerRmi(localTags).catch(() => undefined)
  await Promise.all([reg?.stop(), ws?.cleanup(), cleanupActionRuns()])
})

function explain(run: ActionRun): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-2000)}`
}

describeOnBuilders('build and push', (builder, kind) => {
  let run: ActionRun
  const repo = `e2e/builders-${kind}`
  const image = (): string => `${reg.host}/${repo}`

  beforeAll(async () => {
    localTags.push(`${image()}:v1`, `${image()}:v1-linux-amd64`)
    run = await runAction({
      workspace: ws.dir,
      inputs: { image: image(), tags: 'v1\nv1-{{platform}}', labels: 'com.example.team=platform', 'build-args': `ROUND=${randomBytes(4).toString('hex')}` },
      github: { runNumber: '77', runAttempt: '1' },
      env: builder().env
    })
  }, 300_000)

  it('succeeds, naming the builder it used', () => {
    expect({ code: run.code, log: run.code === 0 ? '' : explain(run) }).toEqual({ code: 0, log: '' })
    const b = builder()
    if (kind === 'legacy') expect(run.stdout).toContain('Builder: docker build (legacy builder: no buildx), then docker push')
    else expect(run.stdout).toContain(`Builder: ${b.builder} (buildx, driver ${b.driver})`)
  })

  it('the builder pushed every tag itself on buildx (no docker push), docker push on the legacy path', () => {
    const commands = run.stdout.split('\n').filter((l) => l.startsWith('[command]'))
    if (kind === 'legacy') {
      expect(commands.some((c) => /docker build /.test(c) && !c.includes('buildx'))).toBe(true)
      expect(commands.filter((c) => / push /.test(c))).toHaveLength(2)
    } else {
      // `docker buildx build`, or the buildx plugin run directly (`…/docker-buildx build`)
      const build = commands.find((c) => /(docker buildx|docker-buildx) build /.test(c))
      expect(build).toContain(`--builder ${builder().builder}`)
      expect(build).toContain('--push')
      expect(commands.filter((c) => / push /.test(c))).toEqual([])
    }
  })

  it('digest and pinned are what the registry holds for every tag; {{platform}} is the runner platform', async () => {
    expect(run.outputs.tags).toBe(`${image()}:v1\n${image()}:v1-linux-amd64`)
    expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await skopeoDigest(`${image()}:v1`)).toBe(run.outputs.digest)
    expect(await skopeoDigest(`${image()}:v1-linux-amd64`)).toBe(run.outputs.digest)
    expect(run.outputs.pinned).toBe(`${image()}@${run.outputs.digest}`)
  })

  it('the pushed config carries the labels, and the labels output is what the registry holds', async () => {
    const config = await skopeoConfig(`${image()}@${run.outputs.digest}`, undefined, { os: 'linux', architecture: 'amd64' })
    expect(config.config.Labels).toMatchObject({ 'git-commit': ws.sha, 'build-number': '77', 'com.example.team': 'platform', 'com.example.from-dockerfile': 'yes' })
    expect(JSON.parse(run.outputs.labels as string)).toMatchObject({ 'git-commit': ws.sha, 'build-number': '77' })
    expect(run.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('push: false puts the image into docker images (loaded from a remote builder), pushes nothing', async () => {
    const tag = `nopush-${kind}-${randomBytes(3).toString('hex')}`
    localTags.push(`${image()}:${tag}`)
    const r = await runAction({ workspace: ws.dir, inputs: { image: image(), tags: tag, push: 'false' }, env: builder().env })
    expect({ code: r.code, log: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, log: '' })
    expect(r.outputs.digest).toBeUndefined()
    const inspect = await runCmd('docker', ['image', 'inspect', '--format', '{{.Id}}', `${image()}:${tag}`], { timeoutMs: 30_000 })
    expect(inspect.code).toBe(0)
    expect(inspect.stdout.trim()).toBe(r.outputs.imageid)
    const held = await runCmd('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${image()}:${tag}`], { timeoutMs: 30_000 })
    expect(held.code).not.toBe(0)
  })
})
