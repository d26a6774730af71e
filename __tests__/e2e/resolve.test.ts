/**
 * The resolve action (dist/resolve/index.js) and deploy-file pinning (both actions), run with Node 24 the way the
 * runner does, against the real distribution registry in token mode, checked against skopeo and raw HTTP.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dockerLogin } from './support/docker-config'
import { dockerBuild, dockerPush, dockerRmi } from './support/docker'
import { manifestDescriptor, rawManifest, skopeoDigest } from './support/inspect'
import { pushIndex } from './support/oci-fixture'
import { repoRoot } from './support/node24'
import { makeTempDir, removeDir, runOk } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

const RESOLVE_ENTRY = join(repoRoot, 'dist', 'resolve', 'index.js')
const BUILD_ENTRY = join(repoRoot, 'dist', 'index.js')

let reg: TestRegistry
let configDir: string
const images: string[] = []
const cleanups: Array<() => Promise<void>> = []
/** tag reference (without host) → digest docker push reported */
const pushed: Record<string, string> = {}
let indexDigest: string
let armDigest: string

const creds = (): { username: string; password: string } => ({ username: reg.username as string, password: reg.password as string })
const ref = (r: string): string => `${reg.host}/${r}`

async function workspace(files: Record<string, string> = {}): Promise<Workspace> {
  const ws = await makeWorkspace({ files })
  cleanups.push(ws.cleanup)
  return ws
}

/** Builds one FROM-scratch image per seed and pushes it under every `repo:tag` given. */
async function seed(variants: Record<string, string[]>): Promise<void> {
  for (const [name, refs] of Object.entries(variants)) {
    const ws = await workspace({ 'variant.txt': `${name}\n` })
    const local = `resolve-e2e-${name}:${ws.token}`
    images.push(local)
    await dockerBuild(ws.dir, local)
    for (const r of refs) {
      images.push(ref(r))
      await runOk('docker', ['tag', local, ref(r)], { timeoutMs: 30_000 })
      pushed[r] = await dockerPush(ref(r), { configDir })
    }
  }
}

function resolve(ws: Workspace, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ entry: RESOLVE_ENTRY, workspace: ws.dir, inputs, env: { DOCKER_CONFIG: configDir } })
}

beforeAll(async () => {
  for (const entry of [RESOLVE_ENTRY, BUILD_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run bundle' before the e2e tests`)
  }
  reg = await startRegistry({ auth: 'token', anonymousPull: false })
  cleanups.push(() => reg.stop())
  configDir = await makeTempDir('resolve-config')
  cleanups.push(() => removeDir(configDir))
  await dockerLogin(reg, configDir)
  await seed({
    web1: ['e2e/web:1', 'e2e/web:latest', 'e2e/multi:amd64'],
    web2: ['e2e/web:2', 'e2e/api:main', 'e2e/multi:arm64'],
    base: ['e2e/base:3.20']
  })
  const amd = await manifestDescriptor(reg, 'e2e/multi', 'amd64')
  const arm = await manifestDescriptor(reg, 'e2e/multi', 'arm64')
  armDigest = arm.digest
  indexDigest = await pushIndex(reg, 'e2e/multi', 'v1', [
    { ...amd, platform: { os: 'linux', architecture: 'amd64' } },
    { ...arm, platform: { os: 'linux', architecture: 'arm64' } }
  ])
}, 300_000)

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
  await cleanupActionRuns()
  await dockerRmi(images.splice(0))
})

