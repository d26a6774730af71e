import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { helperCredentials } from '../../src/docker/credential-helper'
import { RegistryBudget } from '../../src/registry/budget'
import {
  authsCredentials,
  credentialSource,
  dockerConfigPath,
  findKey,
  lookupCredentials,
  readDockerConfig
} from '../../src/docker/config'

const b64 = (s: string) => Buffer.from(s).toString('base64')
let dir: string
let bin: string

/** A docker-credential-<name> script: answers from a table, logs each server URL asked for. */
function writeHelper(name: string, table: Record<string, { Username: string; Secret: string }>, extra = ''): void {
  const cases = Object.entries(table)
    .map(([server, c]) => `  ${JSON.stringify(server)}) printf '%s' ${JSON.stringify(JSON.stringify({ ServerURL: server, ...c }))} ;;`)
    .join('\n')
  const script = `#!/bin/sh
[ "$1" = get ] || { echo "unexpected argument $1" >&2; exit 3; }
read -r server
echo "$server" >> "${dir}/${name}.log"
${extra}
case "$server" in
${cases}
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`
  const file = path.join(bin, `docker-credential-${name}`)
  writeFileSync(file, script)
  chmodSync(file, 0o755)
}
const calls = (name: string): string[] => {
  try {
    return readFileSync(path.join(dir, `${name}.log`), 'utf8').trim().split('\n')
  } catch {
    return []
  }
}
function envWith(config: object): NodeJS.ProcessEnv {
  const cfgDir = mkdtempSync(path.join(dir, 'cfg-'))
  writeFileSync(path.join(cfgDir, 'config.json'), JSON.stringify(config))
  return { ...process.env, DOCKER_CONFIG: cfgDir, PATH: `${bin}:${process.env.PATH}` }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'docker-config-test-'))
  bin = path.join(dir, 'bin')
  mkdirSync(bin)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('config.json location and parsing', () => {
  it('uses $DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/x/cfg', HOME: '/home/u' })).toBe('/x/cfg/config.json')
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json')
  })
  it('treats a missing file as empty and names a malformed one', () => {
    expect(readDockerConfig(path.join(dir, 'nope.json'))).toEqual({})
    const bad = path.join(dir, 'bad.json')
    writeFileSync(bad, '{"auths": ')
    expect(() => readDockerConfig(bad)).toThrow(/bad\.json is not valid JSON/)
  })
})

describe('auths', () => {
  it('decodes auth (split at the first colon) and identitytoken', () => {
    const config = {
      auths: {
        'ghcr.io': { auth: b64('octo:pa:ss:word') },
        'quay.io': { identitytoken: 'refresh-abc' },
        'r.example:5000': { username: 'u', password: 'p' }
      }
    }
    expect(authsCredentials(config, 'ghcr.io')).toEqual({ username: 'octo', password: 'pa:ss:word' })
    expect(authsCredentials(config, 'quay.io')).toEqual({ identityToken: 'refresh-abc' })
    expect(authsCredentials(config, 'r.example:5000')).toEqual({ username: 'u', password: 'p' })
    expect(authsCredentials(config, 'r.example')).toBeUndefined()
  })
  it("finds Docker Hub under https://index.docker.io/v1/ and legacy URL-shaped keys by host", () => {
    expect(authsCredentials({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } }, 'docker.io')).toEqual({ username: 'hub', password: 'pw' })
    expect(authsCredentials({ auths: { 'https://registry.example.com/v1/': { auth: b64('a:b') } } }, 'registry.example.com')).toEqual({ username: 'a', password: 'b' })
    expect(authsCredentials({ auths: { 'http://127.0.0.1:5000': { auth: b64('a:b') } } }, '127.0.0.1:5000')).toEqual({ username: 'a', password: 'b' })
    // the exact key wins over a legacy one
    expect(findKey({ 'https://ghcr.io/v2/': 1, 'ghcr.io': 2 }, 'ghcr.io')).toBe('ghcr.io')
  })
  it('ignores entries without a secret', () => {
    expect(authsCredentials({ auths: { 'ghcr.io': {} } }, 'ghcr.io')).toBeUndefined()
    expect(authsCredentials({ auths: { 'ghcr.io': { auth: b64('nocolon') } } }, 'ghcr.io')).toBeUndefined()
  })
})

