/**
 * Self-test of the e2e fixtures against the real things (docker, the distribution registry, skopeo),
 * without the action: if this file fails, e2e failures elsewhere say nothing about the action.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dockerLogin, readCredentialHelperLog, writeCredentialHelper, writeDockerConfig } from './support/docker-config'
import { dockerBuild, dockerPush, dockerRmi } from './support/docker'
import {
  buildxBuild,
  builderCacheBytes,
  cachedSteps,
  createRemoteBuilder,
  describeOnBuilders,
  imagetoolsInspect,
  installBuildx,
  pushMultiPlatform,
  sharedBuildkitd,
  startBuildkitd,
  writeBusyboxContext
} from './support/buildkit'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseFileCommand } from '../helpers/file-command'
import { startFaultProxy, type FaultProxy } from './support/fault-proxy'
import { request } from './support/http'
import { manifestDescriptor, rawManifest, registryAuthHeader, sha256, skopeoConfig, skopeoDigest } from './support/inspect'
import { pushIndex } from './support/oci-fixture'
import { node24, repoRoot } from './support/node24'
import { run, runOk, spawnTethered, stopChild } from './support/proc'
import type { AuthMode, TestRegistry } from './support/registry'
import { generateSigningCert, startTokenIssuer } from './support/token-issuer'
import { ActionTimeoutError, cleanupActionRuns, inputEnvName, runAction } from './support/run-action'
import { cleanupScope } from './support/scope'
import { git, type Workspace } from './support/workspace'

const images: string[] = []
const scope = cleanupScope()
const { tempDir, registry, proxy, workspace, track, defer } = scope

/** Builds a fresh workspace's image as host/repo:tag, logs in when needed, pushes; returns the pushed digest. */
async function buildAndPush(
  reg: { host: string; username?: string; password?: string; mode: AuthMode },
  loginTarget: TestRegistry,
  repo: string,
  tag: string,
  configDir: string
): Promise<{ ref: string; digest: string; ws: Workspace }> {
  const ws = await workspace()
  const ref = `${reg.host}/${repo}:${tag}`
  images.push(ref)
  await dockerBuild(ws.dir, ref, { labels: { 'org.opencontainers.image.revision': ws.sha } })
  await dockerLogin(loginTarget, configDir)
  const digest = await dockerPush(ref, { configDir })
  return { ref, digest, ws }
}

const creds = (reg: TestRegistry): { username: string; password: string } | undefined =>
  reg.username !== undefined && reg.password !== undefined ? { username: reg.username, password: reg.password } : undefined

afterAll(async () => {
  await scope.close()
  await cleanupActionRuns()
  await dockerRmi(images.splice(0))
})

describe('node24', () => {
  test('points at a Node 24 binary inside the repo cache (or $NODE24)', async () => {
    const bin = node24()
    expect(bin.startsWith('/')).toBe(true)
    if (!process.env.NODE24) expect(bin.startsWith(repoRoot)).toBe(true)
    const { stdout } = await runOk(bin, ['--version'])
    expect(stdout.trim()).toMatch(/^v24\./)
  })

  test('a missing binary names the fix', () => {
    const saved = process.env.NODE24
    process.env.NODE24 = '/nonexistent/node'
    try {
      expect(() => node24()).toThrow(/bash scripts\/ensure-env\.sh/)
    } finally {
      if (saved === undefined) delete process.env.NODE24
      else process.env.NODE24 = saved
    }
  })
})

describe('tethered servers', () => {
  test('die when the pipe from the test process closes (as when the test process is killed)', async () => {
    const child = spawnTethered('sleep', ['60'])
    defer(() => stopChild(child, 1000))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await new Promise((r) => setTimeout(r, 200))
    const pgid = child.pid ?? 0
    const groupAlive = (): boolean => {
      try {
        process.kill(-pgid, 0)
        return true
      } catch {
        return false
      }
    }
    expect(groupAlive()).toBe(true)
    child.stdin?.destroy()
    let timer: NodeJS.Timeout | undefined
    const result = await Promise.race([exited, new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 5000)))])
    clearTimeout(timer)
    expect(result).not.toBe('still running')
    for (let i = 0; i < 40 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 50))
    expect(groupAlive()).toBe(false)
  })
})

