/**
 * What real registries do that the distribution registry does not (issue 17), played by the fault proxy in front of
 * a real registry, against the bundled actions: the build's read-back (legacy builder, docker push), resolve and
 * merge. Every run either survives with the digest the registry holds, or fails clearly with no outputs; a digest
 * that is not the registry's counts as wrong, and 0 wrong digests is the bar. A table of verdicts is printed at the
 * end. The deploy-file cases (workspace, encodings, skips, scale) run resolve against the same registry.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  dockerRmi,
  makeTempDir,
  makeWorkspace,
  pushTestImage,
  pushTestIndex,
  registryError,
  removeDir,
  repoRoot,
  skopeoDigest,
  startFaultProxy,
  startRegistry,
  writeDockerConfig,
  type FaultProxy,
  type FaultRule,
  type TestRegistry,
  type Workspace
} from './support'
import { cleanupActionRuns, runAction, type ActionRun } from './support/run-action'

const RESOLVE = path.join(repoRoot, 'dist/resolve/index.js')
const MERGE = path.join(repoRoot, 'dist/merge/index.js')
const OURS = /^pinned-build-action/
const COMMIT = 'c'.repeat(40)

let reg: TestRegistry
let proxy: FaultProxy
let ws: Workspace
let configDir: string
const localTags: string[] = []
const table: Array<{ behaviour: string; action: string; verdict: string; wrong: number }> = []

beforeAll(async () => {
  ;[reg, ws] = await Promise.all([startRegistry({ auth: 'anonymous' }), makeWorkspace()])
  proxy = await startFaultProxy(reg)
  configDir = await makeTempDir('real-registries-config')
  writeDockerConfig(configDir, { auths: {} })
  await pushTestImage(reg, 'rr/app', 'v1', { labels: { 'git-commit': COMMIT, 'build-number': '1' } })
  for (const arch of ['amd64', 'arm64']) {
    await pushTestImage(reg, 'rr/m', `src-${arch}`, { platform: { os: 'linux', architecture: arch }, labels: { 'git-commit': COMMIT, 'build-number': '1' } })
  }
}, 120_000)

afterAll(async () => {
  const lines = ['| behaviour | action | verdict | wrong digests |', '| --- | --- | --- | ---: |', ...table.map((r) => `| ${r.behaviour} | ${r.action} | ${r.verdict} | ${r.wrong} |`)]
  lines.push(`| **total** | | ${table.filter((r) => r.verdict === 'survived').length} survived, ${table.filter((r) => r.verdict !== 'survived').length} clear failures | **${table.reduce((n, r) => n + r.wrong, 0)}** |`)
  console.log(`Real registries' behaviours (${table.length} runs):\n${lines.join('\n')}`)
  await proxy?.stop()
  await reg?.stop()
  await ws?.cleanup()
  await removeDir(configDir)
  await cleanupActionRuns()
  await dockerRmi(localTags)
})

function explain(run: ActionRun): string {
  return `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`
}

type Action = 'build' | 'resolve' | 'merge'

/** Runs one action through the proxy; returns the run and the digest the registry really holds for what it named. */
async function act(action: Action, tag: string, inputs: Record<string, string> = {}): Promise<{ run: ActionRun; truth: () => Promise<string> }> {
  const env = { DOCKER_CONFIG: configDir, DOCKER_BUILDKIT: '0' }
  if (action === 'build') {
    const run = await runAction({ workspace: ws.dir, inputs: { image: `${proxy.host}/rr/build`, tags: tag, summary: 'false', ...inputs }, env })
    localTags.push(`${proxy.host}/rr/build:${tag}`)
    return { run, truth: () => skopeoDigest(`${reg.host}/rr/build:${tag}`) }
  }
  if (action === 'resolve') {
    const run = await runAction({ entry: RESOLVE, workspace: ws.dir, inputs: { images: `${proxy.host}/rr/app:v1`, summary: 'false', ...inputs }, env })
    return { run, truth: () => skopeoDigest(`${reg.host}/rr/app:v1`) }
  }
  const run = await runAction({
    entry: MERGE,
    workspace: ws.dir,
    inputs: { image: `${proxy.host}/rr/m`, sources: 'src-amd64\nsrc-arm64', tags: tag, 'require-same-commit': 'false', summary: 'false', ...inputs },
    env
  })
  const repo = (inputs.image ?? `${proxy.host}/rr/m`).slice(proxy.host.length + 1)
  return { run, truth: () => skopeoDigest(`${reg.host}/${repo}:${tag}`) }
}

/**
 * One behaviour for one action: `survive` — exit 0 and the digest the registry holds; else a clear failure — a
 * non-zero exit, no outputs, one error matching `fail`. A digest output that is not the registry's is counted.
 */
