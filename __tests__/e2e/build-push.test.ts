/**
 * The action end to end, the way the runner runs it: dist/index.js under Node 24 against a real dockerd and the real
 * distribution registry on 127.0.0.1. Every output is checked against what the registry holds, read independently
 * (skopeo and raw HTTP), never through the action's own client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { engineImageId, storeImageId } from './support/docker'
import { dockerLogin } from './support/docker-config'
import { rawManifest, skopeoConfig, skopeoDigest } from './support/inspect'
import { makeTempDir, removeDir } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

let anon: TestRegistry
let secured: TestRegistry
let ws: Workspace
let configDir: string

beforeAll(async () => {
  ;[anon, secured, ws] = await Promise.all([
    startRegistry({ auth: 'anonymous' }),
    startRegistry({ auth: 'htpasswd' }),
    makeWorkspace({ dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\nLABEL com.example.from-dockerfile=yes\n' })
  ])
  configDir = await makeTempDir('docker-config')
  await dockerLogin(secured, configDir)
})

afterAll(async () => {
  await Promise.all([anon?.stop(), secured?.stop(), ws?.cleanup(), configDir && removeDir(configDir), cleanupActionRuns()])
})

describe('build, push, read back (anonymous registry)', () => {
  let run: ActionRun
  const image = () => `${anon.host}/e2e/app`

  beforeAll(async () => {
    run = await runAction({
      workspace: ws.dir,
      inputs: { image: image(), tags: 'v1.0.0\nstable', labels: 'com.example.team=platform' },
      github: { runNumber: '314', runAttempt: '2', runId: '9001' }
    })
  })

  it('succeeds', () => {
    if (run.code !== 0) console.log(`action failed:\n${actionLog(run)}`)
    expect(run.code).toBe(0)
  })

  it('outputs the digest the registry holds for every tag', async () => {
    expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await skopeoDigest(`${image()}:v1.0.0`)).toBe(run.outputs.digest)
    expect(await skopeoDigest(`${image()}:stable`)).toBe(run.outputs.digest)
    const raw = await rawManifest(anon, 'e2e/app', 'v1.0.0')
    expect(raw.status).toBe(200)
    expect(raw.digest).toBe(run.outputs.digest)
    expect(run.outputs.pinned).toBe(`${image()}@${run.outputs.digest}`)
    expect(run.outputs.tags).toBe(`${image()}:v1.0.0\n${image()}:stable`)
  })

  it('the pushed image config carries the labels, and the labels output is what the registry holds', async () => {
    const config = await skopeoConfig(`${image()}@${run.outputs.digest}`)
    const held = config.config.Labels
    expect(held).toMatchObject({
      'git-commit': ws.sha,
      'build-number': '314',
      'build-attempt': '2',
      'com.example.team': 'platform',
      'com.example.from-dockerfile': 'yes'
    })
    expect(JSON.parse(run.outputs.labels as string)).toEqual(held)
    const metadata = JSON.parse(run.outputs.metadata as string)
    expect(metadata).toMatchObject({ digest: run.outputs.digest, pinned: run.outputs.pinned, commit: ws.sha, pushed: true })
    expect(metadata.imageid).toBe(run.outputs.imageid)
    expect(config.rootfs).toBeDefined()
  })

  it("the image ID is the engine's: the pushed config digest (classic store) or manifest digest (containerd store)", async () => {
    const manifest = JSON.parse((await rawManifest(anon, 'e2e/app', run.outputs.digest as string)).body.toString())
    expect(run.outputs.imageid).toBe(await storeImageId({ digest: run.outputs.digest as string, config: manifest.config.digest }))
    expect(await engineImageId(`${image()}:v1.0.0`)).toBe(run.outputs.imageid)
  })

  it('writes a summary with the pinned reference, digest, tags, and linked labels', () => {
    expect(run.summary).toContain(run.outputs.pinned)
    expect(run.summary).toContain(`${image()}:stable`)
    expect(run.summary).toContain(`<tr><td><code>git-commit</code></td><td><a href="https://github.com/acme/demo/commit/${ws.sha}"><code>${ws.sha}</code></a>`)
    expect(run.summary).toContain('<a href="https://github.com/acme/demo/actions/runs/9001"><code>314</code></a>')
    expect(run.summary).toContain('<code>com.example.team</code>')
  })

  it('streams the build inside a log group and passes labels as argv', () => {
    expect(run.stdout).toContain('::group::docker build')
    expect(run.stdout).toMatch(/--label git-commit=[0-9a-f]{40}/)
  })
})

describe('registry with htpasswd (credentials from docker config.json auths)', () => {
  it('pushes and reads back with the logged-in credentials', async () => {
    const run = await runAction({
      workspace: ws.dir,
      inputs: { image: `${secured.host}/team/svc`, tags: 'main' },
      env: { DOCKER_CONFIG: configDir }
    })
    expect(run.code).toBe(0)
    const creds = { username: secured.username as string, password: secured.password as string }
    expect(await skopeoDigest(`${secured.host}/team/svc:main`, creds)).toBe(run.outputs.digest)
    // the only place the password may appear is the runner's own ::add-mask:: command, which the runner never prints
    const printed = (run.stdout + run.stderr).split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(printed.join('\n')).not.toContain(secured.password)
    expect(run.stdout).toContain('::add-mask::')
  })

  it('fails clearly when not logged in, with no outputs', async () => {
    const empty = await makeTempDir('docker-config-empty')
    try {
      const run = await runAction({
        workspace: ws.dir,
        inputs: { image: `${secured.host}/team/svc`, tags: 'denied' },
        env: { DOCKER_CONFIG: empty }
      })
      expect(run.code).not.toBe(0)
      expect(run.stdout).toMatch(/::error::docker push .* was refused by the registry/)
      expect(run.stdout).toMatch(/log in to 127\.0\.0\.1:\d+/)
      expect(run.outputs).toEqual({})
    } finally {
      await removeDir(empty)
    }
  })
})

describe('push: false', () => {
  it('builds only: image ID and labels, no digest, nothing in the registry', async () => {
    const run = await runAction({ workspace: ws.dir, inputs: { image: `${anon.host}/e2e/local`, tags: 'only-local', push: 'false' } })
    expect(run.code).toBe(0)
    expect(run.outputs.digest).toBeUndefined()
    expect(run.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await engineImageId(`${anon.host}/e2e/local:only-local`)).toBe(run.outputs.imageid)
    expect(JSON.parse(run.outputs.labels as string)['git-commit']).toBe(ws.sha)
    expect((await rawManifest(anon, 'e2e/local', 'only-local')).status).toBe(404)
  })
})

describe('failures name the cause and the fix, set no outputs, push nothing', () => {
  // every row has four cells: jest would treat a missing trailing argument as a done() callback
  const cases: Array<[string, Record<string, string>, RegExp, Record<string, string> | undefined]> = [
    ['image with a tag', { image: '127.0.0.1:5/e2e/x:v1' }, /::error::Input 'image': .*contains a tag.*%0AFix: set 'image: 127\.0\.0\.1:5\/e2e\/x'/, undefined],
    ['invalid tag', { image: '127.0.0.1:5/e2e/x', tags: 'ok\nbad tag!' }, /::error::Input 'tags': tag 'bad tag!' contains ' '/, undefined],
    ['missing context', { image: '127.0.0.1:5/e2e/x', context: 'nope' }, /::error::Input 'context': build context 'nope' is not a directory/, undefined],
    ['missing Dockerfile', { image: '127.0.0.1:5/e2e/x', file: 'build/Dockerfile' }, /::error::Input 'file': Dockerfile 'build\/Dockerfile' not found/, undefined],
    ['bad boolean', { image: '127.0.0.1:5/e2e/x', push: 'maybe' }, /::error::Input 'push': 'maybe' is not a boolean/, undefined],
    ['daemon unreachable', { image: '127.0.0.1:5/e2e/x' }, /::error::the Docker daemon is not reachable.*%0AFix: start the Docker daemon/, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }],
    ['docker not installed', { image: '127.0.0.1:5/e2e/x' }, /::error::the docker CLI could not be run.*%0AFix: install Docker/, { PATH: '/nonexistent' }]
  ]
  it.each(cases)('%s', async (_name, inputs, message, env) => {
    const run = await runAction({ workspace: ws.dir, inputs, ...(env && { env }) })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(message)
    expect(run.outputs).toEqual({})
    expect(run.stdout).not.toContain('::group::docker push')
  })

  it('a failing build reports the exit code and pushes nothing', async () => {
    const broken = await makeWorkspace({ dockerfile: 'FROM scratch\nCOPY does-not-exist /x\n' })
    try {
      const run = await runAction({ workspace: broken.dir, inputs: { image: `${anon.host}/e2e/broken`, tags: 'v1' } })
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/::error::docker build failed with exit code 1/)
      expect(run.outputs).toEqual({})
      expect((await rawManifest(anon, 'e2e/broken', 'v1')).status).toBe(404)
    } finally {
      await broken.cleanup()
    }
  })

  it('an unreachable registry is named', async () => {
    const run = await runAction({ workspace: ws.dir, inputs: { image: '127.0.0.1:1/e2e/x', tags: 'v1' } })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::docker push 127\.0\.0\.1:1\/e2e\/x:v1 could not reach the registry/)
    expect(run.outputs).toEqual({})
  })
})

describe('context and file', () => {
  it('builds a sub-directory context with an explicit Dockerfile, build args and target', async () => {
    const multi = await makeWorkspace({
      dockerfile: 'FROM scratch\n',
      files: {
        'svc/app.txt': 'app',
        'build/svc.Dockerfile': 'FROM scratch AS base\nARG FLAVOUR\nLABEL flavour=$FLAVOUR\nCOPY app.txt /app.txt\nFROM base AS prod\nLABEL stage=prod\n'
      }
    })
    try {
      await mkdir(path.join(multi.dir, 'svc'), { recursive: true })
      const run = await runAction({
        workspace: multi.dir,
        inputs: { image: `${anon.host}/e2e/svc`, tags: 'v2', context: 'svc', file: 'build/svc.Dockerfile', 'build-args': 'FLAVOUR=mint', target: 'base' }
      })
      expect(run.code).toBe(0)
      const labels = (await skopeoConfig(`${anon.host}/e2e/svc:v2`)).config.Labels
      expect(labels.flavour).toBe('mint')
      expect(labels.stage).toBeUndefined()
      expect(labels['git-commit']).toBe(multi.sha)
    } finally {
      await multi.cleanup()
    }
  })
})
