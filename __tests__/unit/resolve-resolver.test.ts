import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { dockerKeychain } from '../../src/docker/config'
import { createRegistryFactory } from '../../src/registry'
import { parseImages } from '../../src/resolve/inputs'
import { checkOutcomes, resolveAll, type Outcome, type ResolveOptions } from '../../src/resolve/resolver'
import { FakeRegistry } from '../helpers/fake-registry'

const H = 'registry.test'
let dir: string
let noConfig: NodeJS.ProcessEnv
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'resolver-'))
  noConfig = { DOCKER_CONFIG: path.join(dir, 'none') }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function resolve(reg: FakeRegistry, images: string[], opts: Partial<ResolveOptions> = {}, env = noConfig): Promise<Outcome[]> {
  const pool = createRegistryFactory({ transport: reg, credentials: dockerKeychain(env) })
  return resolveAll(parseImages(images.join('\n')), { client: (n) => pool.client(n), concurrency: 8, ...opts })
}

const digestOf = (o: Outcome | undefined): string | undefined => (o?.status === 'resolved' ? o.resolution.digest : undefined)

describe('resolveAll', () => {
  it('resolves tags with a HEAD each, every digest confirmed by one HEAD by digest, in input order, keeping the spelling', async () => {
    const reg = new FakeRegistry()
    const a1 = reg.putImage('acme/a', {}, ['1']).digest
    const b2 = reg.putImage('acme/b', {}, ['2', 'latest']).digest
    const out = await resolve(reg, [`${H}/acme/b:2`, `${H}/acme/a:1`, `${H}/acme/b`])
    expect(out.map((o) => [o.target.input, digestOf(o)])).toEqual([
      [`${H}/acme/b:2`, b2],
      [`${H}/acme/a:1`, a1],
      [`${H}/acme/b`, b2]
    ])
    expect(reg.manifestRequests().map((r) => `${r.method} ${r.repo}:${r.ref}`).sort()).toEqual(['HEAD acme/a:1', `HEAD acme/a:${a1}`, 'HEAD acme/b:2', `HEAD acme/b:${b2}`, 'HEAD acme/b:latest'].sort())
  })

  it('asks once for the same reference spelled differently', async () => {
    const reg = new FakeRegistry()
    const d = reg.putImage('acme/a', {}, ['latest']).digest
    const out = await resolve(reg, [`${H}/acme/a`, `${H}/acme/a:latest`])
    expect(out.map(digestOf)).toEqual([d, d])
    // the tag, and its digest confirmed by digest
    expect(reg.count()).toBe(2)
  })

  it('with credentials, answers one challenge per repository at most: one request per reference after auth, one per digest', async () => {
    const reg = Object.assign(new FakeRegistry('basic', { username: 'u', password: 'p' }), { delayMs: 5 })
    const images: string[] = []
    for (let r = 0; r < 4; r++) for (let t = 0; t < 5; t++) {
      reg.putImage(`team/r${r}`, {}, [`t${t}`])
      images.push(`${H}/team/r${r}:t${t}`)
    }
    const cfg = path.join(dir, 'basic')
    mkdirSync(cfg)
    writeFileSync(path.join(cfg, 'config.json'), JSON.stringify({ auths: { [H]: { auth: Buffer.from('u:p').toString('base64') } } }))
    const out = await resolve(reg, images, { concurrency: 8 }, { DOCKER_CONFIG: cfg })
    expect(out.every((o) => o.status === 'resolved')).toBe(true)
    // at most one challenge per repository (a 401 on its first request, or a single /v2/ ping), then every reference
    // costs exactly one successful HEAD, and every distinct digest of a repository one HEAD by digest
    expect(reg.requests.filter((r) => r.status === 401).length).toBeLessThanOrEqual(4)
    const ok = reg.manifestRequests().filter((r) => r.status === 200)
    const byDigest = [...new Set(ok.filter((r) => r.ref?.startsWith('sha256:')).map((r) => `${r.repo}@${r.ref}`))]
    expect(ok.filter((r) => r.ref?.startsWith('sha256:'))).toHaveLength(byDigest.length)
    expect(byDigest).toHaveLength(4)
    expect(ok.filter((r) => !r.ref?.startsWith('sha256:')).map((r) => `${r.method} ${r.repo}:${r.ref}`).sort()).toEqual(images.map((i) => `HEAD ${i.slice(H.length + 1)}`).sort())
    expect(reg.requests.length - ok.length).toBeLessThanOrEqual(4)
    expect(reg.count('GET')).toBe(0)
    expect(reg.maxInFlight).toBeGreaterThan(1)
    expect(reg.maxInFlight).toBeLessThanOrEqual(8)
  })

  it('keeps to the concurrency limit', async () => {
    const reg = Object.assign(new FakeRegistry(), { delayMs: 10 })
    const images = Array.from({ length: 12 }, (_, i) => {
      reg.putImage(`r${i}`, {}, ['x'])
      return `${H}/r${i}:x`
    })
    await resolve(reg, images, { concurrency: 3 })
    expect(reg.maxInFlight).toBe(3)
  })

  it('falls back to GET and hashes the body when HEAD has no digest', async () => {
    const reg = Object.assign(new FakeRegistry(), { omitHeadDigest: true })
    const d = reg.putImage('acme/a', {}, ['1']).digest
    const out = await resolve(reg, [`${H}/acme/a:1`])
    expect(digestOf(out[0])).toBe(d)
    // HEAD by tag names no digest: GET by tag (hashed), then the GET by digest that confirms it
    expect(reg.manifestRequests().map((r) => `${r.method} ${r.ref === d ? 'digest' : r.ref}`)).toEqual(['HEAD 1', 'GET 1', 'GET digest'])
  })

  it('verifies an already pinned reference with a HEAD by digest and passes it through', async () => {
    const reg = new FakeRegistry()
    const d = reg.putImage('acme/a', {}, ['1']).digest
    const gone = `sha256:${'9'.repeat(64)}`
    const out = await resolve(reg, [`${H}/acme/a:1@${d}`, `${H}/acme/a@${gone}`])
    expect(out[0]).toMatchObject({ status: 'resolved', resolution: { digest: d, verifiedPin: true } })
    expect(out[1]?.status).toBe('missing')
    expect(reg.manifestRequests().map((r) => `${r.method} ${r.ref}`).sort()).toEqual([`HEAD ${d}`, `HEAD ${gone}`].sort())
  })

  it('reports missing tags and repositories by name; checkOutcomes fails unless they may be skipped', async () => {
    const reg = Object.assign(new FakeRegistry(), { nameUnknown: true })
    reg.putImage('acme/a', {}, ['1'])
    const out = await resolve(reg, [`${H}/acme/a:1`, `${H}/acme/a:nope`, `${H}/acme/ghost:1`])
    expect(out.map((o) => o.status)).toEqual(['resolved', 'missing', 'missing'])
    expect(() => checkOutcomes(out, true)).toThrow(/2 of 3 image references could not be resolved:\n {2}registry\.test\/acme\/a:nope: not found .*MANIFEST_UNKNOWN[\s\S]*registry\.test\/acme\/ghost:1: not found .*NAME_UNKNOWN/)
    expect(() => checkOutcomes(out, false)).not.toThrow()
  })

  it('with platform, reads the index (hash-verified) and returns the platform manifest digest', async () => {
    const reg = new FakeRegistry()
    const amd = reg.putImage('acme/m', { image: 'amd' }, []).digest
    const arm = reg.putImage('acme/m', { image: 'arm' }, []).digest
    const index = reg.putIndex('acme/m', ['multi'], [
      { digest: amd, os: 'linux', architecture: 'amd64' },
      { digest: arm, os: 'linux', architecture: 'arm64', variant: 'v8' },
      { digest: amd, os: 'unknown', architecture: 'unknown' }
    ])
    const single = reg.putImage('acme/s', {}, ['1']).digest
    const out = await resolve(reg, [`${H}/acme/m:multi`, `${H}/acme/s:1`], { platform: { os: 'linux', architecture: 'arm64' } })
    expect(out[0]).toMatchObject({ status: 'resolved', resolution: { digest: arm, indexDigest: index, platforms: ['linux/amd64', 'linux/arm64/v8'] } })
    expect(digestOf(out[1])).toBe(single)
    // the index by digest (hashed) confirms it; its arm64 entry and the single image are confirmed by a HEAD by digest
    expect(reg.manifestRequests().map((r) => `${r.method} ${r.ref}`).sort()).toEqual(['GET ' + index, 'HEAD 1', 'HEAD multi', `HEAD ${arm}`, `HEAD ${single}`].sort())

    const without = await resolve(reg, [`${H}/acme/m:multi`], { platform: { os: 'linux', architecture: 's390x' } })
    expect(without[0]).toMatchObject({ status: 'failed' })
    expect(without[0]?.status === 'failed' && without[0].message).toMatch(/index without linux\/s390x \(it has linux\/amd64, linux\/arm64\/v8\)/)
  })

  it('lists platforms of an index only when asked (list-platforms), otherwise HEAD only', async () => {
    const reg = new FakeRegistry()
    const amd = reg.putImage('acme/m', { image: 'amd' }, []).digest
    const index = reg.putIndex('acme/m', ['multi'], [{ digest: amd, os: 'linux', architecture: 'amd64' }])
    const plain = await resolve(reg, [`${H}/acme/m:multi`])
    expect(plain[0]).toMatchObject({ resolution: { digest: index, mediaType: 'application/vnd.oci.image.index.v1+json' } })
    expect(reg.count('GET')).toBe(0)
    const listed = await resolve(reg, [`${H}/acme/m:multi`], { listPlatforms: true })
    expect(listed[0]).toMatchObject({ resolution: { digest: index, platforms: ['linux/amd64'] } })
  })
})