describe.each<AuthMode>(['anonymous', 'htpasswd', 'token'])('registry in %s mode', (mode) => {
  let reg: TestRegistry
  let pushed: { ref: string; digest: string; ws: Workspace }
  const repo = `e2e/${mode}`

  beforeAll(async () => {
    reg = await registry(mode)
    const configDir = await tempDir('docker-config')
    pushed = await buildAndPush(reg, reg, repo, 'v1', configDir)
  })

  test('docker push, skopeo and the raw manifest agree on the digest', async () => {
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(reg.url).toBe(`http://${reg.host}`)
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await skopeoDigest(pushed.ref, creds(reg))).toBe(pushed.digest)
    const m = await rawManifest(reg, repo, 'v1')
    expect(m.status).toBe(200)
    expect(m.digest).toBe(pushed.digest)
    expect(m.headers['docker-content-digest']).toBe(pushed.digest)
    const byDigest = await rawManifest(reg, repo, pushed.digest)
    expect(byDigest.digest).toBe(pushed.digest)
  })

  test('skopeoConfig reads the labels docker built in', async () => {
    const cfg = (await skopeoConfig(pushed.ref, creds(reg))) as { config?: { Labels?: Record<string, string> } }
    expect(cfg.config?.Labels?.['org.opencontainers.image.revision']).toBe(pushed.ws.sha)
  })

  test('auth is really enforced', async () => {
    const v2 = await request(`${reg.url}/v2/`)
    if (mode === 'anonymous') {
      expect(v2.status).toBe(200)
      expect(reg.username).toBeUndefined()
      return
    }
    expect(v2.status).toBe(401)
    expect(reg.username).toBe('ci-user')
    expect(reg.password).toBeTruthy()
    if (mode === 'htpasswd') {
      expect(v2.headers['www-authenticate']).toMatch(/^Basic realm=/)
      await expect(skopeoDigest(pushed.ref)).rejects.toThrow()
      await expect(skopeoDigest(pushed.ref, { username: 'ci-user', password: 'wrong' })).rejects.toThrow()
    } else {
      expect(v2.headers['www-authenticate']).toContain(`realm="${reg.tokenIssuer?.realm}"`)
      // anonymous pull is allowed by default in token mode
      expect(await skopeoDigest(pushed.ref)).toBe(pushed.digest)
    }
  })

  if (mode === 'token') {
    test('the token issuer saw docker and skopeo, granted push only to the user, and speaks both protocols', async () => {
      const issuer = reg.tokenIssuer
      if (!issuer) throw new Error('no token issuer')
      expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(issuer.realm).toBe(`${issuer.url}/token`)
      const pushes = issuer.requests.filter((r) => r.scope.some((s) => s.startsWith(`repository:${repo}:`) && s.includes('push')))
      expect(pushes.length).toBeGreaterThan(0)
      expect(pushes.every((r) => r.user === 'ci-user' && r.status === 200)).toBe(true)
      expect(pushes[0]?.granted[0]?.actions).toEqual(expect.arrayContaining(['pull', 'push']))
      // our own inspection fetches are kept apart
      expect(issuer.supportRequests.length).toBeGreaterThan(0)

      const scope = `repository:${repo}:pull,push`
      const before = issuer.requests.length
      const anon = await request(`${issuer.realm}?service=${issuer.service}&scope=${encodeURIComponent(scope)}`)
      expect(anon.status).toBe(200)
      const anonBody = JSON.parse(anon.body.toString()) as { token: string; access_token: string; expires_in: number; issued_at: string }
      expect(anonBody.token).toBe(anonBody.access_token)
      expect(anonBody.expires_in).toBe(300)
      const [h, c] = anonBody.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>)
      expect(h).toMatchObject({ alg: 'RS256', x5c: [expect.any(String)] })
      expect(c).toMatchObject({ iss: 'e2e-token-issuer', aud: issuer.service, access: [{ type: 'repository', name: repo, actions: ['pull'] }] })
      expect(c?.exp).toEqual(expect.any(Number))

      const basic = `Basic ${Buffer.from(`ci-user:wrong`).toString('base64')}`
      const denied = await request(`${issuer.realm}?service=${issuer.service}&scope=${encodeURIComponent(scope)}`, { headers: { authorization: basic } })
      expect(denied.status).toBe(401)

      const form = new URLSearchParams({ grant_type: 'password', username: 'ci-user', password: reg.password ?? '', service: issuer.service, scope, client_id: 'e2e' })
      const posted = await request(issuer.realm, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() })
      expect(posted.status).toBe(200)
      const oauth = JSON.parse(posted.body.toString()) as { access_token: string }
      // the registry accepts the OAuth token for a push-scoped request
      const upload = await request(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${oauth.access_token}`, 'content-length': '0' } })
      expect(upload.status).toBe(202)
      expect(issuer.requests.length).toBe(before + 3)
      expect(issuer.requests.slice(before).map((r) => [r.method, r.status, r.user])).toEqual([
        ['GET', 200, undefined],
        ['GET', 401, 'ci-user'],
        ['POST', 200, 'ci-user']
      ])
    })

    test('docker pushes through the fault proxy; the token realm on another port is left alone', async () => {
      const p = await proxy(reg)
      const v2 = await request(`${p.url}/v2/`)
      expect(v2.headers['www-authenticate']).toContain(`realm="${reg.tokenIssuer?.realm}"`)
      const configDir = await tempDir('docker-config')
      const viaProxy = { ...reg, host: p.host }
      const ws = await workspace()
      const ref = `${p.host}/${repo}:via-proxy`
      images.push(ref)
      await dockerBuild(ws.dir, ref)
      await dockerLogin(viaProxy, configDir)
      const digest = await dockerPush(ref, { configDir })
      expect(await skopeoDigest(`${reg.host}/${repo}:via-proxy`, creds(reg))).toBe(digest)
      // uploads went through the proxy thanks to the rewritten Location headers
      expect(p.requests.some((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && r.status === 201)).toBe(true)
      expect(p.requests.some((r) => r.method === 'PUT' && r.path.endsWith('/manifests/via-proxy') && r.status === 201)).toBe(true)
    })
  }
})

describe('credential helper', () => {
  test('answers get/list, refuses unknown servers, logs calls, and docker push uses it', async () => {
    const reg = await registry('htpasswd')
    const bin = await tempDir('cred-bin')
    const path = writeCredentialHelper(bin, 'e2etest', { [reg.host]: { Username: reg.username ?? '', Secret: reg.password ?? '' } })
    expect(path).toBe(join(bin, 'docker-credential-e2etest'))

    const got = await runOk(path, ['get'], { input: reg.host })
    expect(JSON.parse(got.stdout)).toEqual({ ServerURL: reg.host, Username: 'ci-user', Secret: reg.password })
    const missing = await run(path, ['get'], { input: 'nowhere.example:5000' })
    expect(missing.code).toBe(1)
    expect(missing.stdout.trim()).toBe('credentials not found in native keychain')
    expect(JSON.parse((await runOk(path, ['list'])).stdout)).toEqual({ [reg.host]: 'ci-user' })

    const configDir = await tempDir('docker-config')
    writeDockerConfig(configDir, { credHelpers: { [reg.host]: 'e2etest' } })
    const ws = await workspace()
    const ref = `${reg.host}/e2e/helper:v1`
    images.push(ref)
    await dockerBuild(ws.dir, ref)
    const { stdout } = await runOk('docker', ['--config', configDir, 'push', ref], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }
    })
    expect(stdout).toMatch(/digest: sha256:/)
    const log = readCredentialHelperLog(bin, 'e2etest')
    expect(log.slice(0, 3)).toEqual([`get ${reg.host}`, 'get nowhere.example:5000', 'list '])
    expect(log.slice(3)).toContain(`get ${reg.host}`)
  })
})

describe('pushIndex', () => {
  test('makes a multi-arch tag whose manifest is an OCI index', async () => {
    const reg = await registry('anonymous')
    const configDir = await tempDir('docker-config')
    const a = await buildAndPush(reg, reg, 'e2e/multi', 'amd64', configDir)
    const b = await buildAndPush(reg, reg, 'e2e/multi', 'arm64', configDir)
    const da = await manifestDescriptor(reg, 'e2e/multi', 'amd64')
    const db = await manifestDescriptor(reg, 'e2e/multi', 'arm64')
    expect(da.digest).toBe(a.digest)
    expect(db.digest).toBe(b.digest)
    const digest = await pushIndex(reg, 'e2e/multi', 'latest', [
      { ...da, platform: { os: 'linux', architecture: 'amd64' } },
      { ...db, platform: { os: 'linux', architecture: 'arm64' } }
    ])
    const m = await rawManifest(reg, 'e2e/multi', 'latest')
    expect(m.status).toBe(200)
    expect(m.digest).toBe(digest)
    expect(m.headers['content-type']).toBe('application/vnd.oci.image.index.v1+json')
    const index = JSON.parse(m.body.toString()) as { manifests: Array<{ digest: string }> }
    expect(index.manifests.map((x) => x.digest)).toEqual([a.digest, b.digest])
    expect(await skopeoDigest(`${reg.host}/e2e/multi:latest`)).toBe(digest)
    const arm = (await skopeoConfig(`${reg.host}/e2e/multi:latest`, undefined, { architecture: 'arm64' })) as { config?: { Labels?: Record<string, string> } }
    expect(arm.config?.Labels?.['org.opencontainers.image.revision']).toBe(b.ws.sha)
  })
})

describe('fault proxy', () => {
  let reg: TestRegistry
  let p: FaultProxy
  let pushed: { ref: string; digest: string; ws: Workspace }
  let auth: string
  const repo = 'e2e/faults'

  beforeAll(async () => {
    reg = await registry('htpasswd')
    const configDir = await tempDir('docker-config')
    pushed = await buildAndPush(reg, reg, repo, 'v1', configDir)
    p = await proxy(reg)
    auth = (await registryAuthHeader(reg, repo)) ?? ''
  })

  const manifestUrl = (): string => `${p.url}/v2/${repo}/manifests/v1`
  const get = (url: string, method = 'GET') =>
    request(url, { method, headers: { authorization: auth, accept: 'application/vnd.docker.distribution.manifest.v2+json' } })

  test('passes requests through and records them', async () => {
    expect(p.host).toMatch(/^127\.0\.0\.1:\d+$/)
    const r = await get(manifestUrl())
    expect(r.status).toBe(200)
    expect(sha256(r.body)).toBe(pushed.digest)
    expect(p.requests.at(-1)).toEqual({ method: 'GET', path: `/v2/${repo}/manifests/v1`, status: 200, authorization: true, userAgent: expect.any(String) })
  })

  test('rewrites Location only when it points at the upstream', async () => {
    const r = await request(`${p.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: auth, 'content-length': '0' } })
    expect(r.status).toBe(202)
    expect(r.headers.location?.startsWith(`${p.url}/v2/${repo}/blobs/uploads/`)).toBe(true)
    p.addRule({ path: /^\/v2\/$/, fault: { setHeaders: { location: 'http://elsewhere.invalid/x' } } })
    const other = await request(`${p.url}/v2/`, { headers: { authorization: auth } })
    expect(other.headers.location).toBe('http://elsewhere.invalid/x')
  })

  test('injects a 503 once', async () => {
    p.addRule({ method: 'GET', path: /\/manifests\/v1$/, fault: { status: 503, headers: { 'retry-after': '1' } } })
    const first = await get(manifestUrl())
    expect(first.status).toBe(503)
    expect(first.headers['retry-after']).toBe('1')
    const second = await get(manifestUrl())
    expect(second.status).toBe(200)
    expect(p.requests.slice(-2).map((r) => [r.status, r.fault])).toEqual([
      [503, 'status:503'],
      [200, undefined]
    ])
  })

  test('drops a header (times: 2)', async () => {
    p.addRule({ method: 'HEAD', path: /\/manifests\//, fault: { dropHeaders: ['Docker-Content-Digest'] }, times: 2 })
    const heads = [await get(manifestUrl(), 'HEAD'), await get(manifestUrl(), 'HEAD'), await get(manifestUrl(), 'HEAD')]
    expect(heads.map((h) => h.status)).toEqual([200, 200, 200])
    expect(heads.map((h) => h.headers['docker-content-digest'])).toEqual([undefined, undefined, pushed.digest])
    expect(p.pendingRules()).toBe(0)
  })

  test('resets a connection mid-response, with and without a body', async () => {
    p.addRule({ method: 'GET', path: /\/manifests\/v1$/, fault: { reset: true } })
    await expect(get(manifestUrl())).rejects.toThrow()
    p.addRule({ method: 'HEAD', path: /\/manifests\/v1$/, fault: { reset: true } })
    await expect(get(manifestUrl(), 'HEAD')).rejects.toThrow()
    expect((await get(manifestUrl())).status).toBe(200)
    expect(p.requests.slice(-3).map((r) => r.fault)).toEqual(['reset', 'reset', undefined])
  })

  test('corrupts a body without changing its length, and delays', async () => {
    p.addRule({ method: 'GET', path: /\/manifests\/v1$/, fault: { corruptBody: true } })
    const bad = await get(manifestUrl())
    expect(bad.status).toBe(200)
    expect(Number(bad.headers['content-length'])).toBe(bad.body.length)
    expect(sha256(bad.body)).not.toBe(pushed.digest)
    expect(() => JSON.parse(bad.body.toString()) as unknown).not.toThrow()
    expect(bad.headers['docker-content-digest']).toBe(pushed.digest)

    p.addRule({ path: /\/manifests\/v1$/, fault: { delayMs: 300 } })
    const t0 = Date.now()
    expect((await get(manifestUrl())).status).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280)
  })

  test('reports a cross-host blob redirect that skopeo follows without Authorization', async () => {
    p.addRule({ method: 'GET', path: /\/blobs\/sha256:/, fault: { redirectTo: 'other-host' }, times: Infinity })
    const n = p.requests.length
    const cfg = (await skopeoConfig(`${p.host}/${repo}:v1`, creds(reg))) as { config?: { Labels?: Record<string, string> } }
    expect(cfg.config?.Labels?.['org.opencontainers.image.revision']).toBe(pushed.ws.sha)
    const seen = p.requests.slice(n)
    const redirected = seen.find((r) => r.fault === 'redirect:other-host')
    expect(redirected).toMatchObject({ method: 'GET', status: 307, authorization: true })
    const atOther = seen.filter((r) => r.path.startsWith('/other-host/'))
    expect(atOther.length).toBeGreaterThan(0)
    expect(atOther[0]).toMatchObject({ method: 'GET', status: 200, authorization: false })
    expect(p.otherHostUrl).toMatch(/^http:\/\/localhost:\d+$/)
    p.clear()
    expect(p.pendingRules()).toBe(0)
  })
})

