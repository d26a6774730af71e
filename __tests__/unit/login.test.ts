import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseLogin } from '../../src/action/inputs'
import { maskSecretInputs } from '../../src/action/secrets'
import { loginForStep, privateConfig } from '../../src/docker/login'
import { captureStdout, maskedValues } from '../helpers/capture'
import { FakeDocker } from '../helpers/fake-docker'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'login-test-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('privateConfig', () => {
  it('keeps settings and other registries, drops everything that routes this registry elsewhere', () => {
    const source = {
      auths: { 'ghcr.io': { auth: 'old' }, 'https://ghcr.io/v1/': { auth: 'older' }, 'quay.io': { auth: 'keep' } },
      credsStore: 'desktop',
      credHelpers: { 'ghcr.io': 'gh', 'gcr.io': 'gcloud' },
      proxies: { default: { httpProxy: 'http://proxy:3128' } },
      currentContext: 'ci'
    }
    expect(privateConfig(source, 'ghcr.io')).toEqual({
      auths: { 'quay.io': { auth: 'keep' } },
      credHelpers: { 'gcr.io': 'gcloud' },
      proxies: { default: { httpProxy: 'http://proxy:3128' } },
      currentContext: 'ci'
    })
    expect(privateConfig({ auths: { 'https://index.docker.io/v1/': { auth: 'x' } } }, 'docker.io')).toEqual({ auths: {} })
  })
})

describe('loginForStep', () => {
  it('logs in into a private DOCKER_CONFIG (masked password, plugins carried over) and removes it on cleanup', async () => {
    const userConfig = path.join(dir, 'user-docker')
    mkdirSync(path.join(userConfig, 'cli-plugins'), { recursive: true })
    writeFileSync(path.join(userConfig, 'config.json'), JSON.stringify({ credsStore: 'desktop', auths: { 'quay.io': { auth: 'q' } } }))
    const docker = new FakeDocker()
    const env = { DOCKER_CONFIG: userConfig, RUNNER_TEMP: dir }
    const { result: login, out } = await captureStdout(() => loginForStep(docker, '127.0.0.1:5000', 'ci-user', 's3cret-pw', env))
    if (!login) throw new Error('no login')
    expect(maskedValues(out)).toContain('s3cret-pw')
    expect(login.configDir.startsWith(path.join(dir, 'pinned-build-docker-config-'))).toBe(true)
    expect(login.env.DOCKER_CONFIG).toBe(login.configDir)
    expect(docker.calls).toEqual([{ op: 'login', env: { DOCKER_CONFIG: login.configDir }, args: ['127.0.0.1:5000', 'ci-user', 's3cret-pw'] }])
    expect(readlinkSync(path.join(login.configDir, 'cli-plugins'))).toBe(path.join(userConfig, 'cli-plugins'))
    const written = JSON.parse(readFileSync(path.join(login.configDir, 'config.json'), 'utf8')) as Record<string, unknown>
    expect(written).toEqual({ auths: { 'quay.io': { auth: 'q' }, '127.0.0.1:5000': { auth: Buffer.from('ci-user:s3cret-pw').toString('base64') } } })
    await login.docker.push({ ref: '127.0.0.1:5000/demo:v1', tag: 'v1' })
    expect(docker.calls[1]?.env.DOCKER_CONFIG).toBe(login.configDir)
    // the user's own config is untouched
    expect(JSON.parse(readFileSync(path.join(userConfig, 'config.json'), 'utf8'))).toEqual({ credsStore: 'desktop', auths: { 'quay.io': { auth: 'q' } } })
    await login.cleanup()
    expect(existsSync(login.configDir)).toBe(false)
  })

  it('logs in to Docker Hub without a server argument', async () => {
    const docker = new FakeDocker()
    const login = await loginForStep(docker, 'docker.io', 'hubuser', 'pw', { RUNNER_TEMP: dir, HOME: dir })
    await login.cleanup()
    expect(docker.calls[0]?.args).toEqual(['(hub)', 'hubuser', 'pw'])
  })

  it('removes the directory when docker login fails', async () => {
    const docker = new FakeDocker({ failLogin: true })
    const before = new Set(loginDirs())
    await expect(loginForStep(docker, 'ghcr.io', 'u', 'bad', { RUNNER_TEMP: dir, HOME: dir })).rejects.toThrow(/docker login to ghcr.io as 'u' failed/)
    expect(loginDirs().filter((d) => !before.has(d))).toEqual([])
  })
})

function loginDirs(): string[] {
  return readdirSync(dir).filter((d) => d.startsWith('pinned-build-docker-config-'))
}

describe('username/password inputs', () => {
  it('both or neither', () => {
    expect(parseLogin('', '')).toBeUndefined()
    expect(parseLogin('octo', 'pw')).toEqual({ username: 'octo', password: 'pw' })
    expect(() => parseLogin('octo', '')).toThrow("Input 'password': is required when 'username' is set")
    expect(() => parseLogin('', 'pw')).toThrow("Input 'username': is required when 'password' is set")
    expect(() => parseLogin('a:b', 'pw')).toThrow(/Input 'username': contains whitespace or a colon/)
  })
  it('masks the password input', async () => {
    const { out } = await captureStdout(async () => maskSecretInputs((n) => (n === 'password' ? 'input-pw-123' : '')))
    expect(maskedValues(out)).toEqual(['input-pw-123'])
  })
})
