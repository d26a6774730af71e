/**
 * The audit action (dist/audit/index.js) and the GitOps formats of pinning, run with Node 24 the way the runner does,
 * against the real distribution registry (delete enabled). The build action (legacy builder) builds and pushes an
 * image and pins deploy files of every format to it; `kustomize build` and `helm template` must render the digest.
 * Then the registry changes under the files — a tag re-pointed, a manifest deleted, an unlabeled image and an
 * unpinned reference added — and the audit must report each state exactly.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { dockerRmi } from './support/docker'
import { pushTestImage } from './support/oci-fixture'
import { repoRoot } from './support/node24'
import { runOk } from './support/proc'
import { startRegistry, type TestRegistry } from './support/registry'
import { browserTest, chromiumUnavailable, renderSummary, type RenderedSummary } from './support/render-summary'
import { cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { toolPath } from './support/tools'
import { makeWorkspace, type Workspace } from './support/workspace'

const AUDIT_ENTRY = join(repoRoot, 'dist', 'audit', 'index.js')
const BUILD_ENTRY = join(repoRoot, 'dist', 'index.js')
const CHART = join(repoRoot, '__tests__', 'fixtures', 'helm-chart')
const OTHER_COMMIT = '1234567890abcdef1234567890abcdef12345678'

let reg: TestRegistry
let ws: Workspace
let build: ActionRun
let audit: ActionRun
let appDigest: string
let workerOld: string
let workerNew: string
let goneDigest: string
let bareDigest: string
const host = (): string => reg.host
const repo = (name: string): string => `${reg.host}/e2e-audit/${name}`

const FILES = ['k8s/app.yaml', 'k8s/overlay/kustomization.yaml', 'charts/demo/**/*.yaml', 'compose.yaml', '.github/workflows/*.yml', 'Dockerfile.deploy'].join('\n')

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(ws.dir, rel)), { recursive: true })
  writeFileSync(join(ws.dir, rel), text)
}
const read = (rel: string): string => readFileSync(join(ws.dir, rel), 'utf8')
/** 1-based line of the first line of `rel` containing `needle`. */
function lineOf(rel: string, needle: string): number {
  const i = read(rel)
    .split('\n')
    .findIndex((l) => l.includes(needle))
  if (i < 0) throw new Error(`${needle} not in ${rel}`)
  return i + 1
}

function deployFiles(): void {
  write('k8s/app.yaml', `apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: app # the app\r\nspec:\r\n  containers:\r\n    - name: app\r\n      image: "${repo('app')}:v1"\r\n`)
  write('k8s/base/kustomization.yaml', 'resources:\n  - pod.yaml\n')
  write('k8s/base/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app\n')
  write('k8s/overlay/kustomization.yaml', `resources:\n  - ../base\nimages:\n  - name: app\n    newName: ${repo('app')}\n    newTag: v1 # release\n`)
  cpSync(CHART, join(ws.dir, 'charts', 'demo'), { recursive: true })
  write(
    'charts/demo/values.yaml',
    `image:\n  repository: ${repo('app')}\n  tag: "v1"\ndb:\n  image:\n    registry: ${host()}\n    repository: e2e-audit/app\n    tag: v1\n    digest: ""\n`
  )
  write('compose.yaml', `x-app: &app\n  image: ${repo('app')}:v1\n  restart: always\nservices:\n  web:\n    <<: *app\n  again:\n    <<: *app\n`)
  write('.github/workflows/deploy.yml', `on: push\njobs:\n  smoke:\n    runs-on: ubuntu-latest\n    container: ${repo('app')}:v1\n    steps:\n      - run: true\n`)
  write('Dockerfile.deploy', `FROM ${repo('app')}:v1 AS app\n`)
}