describe('fault proxy header rewriting (fake upstream given as a string)', () => {
  test('Location and realm are rewritten only when they point at the upstream', async () => {
    let upstreamHost = ''
    const fake = createServer((req, res) => {
      const self = `http://${upstreamHost}`
      const foreign = 'http://127.0.0.1:1'
      const mine = req.url === '/mine'
      res.writeHead(mine ? 307 : 401, {
        location: mine ? `${self}/v2/x/blobs/uploads/abc?_state=a%2Fb==` : `${foreign}/v2/x`,
        'www-authenticate': `Bearer realm="${mine ? self : foreign}/token",service="svc",scope="repository:x:pull"`,
        'content-length': '0'
      })
      res.end()
    })
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', () => resolve()))
    defer(() => new Promise<void>((resolve) => fake.close(() => resolve())))
    upstreamHost = `127.0.0.1:${(fake.address() as AddressInfo).port}`
    const p = track(await startFaultProxy(`http://${upstreamHost}/`))
    expect(p.upstream).toBe(upstreamHost)
    const mine = await request(`${p.url}/mine`)
    expect(mine.headers.location).toBe(`${p.url}/v2/x/blobs/uploads/abc?_state=a%2Fb==`)
    expect(mine.headers['www-authenticate']).toBe(`Bearer realm="${p.url}/token",service="svc",scope="repository:x:pull"`)
    const foreign = await request(`${p.url}/foreign`)
    expect(foreign.headers.location).toBe('http://127.0.0.1:1/v2/x')
    expect(foreign.headers['www-authenticate']).toBe('Bearer realm="http://127.0.0.1:1/token",service="svc",scope="repository:x:pull"')
  })
})

