/**
 * Self-test of the fault and hang fixtures for the reliability suite (issue 14) and the index/merge paths
 * (issues 9, 10), against the real distribution registry and without the action: a tampering mirror, index
 * children that 404 / lie / do not match, PUTs throttled or answered 201 without storing, refused mounts,
 * hung registries and token services, stuck credential helpers, an invalid config.json, cancellation with
 * a post step, and the secret scanners. No docker, no buildx: images are pushed through the registry API.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  alivePids,
  readCredentialHelperLog,
  readCredentialHelperPids,
  writeHangingCredentialHelper,
  writeInvalidDockerConfig,
  writeWaitingCredentialHelper
} from './support/docker-config'
import {
  hungRegistry,
  manifestPath,
  manifestUnknown,
  startFaultProxy,
  tamperingMirror,
  tooManyRequests,
  unavailable,
  type FaultProxy
} from './support/fault-proxy'
import { request } from './support/http'
import { startHungServer } from './support/hung-server'
import { MANIFEST_ACCEPT, rawManifest, registryAuthHeader, sha256, skopeoConfig, skopeoDigest } from './support/inspect'
import { node24 } from './support/node24'
import { MEDIA, pushTestImage, pushTestIndex, uploadBlob, type TestImage, type TestIndex } from './support/oci-fixture'
import { killGroup, run, sleep, waitFor } from './support/proc'
import type { TestRegistry } from './support/registry'
import { actionPostEntry, cleanupActionRuns, runAction, runPost, startAction } from './support/run-action'
import { cleanupScope } from './support/scope'
import { assertNoSecrets, base64Needles, findSecrets, scanRun, scanTree } from './support/secrets'
import type { Workspace } from './support/workspace'

const scope = cleanupScope()
const { tempDir, registry, proxy, workspace, track } = scope

afterAll(async () => {
  await scope.close()
  await cleanupActionRuns()
})

const creds = (reg: TestRegistry): { username: string; password: string } | undefined =>
  reg.username !== undefined && reg.password !== undefined ? { username: reg.username, password: reg.password } : undefined

describe('tampering mirror and index faults (htpasswd registry)', () => {
  let reg: TestRegistry
  let p: FaultProxy
  let auth: Record<string, string>
  let image: TestImage
  let index: TestIndex
  const repo = 'e2e/tamper'
  const commit = 'c0ffee'.padEnd(40, '0')

  beforeAll(async () => {
    reg = await registry('htpasswd')
    p = await proxy(reg)
    auth = { authorization: (await registryAuthHeader(reg, repo, ['pull', 'push'])) ?? '' }
    image = await pushTestImage(reg, repo, 'single', { labels: { 'git-commit': commit, 'build-number': '7' } })
    index = await pushTestIndex(reg, repo, 'multi', { commit, buildNumber: '7' })
  })

  const via = (base: string, ref: string, method = 'GET') =>
    request(`${base}/v2/${repo}/manifests/${ref}`, { method, headers: { ...auth, accept: MANIFEST_ACCEPT } })

  test('manifestPath tells tags from digests', () => {
    const d = `sha256:${'a'.repeat(64)}`
    expect(manifestPath(repo, 'tag').test(`/v2/${repo}/manifests/v1.2`)).toBe(true)
    expect(manifestPath(repo, 'tag').test(`/v2/${repo}/manifests/${d}`)).toBe(false)
    expect(manifestPath(repo, 'digest').test(`/v2/${repo}/manifests/${d}`)).toBe(true)
    expect(manifestPath(repo, 'digest').test(`/v2/${repo}/manifests/latest`)).toBe(false)
    expect(manifestPath(undefined, 'tag').test('/v2/a/b/c/manifests/x')).toBe(true)
    expect(manifestPath('other/repo', 'tag').test(`/v2/${repo}/manifests/x`)).toBe(false)
    expect(manifestPath(repo, d).test(`/v2/${repo}/manifests/${d}`)).toBe(true)
  })

  test('F3: GET by tag gets "\\n" appended without the digest header; the hash of that body is a digest the registry does not hold', async () => {
    for (const r of tamperingMirror({ repo })) p.addRule(r)
    const get = await via(p.url, 'single')
    expect(get.status).toBe(200)
    expect(get.body).toEqual(Buffer.concat([image.manifest, Buffer.from('\n')]))
    expect(Number(get.headers['content-length'])).toBe(image.manifest.length + 1)
    expect(get.headers['docker-content-digest']).toBeUndefined()
    const head = await via(p.url, 'single', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers['docker-content-digest']).toBeUndefined()
    expect(Number(head.headers['content-length'])).toBe(image.manifest.length + 1)
    // by digest the mirror is honest
    const byDigest = await via(p.url, image.digest)
    expect(sha256(byDigest.body)).toBe(image.digest)
    expect(byDigest.headers['docker-content-digest']).toBe(image.digest)
    // the digest a client would compute from the tampered body: the registry answers 404, HEAD and GET
    const wrong = sha256(get.body)
    expect(wrong).not.toBe(image.digest)
    expect((await via(reg.url, wrong, 'HEAD')).status).toBe(404)
    const wrongGet = await via(reg.url, wrong)
    expect(wrongGet.status).toBe(404)
    expect(wrongGet.body.toString()).toContain('MANIFEST_UNKNOWN')
    expect(p.requests.slice(-3).map((r) => r.fault)).toEqual(['appendNewline', 'appendNewline', undefined])
    // a missing tag passes through untouched and does not use a rule up
    p.clear()
    p.addRule(tamperingMirror({ repo, heads: false, times: 1 })[0] ?? { path: /^$/, fault: { reset: true } })
    expect((await via(p.url, 'missing')).status).toBe(404)
    expect(p.pendingRules()).toBe(1)
    expect((await via(p.url, 'single', 'HEAD')).headers['docker-content-digest']).toBe(image.digest)
    p.clear()
  })

  test('pushTestIndex: 2 platforms + 2 attestation manifests, labels on every platform, as skopeo sees it', async () => {
    expect(await skopeoDigest(`${reg.host}/${repo}:multi`, creds(reg))).toBe(index.digest)
    const m = await rawManifest(reg, repo, 'multi')
    expect(m.digest).toBe(index.digest)
    expect(m.headers['content-type']).toBe(MEDIA.ociIndex)
    const body = JSON.parse(m.body.toString()) as { manifests: Array<{ digest: string; platform: { os: string; architecture: string }; annotations?: Record<string, string> }> }
    expect(body.manifests.map((x) => `${x.platform.os}/${x.platform.architecture}`)).toEqual(['linux/amd64', 'linux/arm64', 'unknown/unknown', 'unknown/unknown'])
    expect(body.manifests.slice(2).map((x) => x.annotations)).toEqual(
      index.platforms.map((pl) => ({ 'vnd.docker.reference.digest': pl.digest, 'vnd.docker.reference.type': 'attestation-manifest' }))
    )
    for (const child of body.manifests) expect((await rawManifest(reg, repo, child.digest)).status).toBe(200)
    for (const architecture of ['amd64', 'arm64']) {
      const cfg = (await skopeoConfig(`${reg.host}/${repo}:multi`, creds(reg), { os: 'linux', architecture })) as {
        architecture: string
        config: { Labels: Record<string, string> }
      }
      expect(cfg.architecture).toBe(architecture)
      expect(cfg.config.Labels).toEqual({ 'git-commit': commit, 'build-number': '7' })
    }
    // deterministic: the same options give the same index
    expect((await pushTestIndex(reg, repo, undefined, { commit, buildNumber: '7' })).digest).toBe(index.digest)
    const other = await pushTestIndex(reg, repo, 'other', { commit, buildNumber: '7', salt: 'x', platformLabels: { 'linux/arm64': { 'git-commit': 'f'.repeat(40) } } })
    expect(other.digest).not.toBe(index.digest)
    expect(other.platforms[1]?.labels['git-commit']).toBe('f'.repeat(40))
    const list = await pushTestIndex(reg, repo, 'list', { format: 'docker', commit })
    expect(list.mediaType).toBe(MEDIA.dockerList)
    expect(list.attestations).toEqual([])
    expect((await rawManifest(reg, repo, 'list')).headers['content-type']).toBe(MEDIA.dockerList)
    expect(await skopeoDigest(`${reg.host}/${repo}:list`, creds(reg))).toBe(list.digest)
  })

  test('index faults: a child that 404s, a child whose bytes do not match, an index whose Content-Type lies', async () => {
    const att = index.attestations[0]?.digest ?? ''
    const arm = index.platforms[1]?.digest ?? ''
    p.addRule({ path: manifestPath(repo, att), fault: manifestUnknown(), times: Infinity })
    const gone = await via(p.url, att)
    expect(gone.status).toBe(404)
    expect(JSON.parse(gone.body.toString())).toMatchObject({ errors: [{ code: 'MANIFEST_UNKNOWN' }] })
    expect((await via(p.url, att, 'HEAD')).status).toBe(404)
    expect((await via(p.url, arm)).status).toBe(200)
    p.clear()

    p.addRule({ method: 'GET', path: manifestPath(repo, arm), fault: { corruptBody: true } })
    const bad = await via(p.url, arm)
    expect(bad.status).toBe(200)
    expect(bad.body.length).toBe(index.platforms[1]?.manifest.length)
    expect(sha256(bad.body)).not.toBe(arm)
    expect(() => JSON.parse(bad.body.toString()) as unknown).not.toThrow()
    expect(bad.headers['docker-content-digest']).toBe(arm) // the header still claims the right digest

    const lie = MEDIA.dockerManifest
    p.addRule({ method: 'GET', path: manifestPath(repo, 'multi'), fault: { setHeaders: { 'content-type': lie } } })
    const lied = await via(p.url, 'multi')
    expect(lied.headers['content-type']).toBe(lie)
    expect(sha256(lied.body)).toBe(index.digest)
    expect((JSON.parse(lied.body.toString()) as { mediaType: string }).mediaType).toBe(MEDIA.ociIndex)
    expect(p.requests.slice(-2).map((r) => r.fault)).toEqual(['corruptBody', 'setHeaders:content-type'])
  })
})

describe('PUT and mount faults (anonymous registry)', () => {
  let reg: TestRegistry
  let p: FaultProxy
  let image: TestImage

  beforeAll(async () => {
    reg = await registry('anonymous')
    p = await proxy(reg)
    image = await pushTestImage(reg, 'e2e/src', 'v1', { salt: 'put-faults' })
  })

  const put = (base: string, repo: string, ref: string) =>
    request(`${base}/v2/${repo}/manifests/${ref}`, {
      method: 'PUT',
      headers: { 'content-type': MEDIA.ociManifest, 'content-length': String(image.manifest.length) },
      body: image.manifest
    })
  const status = async (repo: string, ref: string): Promise<number> =>
    (await request(`${reg.url}/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } })).status

  test('429 with Retry-After twice, then 503 once, on PUT …/manifests/…: nothing stored until a PUT gets through', async () => {
    p.addRule({ method: 'PUT', path: manifestPath('e2e/src', 'tag'), fault: tooManyRequests('2'), times: 2 })
    p.addRule({ method: 'PUT', path: manifestPath('e2e/src', 'tag'), fault: unavailable('1') })
    const answers = []
    for (let i = 0; i < 3; i++) {
      const r = await put(p.url, 'e2e/src', 'retried')
      answers.push([r.status, r.headers['retry-after'], (JSON.parse(r.body.toString()) as { errors: Array<{ code: string }> }).errors[0]?.code])
      expect(await status('e2e/src', 'retried')).toBe(404)
    }
    expect(answers).toEqual([
      [429, '2', 'TOOMANYREQUESTS'],
      [429, '2', 'TOOMANYREQUESTS'],
      [503, '1', 'UNAVAILABLE']
    ])
    const ok = await put(p.url, 'e2e/src', 'retried')
    expect(ok.status).toBe(201)
    expect(ok.headers['docker-content-digest']).toBe(image.digest)
    expect(await status('e2e/src', 'retried')).toBe(200)
  })

  test('acceptWithoutStoring: a PUT answered 201 with a plausible digest and Location stores nothing', async () => {
    p.addRule({ method: 'PUT', path: /\/manifests\//, fault: { acceptWithoutStoring: true } })
    const n = p.requests.length
    const r = await put(p.url, 'e2e/dst', 'phantom')
    expect(r.status).toBe(201)
    expect(r.headers['docker-content-digest']).toBe(image.digest)
    expect(r.headers.location).toBe(`${p.url}/v2/e2e/dst/manifests/${image.digest}`)
    expect(p.requests.slice(n)).toEqual([{ method: 'PUT', path: '/v2/e2e/dst/manifests/phantom', status: 201, authorization: false, userAgent: expect.any(String), fault: 'acceptWithoutStoring' }])
    expect(await status('e2e/dst', 'phantom')).toBe(404)
    expect(await status('e2e/dst', image.digest)).toBe(404)
  })

  test('refuseMount: a cross-repository mount answered 202 (an upload session) instead of 201; the session works for a fallback upload', async () => {
    const layer = image.layer.digest
    const mountUrl = (base: string, to: string) => `${base}/v2/${to}/blobs/uploads/?mount=${layer}&from=e2e/src`
    const blob = (to: string) => request(`${reg.url}/v2/${to}/blobs/${layer}`, { method: 'HEAD' })
    // without the fault the registry mounts
    const mounted = await request(mountUrl(p.url, 'e2e/mounted'), { method: 'POST', headers: { 'content-length': '0' } })
    expect(mounted.status).toBe(201)
    expect((await blob('e2e/mounted')).status).toBe(200)

    p.addRule({ method: 'POST', path: /\/blobs\/uploads\/\?(.*&)?mount=/, fault: { refuseMount: true } })
    const refused = await request(mountUrl(p.url, 'e2e/refused'), { method: 'POST', headers: { 'content-length': '0' } })
    expect(refused.status).toBe(202)
    expect(refused.headers.location?.startsWith(`${p.url}/v2/e2e/refused/blobs/uploads/`)).toBe(true)
    expect(refused.headers['docker-upload-uuid']).toBeTruthy()
    expect(p.requests.at(-1)?.fault).toBe('refuseMount')
    expect((await blob('e2e/refused')).status).toBe(404)
    // the client's fallback: upload the bytes into the session it was given
    const gz = await request(`${reg.url}/v2/e2e/src/blobs/${layer}`)
    const loc = new URL(refused.headers.location ?? '')
    loc.searchParams.set('digest', layer)
    const upload = await request(loc.toString(), { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(gz.body.length) }, body: gz.body })
    expect(upload.status).toBe(201)
    expect((await blob('e2e/refused')).status).toBe(200)
    // a plain upload POST does not use the rule up
    p.addRule({ method: 'POST', path: /\/blobs\/uploads\//, fault: { refuseMount: true } })
    expect((await request(`${p.url}/v2/e2e/x/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } })).status).toBe(202)
    expect(p.pendingRules()).toBe(1)
    p.clear()
    // uploadBlob skips a blob the repository already has
    expect(await uploadBlob(reg, 'e2e/mounted', gz.body)).toEqual({ digest: layer, size: gz.body.length })
  })
})

describe('hangs', () => {
  test('hungRegistry(): /v2/ is accepted and never answered; the timeline shows when the client gave up', async () => {
    const reg = await registry('anonymous')
    const p = await proxy(reg)
    p.addRule(hungRegistry())
    const t0 = Date.now()
    await expect(request(`${p.url}/v2/`, { timeoutMs: 400 })).rejects.toThrow(/timed out after 400 ms/)
    const waited = Date.now() - t0
    expect(waited).toBeGreaterThanOrEqual(380)
    expect(waited).toBeLessThan(3000)
    await waitFor('the hung request to close', async () => (p.hanging() === 0 ? true : undefined), { timeoutMs: 2000 })
    const t = p.timeline.at(-1)
    expect(t?.request).toEqual({ method: 'GET', path: '/v2/', status: 0, authorization: false, userAgent: expect.any(String), fault: 'hang' })
    expect(t?.respondedAt).toBeUndefined()
    expect((t?.closedAt ?? 0) - (t?.receivedAt ?? 0)).toBeGreaterThanOrEqual(380)
    expect(p.timeline.length).toBe(p.requests.length)
    // everything else still answers
    expect((await request(`${p.url}/v2/e2e/none/tags/list`)).status).toBe(404)
    const ok = p.timeline.at(-1)
    expect((ok?.respondedAt ?? 0) >= (ok?.receivedAt ?? Infinity)).toBe(true)
  })

  test('hungRegistry({ all: true }) hangs every request, and stop() ends hung requests at once', async () => {
    const reg = await registry('anonymous')
    const p = await startFaultProxy(reg)
    p.addRule(hungRegistry({ all: true }))
    // handled from the start: stop() rejects them while it runs
    const pending = [request(`${p.url}/v2/`, { timeoutMs: 30_000 }), request(`${p.url}/v2/x/manifests/latest`, { method: 'HEAD', timeoutMs: 30_000 })].map((r) =>
      r.then(
        () => 'answered',
        (e: unknown) => `failed: ${String(e)}`
      )
    )
    await waitFor('two hung requests', async () => (p.hanging() === 2 ? true : undefined), { timeoutMs: 5000 })
    const t0 = Date.now()
    await p.stop()
    expect(await Promise.all(pending)).toEqual([expect.stringMatching(/^failed: /), expect.stringMatching(/^failed: /)])
    expect(Date.now() - t0).toBeLessThan(2000)
  })

  test('a hung token service: setRealm() points the Bearer challenge at a server that never answers', async () => {
    const reg = await registry('token')
    const p = await proxy(reg)
    const hung = track(await startHungServer())
    p.setRealm(`${hung.url}/token`)
    const ping = await request(`${p.url}/v2/`)
    expect(ping.status).toBe(401)
    expect(ping.headers['www-authenticate']).toMatch(new RegExp(`^Bearer realm="${hung.url}/token",service="`))
    const t0 = Date.now()
    await expect(request(`${hung.url}/token?service=x&scope=repository:a:pull`, { timeoutMs: 300 })).rejects.toThrow(/timed out/)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280)
    await waitFor('the client to close', async () => (hung.open() === 0 ? true : undefined), { timeoutMs: 2000 })
    expect(hung.connections).toHaveLength(1)
    expect(hung.connections[0]?.requestLine).toBe('GET /token?service=x&scope=repository:a:pull HTTP/1.1')
    expect((hung.connections[0]?.closedAt ?? 0) - (hung.connections[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(280)
    p.setRealm(undefined)
    expect((await request(`${p.url}/v2/`)).headers['www-authenticate']).toContain(`realm="${reg.tokenIssuer?.realm}"`)
    // a hung registry at the socket level is the same server
    await expect(request(`${hung.url}/v2/`, { timeoutMs: 200 })).rejects.toThrow(/timed out/)
  })
})

describe('stuck credential helpers and an invalid config.json', () => {
  test('F4: a wrapper that waits on a child — killing the script alone leaves the pipes open; killing the group ends it', async () => {
    const bin = await tempDir('stuck-helper')
    const path = writeWaitingCredentialHelper(bin, 'waiting', { seconds: 60 })
    const child = spawn(path, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    child.stdout.resume()
    child.stderr.resume()
    let closed = false
    child.on('close', () => (closed = true))
    child.stdin.end('127.0.0.1:5000\n')
    const pids = await waitFor('the helper and its child', async () => {
      const p = readCredentialHelperPids(bin, 'waiting')
      return p.length === 2 ? p : undefined
    })
    expect(pids[0]).toBe(child.pid)
    process.kill(pids[0] ?? 0, 'SIGKILL') // what a timeout that kills only the direct child does
    await sleep(700)
    expect(closed).toBe(false) // the sleep still holds stdout/stderr
    expect(alivePids(pids)).toEqual([pids[1]])
    killGroup(child.pid, 'SIGKILL')
    await waitFor('the pipes to close', async () => (closed ? true : undefined), { timeoutMs: 3000 })
    await waitFor('the sleep to go', async () => (alivePids(pids).length === 0 ? true : undefined), { timeoutMs: 3000 })
    expect(readCredentialHelperLog(bin, 'waiting')).toEqual(['get 127.0.0.1:5000'])
  })

  test('a helper that hangs forever, and one that ignores SIGTERM', async () => {
    const bin = await tempDir('hung-helper')
    const t0 = Date.now()
    const r = await run(writeHangingCredentialHelper(bin, 'hung'), ['get'], { input: 'h:1', timeoutMs: 500 }).catch((e: unknown) => e)
    expect(String(r)).toMatch(/timed out after 500 ms/)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(readCredentialHelperLog(bin, 'hung')).toEqual(['get h:1'])

    const path = writeHangingCredentialHelper(bin, 'stubborn', { ignoreSigterm: true })
    const child = spawn(path, ['get'], { stdio: ['pipe', 'ignore', 'ignore'], detached: true })
    child.stdin.end('h:2')
    const [pid] = await waitFor('the helper pid', async () => {
      const p = readCredentialHelperPids(bin, 'stubborn')
      return p.length === 1 ? p : undefined
    })
    await waitFor('the helper to read its input', async () => (readCredentialHelperLog(bin, 'stubborn').length === 1 ? true : undefined))
    await sleep(100) // the exec into sleep
    process.kill(pid ?? 0, 'SIGTERM')
    await sleep(400)
    expect(alivePids([pid ?? 0])).toEqual([pid])
    killGroup(child.pid, 'SIGKILL')
    await waitFor('the helper to go', async () => (alivePids([pid ?? 0]).length === 0 ? true : undefined), { timeoutMs: 3000 })
  })

  test("writeInvalidDockerConfig: an unquoted auth whose JSON.parse error (on Node 24) quotes part of the credential", async () => {
    const dir = await tempDir('bad-config')
    const password = 'hunter2-very-secret-password'
    const { path, auth } = writeInvalidDockerConfig(dir, '127.0.0.1:5000', 'ci-user', password)
    expect(auth).toBe(Buffer.from(`ci-user:${password}`).toString('base64'))
    const text = await readFile(path, 'utf8')
    expect(text).toContain(`"auth": ${auth}\n`)
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError)
    const r = await run(node24(), ['-e', 'try { JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")) } catch (e) { console.log(e.message) }', path])
    expect(r.stdout).toMatch(/JSON/)
    // the hazard issue 14 describes: a piece of the base64 credential in the message
    expect(findSecrets([{ where: 'message', text: r.stdout }], [{ name: 'auth', value: auth }], { fragment: 8 })).toEqual([
      { secret: 'auth', where: 'message', form: 'fragment', offset: expect.any(Number) }
    ])
  })
})

describe('secret scanners', () => {
  test('findSecrets: plain, base64 at every alignment (inside base64(user:password)), fragments; hits never carry the secret', () => {
    const secret = 'p@ss-W0rd-1234567'
    for (const user of ['a', 'ab', 'abc', 'ci-user']) {
      const b64 = Buffer.from(`${user}:${secret}`).toString('base64')
      expect(findSecrets([{ where: 'cfg', text: `{"auth":"${b64}"}` }], [secret])).toEqual([{ secret: 'secret#0', where: 'cfg', form: 'base64', offset: expect.any(Number) }])
    }
    expect(base64Needles(Buffer.from('short'))).toEqual([])
    expect(findSecrets([{ where: 'x', text: `a ${secret} b` }], [{ name: 'pw', value: secret }])).toEqual([{ secret: 'pw', where: 'x', form: 'plain', offset: 2 }])
    expect(findSecrets([{ where: 'x', text: `…${secret.slice(3, 12)}…` }], [secret])).toEqual([])
    expect(findSecrets([{ where: 'x', text: `…${secret.slice(3, 12)}…` }], [secret], { fragment: 8 })).toHaveLength(1)
    expect(findSecrets([{ where: 'x', text: Buffer.from(secret).toString('base64') }], [secret], { encodings: false })).toEqual([])
    expect(() => assertNoSecrets(findSecrets([{ where: 'f', text: secret }], [{ name: 'pw', value: secret }]))).toThrow(/pw as plain in f at 0/)
    try {
      assertNoSecrets(findSecrets([{ where: 'f', text: secret }], [secret]))
    } catch (e) {
      expect(String(e)).not.toContain(secret)
    }
  })

  test('scanRun finds a secret anywhere a run printed or wrote, but not in ::add-mask:: lines; scanTree checks dirs', async () => {
    const ws = await workspace()
    const dir = await tempDir('leaky')
    const entry = join(dir, 'leaky.mjs')
    await writeFile(
      entry,
      `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
const s = process.env.INPUT_SECRET
console.log('::add-mask::' + s)
if (process.env.INPUT_LEAK === 'stderr') console.error('oops ' + s)
if (process.env.INPUT_LEAK === 'output') appendFileSync(process.env.GITHUB_OUTPUT, 'x=' + s + '\\n')
if (process.env.INPUT_LEAK === 'summary') appendFileSync(process.env.GITHUB_STEP_SUMMARY, s)
if (process.env.INPUT_LEAK === 'temp') { mkdirSync(process.env.RUNNER_TEMP + '/cfg'); writeFileSync(process.env.RUNNER_TEMP + '/cfg/config.json', JSON.stringify({ auths: { h: { auth: Buffer.from('u:' + s).toString('base64') } } })) }
`
    )
    const secret = 'Zq9-secret-value-42'
    const where = async (leak: string): Promise<string[]> => {
      const r = await runAction({ entry, workspace: ws.dir, inputs: { secret, leak } })
      expect(r.code).toBe(0)
      return scanRun(r, [secret]).map((h) => (h.where.startsWith(r.runDir) ? h.where.slice(r.runDir.length) : h.where))
    }
    expect(await where('none')).toEqual([])
    expect(await where('stderr')).toEqual(['stderr'])
    expect(await where('output')).toEqual(['/files/github_output'])
    expect(await where('summary')).toEqual(['/files/step_summary'])
    const temp = await runAction({ entry, workspace: ws.dir, inputs: { secret, leak: 'temp' } })
    expect(scanTree([join(temp.runDir, 'runner-temp'), join(temp.runDir, 'home')], [secret])).toEqual([
      { secret: 'secret#0', where: join(temp.runDir, 'runner-temp', 'cfg', 'config.json'), form: 'base64', offset: expect.any(Number) }
    ])
    expect(scanRun(temp, [secret], { keepMaskCommands: true }).map((h) => h.where)).toContain('stdout')
  })
})

describe('startAction: cancellation and the post step', () => {
  let ws: Workspace
  let main: string
  let post: string
  const secret = 'cancel-me-secret-99'

  beforeAll(async () => {
    ws = await workspace()
    const dir = await tempDir('cancel')
    main = join(dir, 'main.mjs')
    post = join(dir, 'post.mjs')
    // a stand-in for the action: a step-private docker config in RUNNER_TEMP, its path saved as state, a child process
    await writeFile(
      main,
      `import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
const dir = mkdtempSync(process.env.RUNNER_TEMP + '/pinned-build-docker-config-')
appendFileSync(process.env.GITHUB_STATE, 'docker_config=' + dir + '\\n')
const child = spawn('sleep', ['60'], { stdio: 'ignore' })
if (process.env.INPUT_HANDLE === 'true') process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(143) })
writeFileSync(dir + '/config.json', JSON.stringify({ auths: { h: { auth: Buffer.from('u:' + process.env.INPUT_PASSWORD).toString('base64') } } }))
console.log('ready child=' + child.pid)
setInterval(() => {}, 1000)
`
    )
    await writeFile(
      post,
      `import { rmSync } from 'node:fs'
const dir = process.env.STATE_docker_config
console.log('post sees ' + dir + ' input=' + (process.env.INPUT_PASSWORD ? 'set' : 'unset'))
if (dir) rmSync(dir, { recursive: true, force: true })
`
    )
  })

  test.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)('%s during the main step, then the post step removes what it left', async (signal) => {
    const started = await startAction({ entry: main, workspace: ws.dir, inputs: { password: secret, handle: signal === 'SIGTERM' ? 'true' : 'false' } })
    const cfgDir = await started.waitForEntry(/^pinned-build-docker-config-/)
    await started.waitForOutput(/^ready child=\d+$/)
    expect(started.running()).toBe(true)
    await waitFor('config.json', async () => (existsSync(join(cfgDir, 'config.json')) ? true : undefined))
    const childPid = Number(/child=(\d+)/.exec(started.stdout())?.[1])
    const t0 = Date.now()
    started.kill(signal, { group: signal === 'SIGKILL' })
    const done = await started.finished
    expect(done.exitedAt - t0).toBeLessThan(2000)
    if (signal === 'SIGTERM') {
      expect([done.code, done.signal]).toEqual([143, null])
      expect(done.stdout).toContain('got SIGTERM')
    } else {
      expect(done.signal).toBe(signal)
    }
    expect(done.timedOut).toBe(false)
    expect(done.state).toEqual({ docker_config: cfgDir })
    // left on disk: the credential, base64-encoded inside the auth value
    const roots = [started.runnerTemp, started.home]
    expect(scanTree(roots, [secret]).map((h) => [h.where, h.form])).toEqual([[join(cfgDir, 'config.json'), 'base64']])
    // startAction kills the group once the main process is gone
    await waitFor('the child to go', async () => (alivePids([childPid]).length === 0 ? true : undefined), { timeoutMs: 5000 })

    const after = await runPost(done, { entry: post })
    expect(after.code).toBe(0)
    expect(after.stdout).toContain(`post sees ${cfgDir} input=set`)
    expect(after.entry).toBe(post)
    expect(after.outputFile).not.toBe(done.outputFile)
    assertNoSecrets(scanTree(roots, [secret]))
  })

  test('waitForOutput rejects at once when the process exits first; runPost defaults to the main entry', async () => {
    const dir = await tempDir('quick')
    const quick = join(dir, 'quick.mjs')
    await writeFile(quick, "import { appendFileSync } from 'node:fs'\nappendFileSync(process.env.GITHUB_STATE, 'n=' + (process.env.STATE_n ?? 'main') + '\\n')\nconsole.log('state n=' + (process.env.STATE_n ?? 'none'))\n")
    const started = await startAction({ entry: quick, workspace: ws.dir, inputs: {} })
    const t0 = Date.now()
    await expect(started.waitForOutput('never printed', 20_000)).rejects.toThrow(/action exited \(0\) before output matching/)
    expect(Date.now() - t0).toBeLessThan(5000)
    const done = await started.finished
    expect(done.state).toEqual({ n: 'main' })
    const after = await runPost(done)
    expect(after.stdout).toContain('state n=main')
    expect(after.state).toEqual({ n: 'main' })
  })

  test('actionPostEntry reads runs.post of an action.yml', async () => {
    const dir = await tempDir('yml')
    const yml = (runs: string): string => {
      const d = join(dir, String(Math.random()).slice(2))
      mkdirSync(d)
      writeFileSync(join(d, 'action.yml'), `name: x\ninputs:\n  post:\n    description: 'not this one'\nruns:\n${runs}`)
      return join(d, 'action.yml')
    }
    const withPost = yml("  using: 'node24'\n  main: 'dist/index.js'\n  post: 'dist/post/index.js' # cleanup\n  post-if: always()\n")
    expect(actionPostEntry(withPost)).toBe(join(withPost, '..', 'dist/post/index.js'))
    expect(actionPostEntry(yml("  using: node24\n  main: dist/index.js\n"))).toBeUndefined()
    expect(actionPostEntry(join(dir, 'missing.yml'))).toBeUndefined()
  })
})