beforeAll(async () => {
  for (const entry of [AUDIT_ENTRY, BUILD_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run bundle' before the e2e tests`)
  }
  reg = await startRegistry({ auth: 'anonymous' })
  ws = await makeWorkspace()
  deployFiles()
  build = await runAction({ entry: BUILD_ENTRY, workspace: ws.dir, inputs: { image: repo('app'), tags: 'v1', files: FILES }, github: { sha: ws.sha } })
  if (build.code !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`)
  appDigest = build.outputs.digest as string

  // the registry moves on under the pinned files
  const labels = { 'git-commit': ws.sha, 'build-number': '41', 'org.opencontainers.image.source': 'https://github.com/e2e/app' }
  workerOld = (await pushTestImage(reg, 'e2e-audit/worker', 'v1', { labels, salt: 'old' })).digest
  workerNew = (await pushTestImage(reg, 'e2e-audit/worker', 'v1', { labels: { ...labels, 'build-number': '43' }, salt: 'new' })).digest
  goneDigest = (await pushTestImage(reg, 'e2e-audit/gone', 'v1', { labels, salt: 'gone' })).digest
  const del = await fetch(`http://${host()}/v2/e2e-audit/gone/manifests/${goneDigest}`, { method: 'DELETE' })
  if (del.status !== 202) throw new Error(`DELETE answered ${del.status}`)
  bareDigest = (await pushTestImage(reg, 'e2e-audit/bare', 'v1', { labels: {}, salt: 'bare' })).digest
  write('compose.yaml', `${read('compose.yaml')}  worker:\n    image: ${repo('worker')}:v1@${workerOld}\n`)
  write('k8s/app.yaml', `${read('k8s/app.yaml')}    - name: gone\r\n      image: ${repo('gone')}:v1@${goneDigest}\r\n`)
  write(
    '.github/workflows/deploy.yml',
    `${read('.github/workflows/deploy.yml')}    services:\n      bare:\n        image: ${repo('bare')}@${bareDigest}\n  tool:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://${repo('worker')}:v1\n`
  )
  audit = await runAction({ entry: AUDIT_ENTRY, workspace: ws.dir, inputs: { files: FILES } })
}, 300_000)

afterAll(async () => {
  await cleanupActionRuns()
  await dockerRmi([`${repo('app')}:v1`]).catch(() => undefined)
  await ws?.cleanup()
  await reg?.stop()
})

describe('pinning the GitOps formats (build action)', () => {
  test('every format names the pushed digest; every other byte is kept', () => {
    expect(build.outputs['changed-files']?.split('\n').sort()).toEqual(['.github/workflows/deploy.yml', 'Dockerfile.deploy', 'charts/demo/values.yaml', 'compose.yaml', 'k8s/app.yaml', 'k8s/overlay/kustomization.yaml'])
    const pinned = `${repo('app')}:v1@${appDigest}`
    expect(read('k8s/overlay/kustomization.yaml')).toBe(`resources:\n  - ../base\nimages:\n  - name: app\n    newName: ${repo('app')}\n    newTag: v1 # release\n    digest: ${appDigest}\n`)
    expect(read('charts/demo/values.yaml')).toContain(`  tag: "v1@${appDigest}"\n`)
    expect(read('charts/demo/values.yaml')).toContain(`    tag: v1\n    digest: "${appDigest}"\n`)
    expect(read('charts/demo/templates/deployment.yaml')).toBe(readFileSync(join(CHART, 'templates', 'deployment.yaml'), 'utf8'))
    expect(read('compose.yaml').startsWith(`x-app: &app\n  image: ${pinned}\n  restart: always\n`)).toBe(true)
    expect(read('.github/workflows/deploy.yml')).toContain(`    container: ${pinned}\n`)
    expect(read('Dockerfile.deploy')).toBe(`FROM ${pinned} AS app\n`)
    expect(read('k8s/app.yaml')).toContain(`      image: "${pinned}"\r\n`)
    expect(build.stdout).toContain('::warning::charts/demo/templates/deployment.yaml:4: skipped, nothing written to it: a template')
  })

  test('kustomize build renders the digest', async () => {
    const out = await runOk(await toolPath('kustomize', 'kustomize'), ['build', join(ws.dir, 'k8s', 'overlay')], { timeoutMs: 60_000 })
    expect(out.stdout).toContain(`image: ${repo('app')}:v1@${appDigest}`)
  }, 600_000)

  test('helm template renders the digest, in the tag and through the digest key', async () => {
    const out = await runOk(await toolPath('helm', 'helm'), ['template', 'demo', join(ws.dir, 'charts', 'demo')], { timeoutMs: 60_000 })
    expect(out.stdout).toContain(`image: "${repo('app')}:v1@${appDigest}"`)
    expect(out.stdout).toContain(`image: "${host()}/e2e-audit/app@${appDigest}"`)
  }, 900_000)
})

describe('audit', () => {
  test('reports each state exactly, at each file and line', () => {
    const report = JSON.parse(audit.outputs.report as string) as Array<{ file: string; line: number; reference: string | null; state: string; digest: string | null; tagDigest: string | null; labels: Record<string, Record<string, string>> }>
    const got = report.map((e) => `${e.file}:${e.line} ${e.state}`)
    const pinnedApp = (file: string, needle = appDigest): string => `${file}:${lineOf(file, needle)} pinned`
    expect(got).toEqual([
      pinnedApp('.github/workflows/deploy.yml'),
      `.github/workflows/deploy.yml:${lineOf('.github/workflows/deploy.yml', bareDigest)} unlabeled`,
      `.github/workflows/deploy.yml:${lineOf('.github/workflows/deploy.yml', 'docker://')} unpinned`,
      pinnedApp('Dockerfile.deploy'),
      `charts/demo/templates/deployment.yaml:4 skipped`,
      `charts/demo/values.yaml:2 pinned`,
      `charts/demo/values.yaml:7 pinned`,
      pinnedApp('compose.yaml'),
      `compose.yaml:${lineOf('compose.yaml', workerOld)} moved`,
      pinnedApp('k8s/app.yaml'),
      `k8s/app.yaml:${lineOf('k8s/app.yaml', goneDigest)} missing`,
      `k8s/overlay/kustomization.yaml:4 pinned`
    ])
    const moved = report.find((e) => e.state === 'moved')
    expect(moved).toMatchObject({ reference: `${repo('worker')}:v1@${workerOld}`, digest: workerOld, tagDigest: workerNew })
    expect(report.find((e) => e.state === 'unpinned')).toMatchObject({ reference: `${repo('worker')}:v1`, digest: null, tagDigest: workerNew })
    const app = report.find((e) => e.file === 'k8s/overlay/kustomization.yaml')
    expect(app).toMatchObject({ reference: `${repo('app')}:v1@${appDigest}`, digest: appDigest, tagDigest: appDigest })
    expect(app?.labels['linux/amd64']).toMatchObject({ 'git-commit': ws.sha, 'build-number': '42', 'org.opencontainers.image.revision': ws.sha })
    expect(audit.outputs).toMatchObject({ pinned: '7', missing: '1', moved: '1', unpinned: '1', unlabeled: '1', 'other-commit': '0', skipped: '1', unknown: '0' })
  })

  test('the default fail-on (missing, unpinned) fails the step, after the outputs and the summary', () => {
    expect(audit.code).toBe(1)
    expect(audit.stdout).toMatch(/::error::2 of 12 reference\(s\) are missing or unpinned:/)
    expect(audit.summary).toContain('### Audit: 12 references in 8 files')
  })

  test('fail-on decides the exit code; expect-commit finds images from another commit', async () => {
    const none = await runAction({ entry: AUDIT_ENTRY, workspace: ws.dir, inputs: { files: FILES, 'fail-on': 'none' } })
    expect(none.code).toBe(0)
    const same = await runAction({ entry: AUDIT_ENTRY, workspace: ws.dir, inputs: { files: FILES, 'fail-on': 'other-commit', 'expect-commit': ws.sha } })
    expect(same.code).toBe(0)
    const other = await runAction({ entry: AUDIT_ENTRY, workspace: ws.dir, inputs: { files: FILES, 'fail-on': 'other-commit', 'expect-commit': OTHER_COMMIT } })
    expect(other.code).toBe(1)
    expect(other.outputs['other-commit']).toBe('8')
    const bad = await runAction({ entry: AUDIT_ENTRY, workspace: ws.dir, inputs: { files: FILES, 'fail-on': 'drift' } })
    expect(bad.code).toBe(1)
    expect(bad.outputs).toEqual({})
    expect(bad.summary).toBe('')
  }, 120_000)

  test('writes nothing', () => {
    expect(audit.stdout).not.toMatch(/Pinned \d+ reference/)
  })
})

describe('audit summary in a browser', () => {
  let r: RenderedSummary
  beforeAll(async () => {
    if (chromiumUnavailable() === undefined) r = await renderSummary(audit.summary, { name: 'e2e-audit' })
  }, 60_000)

  browserTest('one table, the failing states first, commit linked, nothing overflows or shows raw markdown', async () => {
    expect(r.tables).toHaveLength(1)
    const t = r.tables[0]!
    expect(t.headers).toEqual(['file:line', 'image', 'state', 'commit', 'build', 'age'])
    expect(t.rows.slice(0, 2).map((row) => row[2]?.split(/\s/)[0])).toEqual(['missing', 'unpinned'])
    const appRow = t.rows.find((row) => row[0] === `k8s/overlay/kustomization.yaml:4`)
    expect(appRow?.[3]).toBe(ws.sha.slice(0, 12))
    expect(appRow?.[4]).toBe('#42')
    expect(r.html).toContain(`/commit/${ws.sha}"`)
    expect(r.artefacts).toEqual([])
    for (const w of r.widths) expect({ width: w.width, overflows: w.overflows }).toEqual({ width: w.width, overflows: [] })
  })
})