describe('resolve', () => {
  test('resolves tags, an index and an already pinned reference; matches skopeo; one token per repository', async () => {
    const ws = await workspace()
    const pinnedInput = ref(`e2e/web@${pushed['e2e/web:2']}`)
    const inputs = [ref('e2e/web:1'), ref('e2e/web:latest'), ref('e2e/api:main'), ref('e2e/multi:v1'), pinnedInput, ref('e2e/base:3.20')]
    const tokensBefore = reg.tokenIssuer?.requests.length ?? 0
    const run = await resolve(ws, { images: [...inputs, ref('e2e/web:1')].join('\n'), 'list-platforms': 'true' })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    // one token per repository (web, api, multi, base), none per reference (skopeo's checks below fetch their own)
    const tokens = (reg.tokenIssuer?.requests ?? []).slice(tokensBefore)
    expect(tokens.map((t) => t.scope.join(' ')).sort()).toEqual(['api', 'base', 'multi', 'web'].map((r) => `repository:e2e/${r}:pull`))

    const digests = JSON.parse(run.outputs.digests as string) as Record<string, string>
    expect(Object.keys(digests)).toEqual(inputs)
    for (const input of inputs) expect(digests[input]).toBe(await skopeoDigest(input, creds()))
    expect(digests[ref('e2e/multi:v1')]).toBe(indexDigest)
    expect(run.outputs.pinned).toBe(inputs.map((i) => (i === pinnedInput ? i : `${i}@${digests[i]}`)).join('\n'))
    expect(run.outputs.digest).toBeUndefined()

    expect(run.summary).toContain(`\`\`\`text\n${run.outputs.pinned}\n\`\`\``)
    expect(run.summary).toContain(`- \`${ref('e2e/multi:v1')}\`: OCI image index; platforms \`linux/amd64\` \`linux/arm64\``)
    expect(run.summary).toContain(`- \`${ref('e2e/api:main')}\`: Docker image manifest`)
  })

  test('platform picks the platform manifest inside an index', async () => {
    const ws = await workspace()
    const run = await resolve(ws, { images: ref('e2e/multi:v1'), platform: 'linux/arm64' })
    expect(run.code).toBe(0)
    expect(run.outputs.digest).toBe(armDigest)
    expect((await rawManifest(reg, 'e2e/multi', armDigest)).status).toBe(200)
    expect(run.outputs.pinned).toBe(`${ref('e2e/multi:v1')}@${armDigest}`)
  })

  test('a missing tag fails naming it and sets no outputs; fail-on-missing: false skips it', async () => {
    const ws = await workspace()
    const missing = ref('e2e/web:does-not-exist')
    const failed = await resolve(ws, { images: `${ref('e2e/web:1')}\n${missing}` })
    expect(failed.code).not.toBe(0)
    expect(failed.stdout).toContain(`::error::1 of 2 image references could not be resolved:%0A  ${missing}: not found`)
    expect(failed.outputs).toEqual({})

    const skipped = await resolve(ws, { images: `${missing}\n${ref('e2e/web:1')}`, 'fail-on-missing': 'false' })
    expect(skipped.code).toBe(0)
    expect(skipped.outputs.missing).toBe(missing)
    expect(skipped.outputs.pinned).toBe(`${ref('e2e/web:1')}@${pushed['e2e/web:1']}`)
    expect(skipped.stdout).toContain(`::warning::${missing} was not found and is skipped`)
  })

  test('pins deploy files (k8s multi-doc with comments and anchors, compose, Dockerfile), dry run first', async () => {
    const k8s = [
      '# web tier',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      `        - image: &web "${ref('e2e/web:1')}"   # anchored`,
      '          name: web',
      '        - name: again',
      '          image: *web',
      `        - image: ${ref('e2e/other:1')} # not resolved: untouched`,
      '---',
      'kind: Job',
      'spec:',
      '  containers:',
      `  - image: ${ref('e2e/api:main')}@sha256:${'0'.repeat(64)}  # stale pin`,
      ''
    ].join('\n')
    const compose = `services:\n  web:\n    image: '${ref('e2e/web')}'\n  base:\n    image: ${ref('e2e/base:3.20')}\n`
    const dockerfile = `FROM --platform=$BUILDPLATFORM ${ref('e2e/base:3.20')} AS build\nFROM build\nARG X\nFROM \${X}\nFROM ${ref('e2e/web:1')}\n`
    const ws = await workspace({ 'deploy/k8s.yaml': k8s, 'compose.yaml': compose, 'Dockerfile.deploy': dockerfile, 'deploy/broken.txt': 'x' })
    const inputs = {
      images: [ref('e2e/web:1'), ref('e2e/web:latest'), ref('e2e/api:main'), ref('e2e/base:3.20')].join('\n'),
      files: 'deploy/*.yaml\ncompose.yaml\nDockerfile.*'
    }
    const expected = {
      'deploy/k8s.yaml': k8s
        .replace(`"${ref('e2e/web:1')}"`, `"${ref('e2e/web:1')}@${pushed['e2e/web:1']}"`)
        .replace(`${ref('e2e/api:main')}@sha256:${'0'.repeat(64)}`, `${ref('e2e/api:main')}@${pushed['e2e/api:main']}`),
      'compose.yaml': compose
        .replace(`'${ref('e2e/web')}'`, `'${ref('e2e/web:latest')}@${pushed['e2e/web:latest']}'`)
        .replace(`${ref('e2e/base:3.20')}\n`, `${ref('e2e/base:3.20')}@${pushed['e2e/base:3.20']}\n`),
      'Dockerfile.deploy': dockerfile
        .replace(`${ref('e2e/base:3.20')} AS`, `${ref('e2e/base:3.20')}@${pushed['e2e/base:3.20']} AS`)
        .replace(`FROM ${ref('e2e/web:1')}\n`, `FROM ${ref('e2e/web:1')}@${pushed['e2e/web:1']}\n`)
    }

    const dry = await resolve(ws, { ...inputs, write: 'false' })
    expect(dry.code).toBe(0)
    expect(dry.outputs['changed-files']).toBe('Dockerfile.deploy\ncompose.yaml\ndeploy/k8s.yaml')
    expect(await readFile(join(ws.dir, 'deploy/k8s.yaml'), 'utf8')).toBe(k8s)
    expect(dry.summary).toContain('Would pin (dry run, `write: false`): 3 of 3 files changed')

    const run = await resolve(ws, inputs)
    expect(run.code).toBe(0)
    for (const [file, text] of Object.entries(expected)) expect(await readFile(join(ws.dir, file), 'utf8')).toBe(text)
    expect(run.summary).toContain(`-  - image: ${ref('e2e/api:main')}@sha256:${'0'.repeat(64)}  # stale pin`)
    expect(run.summary).toContain(`+  - image: ${ref('e2e/api:main')}@${pushed['e2e/api:main']}  # stale pin`)
    expect(run.summary).toContain('FROM ${X} uses a build argument')
    // a second run finds nothing left to change
    const again = await resolve(ws, inputs)
    expect(again.outputs['changed-files']).toBe('')
  })

  test('an unparsable deploy file is skipped with a warning naming it; the step still resolves and writes nothing to it', async () => {
    const ws = await workspace({ 'k8s/bad.yaml': 'spec:\n  image: [unclosed\n' })
    const run = await resolve(ws, { images: ref('e2e/web:1'), files: 'k8s/*.yaml' })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('::warning::k8s/bad.yaml:3: skipped, nothing written to it: not YAML (line 3)')
    expect(await readFile(join(ws.dir, 'k8s/bad.yaml'), 'utf8')).toBe('spec:\n  image: [unclosed\n')
  })
})

describe('build action with files', () => {
  test('pins references to its own image to the digest it pushed', async () => {
    const image = ref('e2e/app')
    const deploy = `# app\nspec:\n  containers:\n    - image: ${image}:old   # previous build\n    - image: ${ref('e2e/web:1')}\n`
    const ws = await workspace({ 'deploy.yaml': deploy })
    const run = await runAction({
      entry: BUILD_ENTRY,
      workspace: ws.dir,
      inputs: { image, tags: 'v1', files: 'deploy.yaml' },
      env: { DOCKER_CONFIG: configDir }
    })
    images.push(`${image}:v1`)
    expect(run.code).toBe(0)
    const digest = await skopeoDigest(`${image}:v1`, creds())
    expect(run.outputs.digest).toBe(digest)
    expect(run.outputs['changed-files']).toBe('deploy.yaml')
    expect(await readFile(join(ws.dir, 'deploy.yaml'), 'utf8')).toBe(deploy.replace(`${image}:old`, `${image}:v1@${digest}`))
    expect(run.summary).toContain(`+    - image: ${image}:v1@${digest}   # previous build`)
  })
})

