import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { auditDeployFiles, runAudit, type AuditDeps, type AuditResult } from '../../src/audit/main'
import { readAuditInputs } from '../../src/audit/inputs'
import { age, renderAuditSummary } from '../../src/audit/report'
import { useActionFiles } from '../helpers/action-files'
import { captureStdout } from '../helpers/capture'
import { FakeRegistry, REGISTRY, fakeRegistries } from '../helpers/fake-registry'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const OTHER = 'ffffffffffffffffffffffffffffffffffffffff'
const GONE = `sha256:${'0'.repeat(64)}`
const SOURCE = 'https://github.com/acme/app'
const labels = (commit = SHA, build = '7'): Record<string, string> => ({
  'git-commit': commit,
  'build-number': build,
  'org.opencontainers.image.source': SOURCE,
  'org.opencontainers.image.revision': commit,
  'org.opencontainers.image.created': '2024-05-01T10:00:00Z'
})
const amd64 = { os: 'linux', architecture: 'amd64' }
const arm64 = { os: 'linux', architecture: 'arm64' }
const NOW = Date.parse('2024-05-04T12:00:00Z')

const files = useActionFiles('audit-unit-')
const { dir } = files

function write(name: string, text: string): void {
  writeFileSync(path.join(dir, name), text)
}

function deps(reg: FakeRegistry, inputs: Record<string, string>): AuditDeps {
  return { openRegistries: fakeRegistries(reg), readInput: (n) => inputs[n] ?? '', cwd: dir, env: { DOCKER_CONFIG: dir }, now: () => NOW }
}

async function audit(reg: FakeRegistry, inputs: Record<string, string>): Promise<AuditResult> {
  const r = await captureStdout(() => auditDeployFiles(deps(reg, inputs)))
  if (r.error) throw r.error
  return r.result as AuditResult
}

/** A registry holding: api (labelled, two platforms, tag v1 moved on), worker (labelled), bare (no labels). */
function registry(): { reg: FakeRegistry; api: string; apiNew: string; apiAmd: string; worker: string; bare: string } {
  const reg = new FakeRegistry()
  const a1 = reg.putImage('acme/api', labels(), [], { platform: amd64 })
  const a2 = reg.putImage('acme/api', labels(), [], { platform: arm64 })
  const api = reg.putIndex('acme/api', ['v1'], [{ digest: a1.digest, ...amd64 }, { digest: a2.digest, ...arm64 }])
  const apiNew = reg.putImage('acme/api', labels(OTHER, '8'), ['v1'], { platform: amd64, layer: 'new' }).digest
  const worker = reg.putImage('acme/worker', labels(), ['v2']).digest
  const bare = reg.putImage('acme/bare', {}, ['v3']).digest
  return { reg, api, apiNew, apiAmd: a1.digest, worker, bare }
}