describe('token issuer on its own', () => {
  test('anonymousPull: false grants anonymous callers nothing; expiresIn is honoured', async () => {
    const dir = await tempDir('issuer')
    const cert = await generateSigningCert(dir)
    const issuer = track(await startTokenIssuer({ service: 'svc', issuer: 'iss', keyPem: cert.keyPem, certPem: cert.certPem, users: { u: 'p' }, anonymousPull: false, expiresIn: 5 }))
    const claims = (body: Buffer): { access: unknown[]; exp: number; iat: number; sub: string } => {
      const t = (JSON.parse(body.toString()) as { token: string }).token
      return JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()) as { access: unknown[]; exp: number; iat: number; sub: string }
    }
    const anon = await request(`${issuer.realm}?service=svc&scope=repository:a/b:pull&scope=repository:c:push`)
    expect(anon.status).toBe(200)
    expect(claims(anon.body).access).toEqual([])
    const user = await request(`${issuer.realm}?service=svc&scope=repository:a/b:pull&scope=repository:a/b:push`, { headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` } })
    const c = claims(user.body)
    expect(c.access).toEqual([{ type: 'repository', name: 'a/b', actions: ['pull', 'push'] }])
    expect(c.sub).toBe('u')
    expect(c.exp - c.iat).toBe(5)
    expect((await request(`${issuer.realm}?service=other`)).status).toBe(400)
    expect(issuer.requests.map((r) => r.status)).toEqual([200, 200, 400])
  })
})

describe('workspace', () => {
  test('is a git repo with a FROM scratch Dockerfile, deterministic commits, unique content', async () => {
    const a = await workspace()
    const b = await workspace()
    expect(a.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(a.sha).not.toBe(b.sha)
    expect(await readFile(join(a.dir, 'Dockerfile'), 'utf8')).toBe('FROM scratch\nCOPY hello.txt /hello.txt\n')
    expect(await readFile(join(a.dir, 'hello.txt'), 'utf8')).toContain(a.token)
    expect(await git(a.dir, ['status', '--porcelain'])).toBe('')

    const files = { 'hello.txt': 'same\n', 'sub/dir/x.txt': 'x' }
    const c = await workspace({ files, commits: 3, dockerfile: 'FROM scratch\nCOPY . /\n' })
    const d = await workspace({ files, commits: 3, dockerfile: 'FROM scratch\nCOPY . /\n' })
    expect(c.sha).toBe(d.sha)
    expect(await git(c.dir, ['rev-list', '--count', 'HEAD'])).toBe('3')
    expect(await git(c.dir, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main')
    expect(await readFile(join(c.dir, 'sub/dir/x.txt'), 'utf8')).toBe('x')
  })
})

/** A fresh workspace and the entry script `name` (in a temp dir) holding `source`; both removed in afterAll. */
async function entryIn(name: string, source: string): Promise<{ ws: Workspace; entry: string }> {
  const ws = await workspace()
  const entry = join(await tempDir('entry'), name)
  await writeFile(entry, source)
  return { ws, entry }
}

describe('runAction', () => {
  const entryScript = `
import { appendFileSync } from 'node:fs'
const env = process.env
appendFileSync(env.GITHUB_OUTPUT, 'greeting=hello ' + env.INPUT_WHO + '\\n')
appendFileSync(env.GITHUB_OUTPUT, 'multi<<ghadelimiter_123\\nline one\\nline=two\\n\\nghadelimiter_123\\n')
appendFileSync(env.GITHUB_OUTPUT, 'empty=\\nnode=' + process.version + '\\n')
appendFileSync(env.GITHUB_STEP_SUMMARY, '### Built\\n| a | b |\\n')
appendFileSync(env.GITHUB_STATE, 'pid=' + process.pid + '\\n')
console.log(JSON.stringify({ cwd: process.cwd(), env }))
console.error('to stderr')
process.exitCode = Number(env['INPUT_EXIT-CODE'] ?? '0')
`

  test('runs the entry on Node 24 like the runner and parses file commands', async () => {
    const { ws, entry } = await entryIn('entry.mjs', entryScript)
    const r = await runAction({
      entry,
      workspace: ws.dir,
      inputs: { who: 'world', 'exit-code': '3', 'my input': 'spaced' },
      env: { DOCKER_CONFIG: '/tmp/some-docker-config' }
    })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('to stderr')
    expect(r.outputs).toEqual({ greeting: 'hello world', multi: 'line one\nline=two\n', empty: '', node: expect.stringMatching(/^v24\./) })
    expect(r.summary).toBe('### Built\n| a | b |\n')
    expect(await readFile(r.summaryFile, 'utf8')).toBe(r.summary)
    expect(await readFile(r.outputFile, 'utf8')).toContain('greeting=hello world')
    expect(r.state.pid).toMatch(/^\d+$/)
    expect(r.durationMs).toBeGreaterThan(0)

    const child = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { cwd: string; env: Record<string, string> }
    expect(child.cwd).toBe(ws.dir)
    const e = child.env
    expect(e).toMatchObject({
      'INPUT_WHO': 'world',
      'INPUT_EXIT-CODE': '3',
      INPUT_MY_INPUT: 'spaced',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: ws.dir,
      GITHUB_SHA: ws.sha,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REPOSITORY: 'acme/demo',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_EVENT_NAME: 'push',
      DOCKER_CONFIG: '/tmp/some-docker-config'
    })
    expect(e.HOME?.startsWith(r.runDir)).toBe(true)
    expect(e.RUNNER_TEMP?.startsWith(r.runDir)).toBe(true)
    expect(e.GITHUB_RUN_ID).toMatch(/^\d+$/)
    expect(e.JEST_WORKER_ID).toBeUndefined()
    expect(e.NODE_OPTIONS).toBeUndefined()
    const payload = JSON.parse(await readFile(e.GITHUB_EVENT_PATH ?? '', 'utf8')) as { after: string; ref: string; repository: { full_name: string } }
    expect(payload).toMatchObject({ after: ws.sha, ref: 'refs/heads/main', repository: { full_name: 'acme/demo' } })
  })

  test('takes github overrides and a custom event', async () => {
    const { ws, entry } = await entryIn('entry.mjs', entryScript)
    const r = await runAction({
      entry,
      workspace: ws.dir,
      inputs: { who: 'tag' },
      event: { name: 'release', payload: { action: 'published', release: { tag_name: 'v1.2.3' } } },
      github: { sha: 'a'.repeat(40), ref: 'refs/tags/v1.2.3', runNumber: '7', runAttempt: '2', runId: '99', repository: 'o/r', serverUrl: 'https://ghe.example' }
    })
    expect(r.code).toBe(0)
    const e = (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { env: Record<string, string> }).env
    expect(e).toMatchObject({
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_REF_NAME: 'v1.2.3',
      GITHUB_RUN_NUMBER: '7',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_RUN_ID: '99',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_SERVER_URL: 'https://ghe.example',
      GITHUB_EVENT_NAME: 'release'
    })
    expect(JSON.parse(await readFile(e.GITHUB_EVENT_PATH ?? '', 'utf8'))).toEqual({ action: 'published', release: { tag_name: 'v1.2.3' } })
  })

  test('kills a hung entry on timeout and reports its output', async () => {
    const { ws, entry } = await entryIn('hang.mjs', "console.log('started'); setInterval(() => {}, 1000)\n")
    const t0 = Date.now()
    const err = await runAction({ entry, workspace: ws.dir, inputs: {}, timeoutMs: 1500 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActionTimeoutError)
    expect((err as ActionTimeoutError).stdout).toContain('started')
    expect((err as Error).message).toMatch(/timed out after 1500 ms/)
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  test('a background child holding stdout open cannot keep the run from finishing', async () => {
    const { ws, entry } = await entryIn(
      'orphan.mjs',
      "import { spawn } from 'node:child_process'\n" +
        "const c = spawn('sleep', ['60'], { stdio: 'inherit' }); c.unref()\n" +
        "console.log('orphan ' + c.pid)\n"
    )
    const t0 = Date.now()
    const r = await runAction({ entry, workspace: ws.dir, inputs: {}, timeoutMs: 30_000 })
    expect(r.code).toBe(0)
    expect(Date.now() - t0).toBeLessThan(10_000)
    const pid = Number(/orphan (\d+)/.exec(r.stdout)?.[1])
    expect(pid).toBeGreaterThan(0)
    // killed: gone, or a zombie waiting for init to reap it
    const dead = async (): Promise<boolean> => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
      return stat === '' || /^\d+ \(.*\) [ZX] /.test(stat)
    }
    for (let i = 0; i < 40 && !(await dead()); i++) await new Promise((r) => setTimeout(r, 50))
    expect(await dead()).toBe(true)
  })

  test('parseFileCommand and inputEnvName follow the runner', () => {
    expect(inputEnvName('image-name')).toBe('INPUT_IMAGE-NAME')
    expect(inputEnvName('build args')).toBe('INPUT_BUILD_ARGS')
    expect(parseFileCommand('a=1\r\nb=x=y\n\nc<<EOF\r\n1\r\n2\r\nEOF\r\nd<<E=F\nv\nE=F\n')).toEqual({ a: '1', b: 'x=y', c: '1\n2', d: 'v' })
    expect(parseFileCommand('')).toEqual({})
    expect(() => parseFileCommand('a<<EOF\nno end\n')).toThrow(/not found/)
    expect(() => parseFileCommand('justaname\n')).toThrow(/invalid file command/)
  })

})

// ---------------------------------------------------------------- buildx and BuildKit

/** A registry for the buildx tests of this file, started on first use. */
let buildxRegistry: Promise<TestRegistry> | undefined
const bxRegistry = (): Promise<TestRegistry> => (buildxRegistry ??= registry('anonymous'))

async function scratchContext(): Promise<string> {
  const ws = await workspace()
  return ws.dir
}

describeOnBuilders('the builder environment', (builder, kind) => {
  test('plain `docker build` with env goes to this builder (as the action runs it today)', async () => {
    const b = builder()
    const ctx = await tempDir('busybox-ctx')
    await writeBusyboxContext(ctx, { run: ['echo ran > /ran.txt'] })
    const tag = `e2e-builder-env-${kind}:latest`
    images.push(tag)
    const r = await run('docker', ['build', '-t', tag, ctx], { env: { ...process.env, ...b.env }, timeoutMs: 120_000 })
    const out = r.stdout + r.stderr
    expect(r.code).toBe(0)
    if (kind === 'legacy') {
      expect(b.env).toMatchObject({ DOCKER_BUILDKIT: '0', DOCKER_CONFIG: b.configDir })
      expect(out).toMatch(/Step 4\/4 : RUN echo ran > \/ran\.txt/)
      // buildx lives only in the buildx test configs: the legacy config has none
      expect((await run('docker', ['buildx', 'version'], { env: { ...process.env, ...b.env } })).code).not.toBe(0)
    } else {
      expect(out).toMatch(/#\d+ \[\d\/\d\] RUN echo ran > \/ran\.txt/)
      const inspect = await runOk('docker', ['buildx', 'inspect'], { env: { ...process.env, ...b.env } })
      expect(inspect.stdout).toMatch(new RegExp(`^Driver:\\s+${kind === 'buildx-docker' ? 'docker' : 'remote'}$`, 'm'))
      expect(b.driver).toBe(kind === 'buildx-docker' ? 'docker' : 'remote')
      if (kind === 'buildx-remote') {
        expect(b.env.BUILDX_BUILDER).toBe(b.builder)
        // a builder that is not the engine leaves no image behind unless told where the result goes
        expect(out).toContain('No output specified with remote driver')
      }
    }
  })
})

describeOnBuilders(
  'buildx push to a local registry',
  (builder, kind) => {
    test('the digest buildx reports is the one skopeo and the registry API see', async () => {
      const b = builder()
      const reg = await bxRegistry()
      const repo = `e2e/buildx-${kind}`
      const ref = `${reg.host}/${repo}:v1`
      if (kind === 'buildx-docker') images.push(ref) // the docker driver also tags the pushed image locally
      const r = await buildxBuild({ configDir: b.configDir, builder: b.builder, context: await scratchContext(), tags: [ref], push: true, labels: { 'e2e.kind': kind } })
      expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
      expect(await skopeoDigest(ref)).toBe(r.digest)
      const m = await rawManifest(reg, repo, 'v1')
      expect(m.digest).toBe(r.digest)
      // the docker driver on this engine pushes a plain image; the remote builder adds provenance (an index)
      const mediaType = (JSON.parse(m.body.toString()) as { mediaType: string }).mediaType
      expect(mediaType).toBe(kind === 'buildx-docker' ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.index.v1+json')
      expect((await skopeoConfig(ref)).config.Labels).toEqual({ 'e2e.kind': kind })
    })
  },
  ['buildx-docker', 'buildx-remote']
)

describeOnBuilders(
  'remote builder fixtures',
  (builder) => {
    const platformsOf = (raw: string): string[] =>
      (JSON.parse(raw) as { manifests: Array<{ platform: { os: string; architecture: string } }> }).manifests.map((d) => `${d.platform.os}/${d.platform.architecture}`)

    test('pushMultiPlatform with provenance: 2 platforms + 2 unknown/unknown attestations, imagetools agrees', async () => {
      const b = builder()
      const reg = await bxRegistry()
      const ref = `${reg.host}/e2e/multi:prov`
      const pushed = await pushMultiPlatform({ configDir: b.configDir, builder: b.builder ?? '', tags: [ref], provenance: true, labels: { 'git-commit': 'abc' } })
      const { stdout: raw } = await runOk('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`])
      expect(sha256(raw)).toBe(pushed.digest)
      expect(platformsOf(raw)).toEqual(['linux/amd64', 'linux/arm64', 'unknown/unknown', 'unknown/unknown'])
      expect(await skopeoDigest(ref)).toBe(pushed.digest)

      const view = await imagetoolsInspect(ref, b.configDir)
      expect(view.digest).toBe(pushed.digest)
      expect(view.mediaType).toBe('application/vnd.oci.image.index.v1+json')
      expect(view.json).toEqual(JSON.parse(raw))
      expect(view.manifests.map((m) => m.platform)).toEqual(['linux/amd64', 'linux/arm64', 'unknown/unknown', 'unknown/unknown'])
      const index = JSON.parse(raw) as { manifests: Array<{ digest: string }> }
      expect(view.manifests.map((m) => m.digest)).toEqual(index.manifests.map((m) => m.digest))
      expect(view.manifests[2]?.annotations).toEqual({ 'vnd.docker.reference.digest': index.manifests[0]?.digest, 'vnd.docker.reference.type': 'attestation-manifest' })
      const arm = await skopeoConfig(ref, undefined, { os: 'linux', architecture: 'arm64' })
      expect(arm.architecture).toBe('arm64')
      expect(arm.config.Labels).toEqual({ 'git-commit': 'abc' })
    })

    test('pushMultiPlatform without provenance: an index (OCI, or a Docker manifest list on older BuildKit) of exactly the 2 platforms', async () => {
      const b = builder()
      const reg = await bxRegistry()
      const ref = `${reg.host}/e2e/multi:plain`
      const pushed = await pushMultiPlatform({ configDir: b.configDir, builder: b.builder ?? '', tags: [ref], provenance: false })
      const { stdout: raw } = await runOk('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`])
      expect(sha256(raw)).toBe(pushed.digest)
      expect(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']).toContain((JSON.parse(raw) as { mediaType: string }).mediaType)
      expect(platformsOf(raw)).toEqual(['linux/amd64', 'linux/arm64'])
      expect((await imagetoolsInspect(ref, b.configDir)).digest).toBe(pushed.digest)
    })

    test('dockerd pulls the arm64 image of an index from a loopback registry (docker pull --platform)', async () => {
      const b = builder()
      const reg = await bxRegistry()
      const ref = `${reg.host}/e2e/multi:pull`
      const pushed = await pushMultiPlatform({ configDir: b.configDir, builder: b.builder ?? '', tags: [ref], provenance: true })
      const arm = (await imagetoolsInspect(ref, b.configDir)).manifests.find((m) => m.platform === 'linux/arm64')
      images.push(ref)
      await runOk('docker', ['pull', '--platform', 'linux/arm64', ref], { timeoutMs: 120_000 })
      const { stdout } = await runOk('docker', ['image', 'inspect', '--format', '{{.Architecture}} {{.Id}} {{json .RepoDigests}}', ref])
      const armBody = JSON.parse((await rawManifest(reg, 'e2e/multi', arm?.digest ?? 'missing')).body.toString()) as { config: { digest: string } }
      expect(stdout.trim()).toBe(`arm64 ${armBody.config.digest} ["${reg.host}/e2e/multi@${pushed.digest}"]`)
    })

    test('a fresh buildkitd has an empty cache; a registry cache makes the slow RUN step CACHED there', async () => {
      const b = builder()
      const reg = await bxRegistry()
      const ctx = await tempDir('slow-ctx')
      await writeBusyboxContext(ctx, { args: ['ROUND'], run: ['sleep 2 && echo "$ROUND" > /slow.txt'] })
      const cacheRef = `${reg.host}/e2e/slow:buildcache`
      const round = `r${Date.now()}`
      const cold = await buildxBuild({
        configDir: b.configDir,
        builder: b.builder,
        context: ctx,
        tags: [`${reg.host}/e2e/slow:v1`],
        push: true,
        buildArgs: { ROUND: round },
        cacheTo: [`type=registry,ref=${cacheRef},mode=max`]
      })
      expect(cachedSteps(cold.stderr).filter((s) => s.includes('RUN'))).toEqual([])

      const fresh = track(await startBuildkitd())
      expect(fresh.addr).not.toBe((await sharedBuildkitd()).addr)
      const configDir = await tempDir('fresh-builder')
      await installBuildx(configDir)
      const name = await createRemoteBuilder(configDir, 'fresh', fresh.addr)
      expect(await builderCacheBytes(configDir, name)).toBe(0)
      const warm = await buildxBuild({
        configDir,
        builder: name,
        context: ctx,
        tags: [`${reg.host}/e2e/slow:v2`],
        push: true,
        buildArgs: { ROUND: round },
        cacheFrom: [`type=registry,ref=${cacheRef}`]
      })
      expect(cachedSteps(warm.stderr)).toContainEqual(expect.stringMatching(/RUN sleep 2/))
      expect(await builderCacheBytes(configDir, name)).toBeGreaterThan(0)
    })
  },
  ['buildx-remote']
)