async function behaviour(name: string, action: Action, rules: FaultRule[], expected: { survive: true } | { fail: RegExp }, inputs: Record<string, string> = {}): Promise<ActionRun> {
  proxy.clear()
  const first = proxy.requests.length
  for (const r of rules) proxy.addRule({ userAgent: OURS, ...r })
  const tag = `${action}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 100)
  const { run, truth } = await act(action, tag, inputs)
  const injected = proxy.requests.slice(first).filter((r) => r.fault).length
  const row = { behaviour: name, action, verdict: run.code === 0 ? 'survived' : 'clear failure', wrong: 0 }
  table.push(row)
  if (run.outputs.digest && run.outputs.digest !== (await truth().catch(() => ''))) row.wrong++
  expect(row.wrong).toBe(0)
  if ('survive' in expected) {
    if (run.code !== 0) throw new Error(`expected ${action} to survive '${name}':\n${explain(run)}`)
    expect(run.outputs.digest).toBe(await truth())
  } else {
    if (run.code === 0) throw new Error(`expected ${action} to fail clearly on '${name}', it gave ${run.outputs.digest}:\n${explain(run)}`)
    expect(run.outputs).toEqual({})
    const errors = [...run.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => (m[1] as string).replace(/%0A/g, '\n'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(expected.fail)
  }
  return Object.assign(run, { injected })
}

const anyManifest = /^\/v2\/rr\/[^/]+\/manifests\/[^/?]+$/
const ALL_TYPES = /application\/vnd\.oci\.image\.index\.v1\+json.*application\/vnd\.oci\.image\.manifest\.v1\+json.*application\/vnd\.docker\.distribution\.manifest\.list\.v2\+json.*application\/vnd\.docker\.distribution\.manifest\.v2\+json/
const SCHEMA1 = JSON.stringify({ schemaVersion: 1, name: 'rr/app', tag: 'v1', architecture: 'amd64', fsLayers: [], history: [] })

describe.each<Action>(['build', 'resolve', 'merge'])('%s against real registries’ behaviours', (action) => {
  test('Amazon ECR: no Docker-Content-Digest on any manifest answer → confirmed by a GET by digest', async () => {
    await behaviour('ECR no digest header', action, [{ method: 'HEAD', path: anyManifest, fault: { dropHeaders: ['docker-content-digest'] }, times: Infinity }], { survive: true })
  })

  test('Artifactory: X-Checksum-Sha256 and application/octet-stream on HEAD', async () => {
    await behaviour('Artifactory HEAD headers', action, [{ method: 'HEAD', path: anyManifest, fault: { artifactoryHeaders: true }, times: Infinity }], { survive: true })
  })

  test('Azure ACR: MANIFEST_UNKNOWN unless the OCI types are in Accept → all four are always sent', async () => {
    const acr = (method: string): FaultRule => ({ method, path: anyManifest, unlessAccept: /application\/vnd\.oci\.image\.index\.v1\+json/, fault: registryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown'), times: Infinity })
    await behaviour('ACR Accept without OCI types', action, [acr('GET'), acr('HEAD')], { survive: true })
  })

  test('Quay: schema 1 when Accept lacks a type → all four are sent, never schema 1', async () => {
    await behaviour('Quay Accept lacking a type', action, [{ method: 'GET', path: anyManifest, unlessAccept: ALL_TYPES, fault: { status: 200, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, body: SCHEMA1 }, times: Infinity }], { survive: true })
  })

  test('HEAD not implemented (405) → GET and hash', async () => {
    const run = await behaviour('HEAD 405', action, [{ method: 'HEAD', path: anyManifest, fault: registryError(405, 'UNSUPPORTED', 'method not allowed'), times: Infinity }], { survive: true })
    expect((run as ActionRun & { injected: number }).injected).toBeGreaterThan(0)
  })

  test('a HEAD by tag naming a digest the registry does not hold → a clear failure, never that digest', async () => {
    const wrong = `sha256:${'e'.repeat(64)}`
    const byTag = /^\/v2\/rr\/[^/]+\/manifests\/(?!sha256:)[^/?]+$/
    await behaviour('lying HEAD by tag', action, [{ method: 'HEAD', path: byTag, fault: { setHeaders: { 'docker-content-digest': wrong } }, times: Infinity }], { fail: /holds no manifest under that digest|inconsistent/ })
  })
})

describe('schema 1, 413 and attestations', () => {
  test('a registry answering Docker schema 1 anyway → resolve refuses it clearly', async () => {
    await behaviour('schema 1 answer', 'resolve', [
      { method: 'HEAD', path: anyManifest, fault: { status: 200, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' } }, times: Infinity }
    ], { fail: /Docker schema 1 manifest.*not supported/ })
  })

  test('413 above the registry’s manifest size limit → merge fails naming the size and the 4 MiB floor', async () => {
    await behaviour('413 manifest too large', 'merge', [{ method: 'PUT', path: anyManifest, fault: registryError(413, 'SIZE_INVALID', 'manifest too large: limit is 4194304 bytes'), times: Infinity }], {
      fail: /rejected manifest .* as too large \(HTTP 413: SIZE_INVALID: manifest too large: limit is 4194304 bytes\): it is \d+ bytes[\s\S]*at least 4 MiB/
    })
  })

  test('attestation manifests rejected (GitLab, ECR) → merge fails naming the answer and attestations: false, which then works', async () => {
    const src = await pushTestIndex(reg, 'rr/src', 'v1', { commit: COMMIT })
    const attestation = new RegExp(`^/v2/rr/m2/manifests/(${src.attestations.map((a) => a.digest).join('|')})$`)
    const rules: FaultRule[] = [{ method: 'PUT', path: attestation, fault: registryError(400, 'MANIFEST_INVALID', 'manifest invalid: subject is not supported'), times: Infinity }]
    const inputs = { image: `${proxy.host}/rr/m2`, sources: `${proxy.host}/rr/src:v1` }
    await behaviour('attestation rejected', 'merge', rules, { fail: /MANIFEST_INVALID: manifest invalid: subject is not supported[\s\S]*'attestations: false'/ }, inputs)
    // with the switch no attestation manifest is written, so the same registry takes the merge
    await behaviour('attestation rejected, attestations: false', 'merge', rules, { survive: true }, { ...inputs, attestations: 'false' })
  })
})

describe('deploy files (resolve)', () => {
  const resolveFiles = (files: string, extra: Record<string, string> = {}): Promise<ActionRun> =>
    runAction({ entry: RESOLVE, workspace: ws.dir, inputs: { images: `${proxy.host}/rr/app:v1`, files, summary: 'true', ...extra }, env: { DOCKER_CONFIG: configDir } })

  test('outside the workspace (.., absolute, a link out) → refused naming the input and path, nothing read', async () => {
    const outside = await makeTempDir('real-registries-outside')
    writeFileSync(path.join(outside, 'x.yaml'), `image: ${proxy.host}/rr/app:v1 # do-not-quote\n`)
    mkdirSync(path.join(ws.dir, 'links'), { recursive: true })
    symlinkSync(path.join(outside, 'x.yaml'), path.join(ws.dir, 'links', 'x.yaml'))
    for (const files of [`../${path.basename(outside)}/x.yaml`, path.join(outside, 'x.yaml'), 'links/*.yaml']) {
      const run = await resolveFiles(files)
      expect(run.code).not.toBe(0)
      expect(run.stdout).toMatch(/::error::Input 'files': .*outside the workspace/)
      expect(run.stdout).not.toContain('do-not-quote')
      expect(readFileSync(path.join(outside, 'x.yaml'), 'utf8')).toContain('rr/app:v1 #')
    }
    await removeDir(outside)
  })

  test('a Latin-1 file is refused by name and no file is written; aliases are pinned through their anchor', async () => {
    mkdirSync(path.join(ws.dir, 'deploy'), { recursive: true })
    const good = `x-img: &img ${proxy.host}/rr/app:v1\nservices:\n  a:\n    image: *img\n  b:\n    image: "{{ .Values.image }}"\n`
    writeFileSync(path.join(ws.dir, 'deploy', 'a.yaml'), good)
    writeFileSync(path.join(ws.dir, 'deploy', 'b.yaml'), Buffer.from(`# caf\xe9\nimage: ${proxy.host}/rr/app:v1\n`, 'latin1'))
    const bad = await resolveFiles('deploy/*.yaml')
    expect(bad.code).not.toBe(0)
    expect(bad.stdout).toMatch(/::error::Input 'files': deploy\/b\.yaml is not valid UTF-8/)
    expect(readFileSync(path.join(ws.dir, 'deploy', 'a.yaml'), 'utf8')).toBe(good)
    const ok = await resolveFiles('deploy/a.yaml')
    expect(ok.code).toBe(0)
    const digest = await skopeoDigest(`${reg.host}/rr/app:v1`)
    expect(readFileSync(path.join(ws.dir, 'deploy', 'a.yaml'), 'utf8')).toBe(good.replace('rr/app:v1\n', `rr/app:v1@${digest}\n`))
    expect(ok.outputs['changed-files']).toBe('deploy/a.yaml')
    expect(ok.summary).toContain('is a template')
  })

  test('a 5 MB file with 550 references is pinned in one run', async () => {
    const env = Array.from({ length: 60 }, (_, j) => `            - name: V${j}\n              value: "${'x'.repeat(100)}"`).join('\n')
    const doc = (i: number): string => `kind: Deployment\nmetadata:\n  name: a${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ${proxy.host}/rr/app:v1\n          env:\n${env}\n`
    writeFileSync(path.join(ws.dir, 'big.yaml'), Array.from({ length: 550 }, (_, i) => doc(i)).join('---\n'))
    const run = await resolveFiles('big.yaml')
    if (run.code !== 0) throw new Error(explain(run))
    const digest = await skopeoDigest(`${reg.host}/rr/app:v1`)
    expect(readFileSync(path.join(ws.dir, 'big.yaml'), 'utf8').split(`rr/app:v1@${digest}`)).toHaveLength(551)
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1024 * 1024)
    console.log(`5 MB, 550 references: resolve run ${run.durationMs} ms in all`)
  })
})