describe("docker's lookup order", () => {
  it('credHelpers[host] before credsStore before auths', () => {
    const config = { auths: { 'ghcr.io': { auth: b64('a:b') } }, credsStore: 'store', credHelpers: { 'ghcr.io': 'gh' } }
    expect(credentialSource(config, 'ghcr.io')).toEqual({ kind: 'helper', helper: 'gh', serverUrl: 'ghcr.io', from: 'credHelpers' })
    expect(credentialSource(config, 'quay.io')).toEqual({ kind: 'helper', helper: 'store', serverUrl: 'quay.io', from: 'credsStore' })
    expect(credentialSource({ auths: config.auths }, 'ghcr.io')).toEqual({ kind: 'auths' })
    expect(credentialSource({ credsStore: 'desktop' }, 'docker.io')).toEqual({
      kind: 'helper',
      helper: 'desktop',
      serverUrl: 'https://index.docker.io/v1/',
      from: 'credsStore'
    })
  })

  it('asks the helper with the server URL on stdin and maps <token> to an identity token', async () => {
    writeHelper('order', {
      'ghcr.io': { Username: 'octo', Secret: 'gh-secret' },
      'https://index.docker.io/v1/': { Username: '<token>', Secret: 'hub-identity' }
    })
    const env = envWith({ credsStore: 'order', auths: { 'ghcr.io': { auth: b64('inline:ignored') } } })
    await expect(lookupCredentials('ghcr.io', env)).resolves.toEqual({ username: 'octo', password: 'gh-secret' })
    await expect(lookupCredentials('docker.io', env)).resolves.toEqual({ identityToken: 'hub-identity' })
    // like docker: a configured helper answers alone; its "not found" is anonymous, not a fall-back to auths
    await expect(lookupCredentials('quay.io', env)).resolves.toBeUndefined()
    expect(calls('order')).toEqual(['ghcr.io', 'https://index.docker.io/v1/', 'quay.io'])
  })

  it('uses auths when no helper is configured', async () => {
    const env = envWith({ auths: { 'http://127.0.0.1:5000/v2/': { auth: b64('u:p') } } })
    await expect(lookupCredentials('127.0.0.1:5000', env)).resolves.toEqual({ username: 'u', password: 'p' })
  })
})

describe('credential helper protocol failures', () => {
  it('a missing helper binary is a clear error', async () => {
    await expect(helperCredentials('absent', 'ghcr.io', { env: { PATH: bin } })).rejects.toThrow(/docker-credential-absent .*is not on PATH/)
  })
  it('a failing helper is an error that does not echo its output', async () => {
    writeHelper('broken', {}, 'echo "leaky-output-secret" ; exit 7')
    const error = await helperCredentials('broken', 'ghcr.io', { env: { PATH: `${bin}:${process.env.PATH}` } }).catch((e: Error) => e)
    expect(String((error as Error).message)).toMatch(/failed for ghcr.io \(exit code 7\)/)
    expect(String((error as Error).message)).not.toMatch(/leaky/)
  })
  it('non-JSON output is an error; a hung helper times out', async () => {
    writeHelper('garbage', {}, 'echo not-json; exit 0')
    await expect(helperCredentials('garbage', 'x', { env: { PATH: `${bin}:${process.env.PATH}` } })).rejects.toThrow(/did not print JSON/)
    writeHelper('hang', {}, 'sleep 5')
    await expect(helperCredentials('hang', 'x', { env: { PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 300 })).rejects.toThrow(
      /docker-credential-hang did not answer for x within 0.3 s, and was stopped/
    )
  })
  it('a wrapper script waiting on a child (F4): the whole process group is stopped at the timeout, in bounded time', async () => {
    const pids = path.join(dir, 'waiting.pids')
    writeHelper('waiting', {}, `echo $$ >> "${pids}"; sleep 30 & echo $! >> "${pids}"; wait`)
    const started = Date.now()
    await expect(helperCredentials('waiting', 'x', { env: { PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 300 })).rejects.toThrow(
      /docker-credential-waiting did not answer/
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    const ids = readFileSync(pids, 'utf8').trim().split('\n').map(Number)
    expect(ids).toHaveLength(2)
    await new Promise((r) => setTimeout(r, 100))
    const alive = ids.filter((pid) => {
      try {
        process.kill(pid, 0)
        return !/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
      } catch {
        return false
      }
    })
    expect(alive).toEqual([])
  })
  it('the registry budget stops a helper, naming the helper and the budget', async () => {
    writeHelper('slow', {}, 'sleep 30 & wait')
    const budget = new RegistryBudget(200)
    const started = Date.now()
    await expect(helperCredentials('slow', 'x', { env: { PATH: `${bin}:${process.env.PATH}` }, signal: budget.signal() })).rejects.toThrow(
      'the docker credential helper docker-credential-slow did not answer for x within the 0.2 s registry-timeout, and was stopped (with everything it started)'
    )
    expect(Date.now() - started).toBeLessThan(1_500)
  })
  it('a grandchild that left the process group and holds the pipes does not keep the caller waiting', async () => {
    writeHelper('escaped', {}, 'setsid sleep 3 & wait')
    const started = Date.now()
    await expect(helperCredentials('escaped', 'x', { env: { PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 300 })).rejects.toThrow(/did not answer/)
    expect(Date.now() - started).toBeLessThan(1_500)
  })
  it('refuses helper names that are not plain names', async () => {
    await expect(helperCredentials('../evil', 'x')).rejects.toThrow(/not a valid helper name/)
  })
})