describe('audit', () => {
  it('gives every reference of every format one state, reading each digest and each tag once', async () => {
    const { reg, api, apiNew, worker, bare } = registry()
    write('deploy.yaml', `spec:\n  containers:\n    - image: ${REGISTRY}/acme/api:v1@${api}\n    - image: ${REGISTRY}/acme/api:v1@${api}\n    - image: \${IMAGE}\n`)
    write('kustomization.yaml', `images:\n- name: worker\n  newName: ${REGISTRY}/acme/worker\n  newTag: v2\n  digest: ${worker}\n`)
    write('values.yaml', `image:\n  repository: ${REGISTRY}/acme/api\n  tag: v1\n`)
    write('compose.yaml', `services:\n  gone:\n    image: ${REGISTRY}/acme/gone@${GONE}\n  bare:\n    image: ${REGISTRY}/acme/bare:v3@${bare}\n`)
    write('template.yaml', 'spec:\n  image: {{ .Values.image }}\n')
    const result = await audit(reg, { files: '*.yaml' })
    expect(result.entries.map((e) => [e.file, e.line, e.state])).toEqual([
      ['compose.yaml', 3, 'missing'],
      ['compose.yaml', 5, 'unlabeled'],
      ['deploy.yaml', 3, 'moved'],
      ['deploy.yaml', 4, 'moved'],
      ['deploy.yaml', 5, 'skipped'],
      ['kustomization.yaml', 2, 'pinned'],
      ['template.yaml', 2, 'skipped'],
      ['values.yaml', 2, 'unpinned']
    ])
    const report = JSON.parse(result.outputs.report as string) as Array<Record<string, unknown>>
    expect(report[2]).toEqual({
      file: 'deploy.yaml',
      line: 3,
      reference: `${REGISTRY}/acme/api:v1@${api}`,
      state: 'moved',
      image: `${REGISTRY}/acme/api`,
      digest: api,
      tagDigest: apiNew,
      labels: { 'linux/amd64': labels(), 'linux/arm64': labels() },
      reason: `tag v1 now points to ${apiNew}`
    })
    expect(report[7]).toMatchObject({ reference: `${REGISTRY}/acme/api:v1`, state: 'unpinned', digest: null, tagDigest: apiNew })
    expect(report[6]).toMatchObject({ reference: null, state: 'skipped', reason: expect.stringMatching(/^a template/) })
    expect(result.outputs).toMatchObject({ pinned: '1', missing: '1', moved: '2', unpinned: '1', unlabeled: '1', 'other-commit': '0', skipped: '2', unknown: '0' })
    expect(result.failing.map((e) => e.state)).toEqual(['missing', 'unpinned'])
    // one read per distinct digest (api's index, 2 platform manifests + configs; worker; bare; gone) and per tag (api:v1, worker:v2, bare:v3)
    const gets = reg.requests.filter((r) => r.method === 'GET' && /\/manifests\//.test(r.url)).map((r) => r.url.replace(/^.*\/v2\//, ''))
    expect(new Set(gets).size).toBe(gets.length)
    const heads = reg.requests.filter((r) => r.method === 'HEAD').map((r) => r.url.replace(/^.*\/v2\//, ''))
    // a tag's digest is reported only once confirmed by digest (registry/confirm.ts): the tag api:v1 moved to a digest
    // no reference pins, so that one is confirmed with a HEAD by digest; the others were read by digest already
    expect(heads.sort()).toEqual([`acme/api/manifests/${apiNew}`, 'acme/api/manifests/v1', 'acme/bare/manifests/v3', 'acme/worker/manifests/v2'].sort())
  })

  it('says other-commit against expect-commit, and a platform manifest pinned out of its tag index is not moved', async () => {
    const { reg, apiAmd, worker } = registry()
    const reg2 = reg
    // api:v9 is the index holding apiAmd
    reg2.putIndex('acme/api', ['v9'], [{ digest: apiAmd, ...amd64 }])
    write('k.yaml', `a:\n  image: ${REGISTRY}/acme/api:v9@${apiAmd}\nb:\n  image: ${REGISTRY}/acme/worker:v2@${worker}\n`)
    const same = await audit(reg, { files: 'k.yaml', 'expect-commit': SHA.slice(0, 7) })
    expect(same.entries.map((e) => e.state)).toEqual(['pinned', 'pinned'])
    const other = await audit(reg, { files: 'k.yaml', 'expect-commit': OTHER })
    expect(other.entries.map((e) => [e.state, e.reason])).toEqual([
      ['other-commit', `built from ${SHA}, not ${OTHER}`],
      ['other-commit', `built from ${SHA}, not ${OTHER}`]
    ])
  })

  it('fails the step on fail-on states after writing the outputs and the summary', async () => {
    const { reg, worker } = registry()
    write('f.yaml', `a:\n  image: ${REGISTRY}/acme/worker:v2\nb:\n  image: ${REGISTRY}/acme/worker:v2@${worker}\n`)
    const r = await captureStdout(() => runAudit(deps(reg, { files: 'f.yaml' })))
    expect(process.exitCode).toBe(1)
    expect(r.out).toContain('::error::1 of 2 reference(s) are unpinned:%0A  f.yaml:2')
    expect(files.outputs()).toMatchObject({ unpinned: '1', pinned: '1' })
    expect(JSON.parse(files.outputs().report as string)).toHaveLength(2)
    expect(files.summary()).toContain('### Audit: 2 references in 1 file')
    process.exitCode = undefined
    await captureStdout(() => runAudit(deps(reg, { files: 'f.yaml', 'fail-on': 'missing' })))
    expect(process.exitCode).toBeUndefined()
  })

  it('bad input fails with the input named and writes nothing', async () => {
    const { reg } = registry()
    write('g.yaml', 'image: nginx:1\n')
    const r = await captureStdout(() => runAudit(deps(reg, { files: 'g.yaml', 'fail-on': 'missing,stale' })))
    expect(process.exitCode).toBe(1)
    expect(r.out).toContain("::error::Input 'fail-on': 'stale' is not a state")
    expect(readFileSync(files.outFile, 'utf8')).toBe('')
    expect(readFileSync(files.summaryFile, 'utf8')).toBe('')
    expect(reg.requests).toEqual([])
    expect(() => readAuditInputs((n) => ({ files: 'x', 'expect-commit': 'main' })[n] ?? '')).toThrow(/^Input 'expect-commit': 'main' is not a commit SHA/)
    expect(() => readAuditInputs((n) => ({ files: 'x', username: 'u', password: 'p' })[n] ?? '')).toThrow(/^Input 'registry': is required when 'username' is set/)
    expect(readAuditInputs((n) => ({ files: 'x', 'fail-on': 'none' })[n] ?? '').failOn).toEqual([])
  })

  it('an unanswering registry leaves its references unknown, with the reason', async () => {
    const { reg, worker } = registry()
    reg.intercept = (url) => (url.pathname.includes('/acme/worker/') ? { status: 403, headers: {}, body: Buffer.from('denied'), url: url.toString() } : undefined)
    write('u.yaml', `image: ${REGISTRY}/acme/worker:v2@${worker}\n`)
    const result = await audit(reg, { files: 'u.yaml', 'registry-timeout': '5' })
    expect(result.entries.map((e) => e.state)).toEqual(['unknown'])
    expect(result.entries[0]?.reason).toMatch(/403/)
  }, 30_000)
})

describe('audit summary', () => {
  it('puts the failing states first and links the commit and the run list of the commit', () => {
    const base = { labels: {}, image: 'reg/x', tagDigest: null }
    const md = renderAuditSummary(
      [
        { ...base, file: 'a.yaml', line: 1, reference: `reg/x:v1@sha256:${'1'.repeat(64)}`, state: 'pinned', digest: `sha256:${'1'.repeat(64)}`, labels: { 'linux/amd64': labels() } },
        { ...base, file: 'b.yaml', line: 9, reference: 'reg/x:v1', state: 'unpinned', digest: null }
      ],
      ['unpinned'],
      NOW,
      2
    )
    expect(md.indexOf('b.yaml:<wbr>9')).toBeGreaterThan(0)
    expect(md.indexOf('b.yaml:<wbr>9')).toBeLessThan(md.indexOf('a.yaml:<wbr>1'))
    expect(md).toContain(`<a href="${SOURCE}/commit/${SHA}"><code>${SHA.slice(0, 12)}</code></a>`)
    expect(md).toContain(`<a href="${SOURCE}/commit/${SHA}/checks">#7</a>`)
    expect(md).toContain('<td>3\u00a0d</td>')
    expect(md).toContain('1 unpinned · 1 pinned')
  })

  it('says ages in the largest whole unit', () => {
    expect(age('2024-05-04T11:59:30Z', NOW)).toBe('30\u00a0s')
    expect(age('2024-05-04T11:00:00Z', NOW)).toBe('1\u00a0h')
    expect(age(undefined, NOW)).toBe('')
  })
})
