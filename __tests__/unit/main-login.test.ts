import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { BuildRequest, Docker, PushResult } from '../../src/docker/cli'
import { ActionError } from '../../src/errors'
import { buildAndPush, type Deps } from '../../src/main'
import { createRegistryFactory } from '../../src/registry'
import { lookupCredentials } from '../../src/registry/docker-config'
import { captureStdout, maskedValues } from './helpers/capture'
import { FakeRegistry, REGISTRY } from './helpers/fake-registry'

const SHA = 'a'.repeat(40)
let dir: string

/** A docker that "pushes" into a FakeRegistry and records which DOCKER_CONFIG each call ran with. */
class FakeDocker implements Docker {
  labels: Record<string, string> = {}
  constructor(
    readonly reg: FakeRegistry,
    readonly log: string[],
    private readonly env: Record<string, string> = {},
    private readonly failLogin = false
  ) {}
  withEnv(env: Record<string, string>): Docker {
    return Object.assign(new FakeDocker(this.reg, this.log, { ...this.env, ...env }, this.failLogin), { labels: this.labels })
  }
  private where(): string {
    return this.env.DOCKER_CONFIG ? 'private' : 'default'
  }
  async serverVersion(): Promise<string> {
    return '27.0'
  }
  async build(request: BuildRequest): Promise<{ imageId: string }> {
    this.log.push(`build ${this.where()}`)
    Object.assign(this.labels, request.labels)
    return { imageId: `sha256:${'b'.repeat(64)}` }
  }
  async push(ref: string): Promise<PushResult> {
    this.log.push(`push ${this.where()}`)
    const tag = ref.slice(ref.lastIndexOf(':') + 1)
    return { ref, digest: this.reg.putImage('acme/api', this.labels, [tag]).digest }
  }
  async login(server: string | undefined, username: string, password: string): Promise<void> {
    this.log.push(`login ${this.where()} ${server} ${username}`)
    if (this.failLogin) throw new ActionError('docker login failed')
    const file = path.join(this.env.DOCKER_CONFIG as string, 'config.json')
    const config = JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, unknown> }
    config.auths[server as string] = { auth: Buffer.from(`${username}:${password}`).toString('base64') }
    writeFileSync(file, JSON.stringify(config))
  }
}

function deps(docker: FakeDocker, inputs: Record<string, string>, seen: { env?: NodeJS.ProcessEnv }): Deps {
  return {
    docker,
    readInput: (name) => inputs[name] ?? '',
    env: { GITHUB_SHA: SHA, GITHUB_RUN_NUMBER: '7', GITHUB_RUN_ATTEMPT: '1', RUNNER_TEMP: dir, HOME: dir },
    cwd: dir,
    openRegistry: (name, env) => {
      seen.env = env
      // credentials exactly as the real openRegistry finds them, from the env it was given
      const f = createRegistryFactory({ transport: docker.reg, credentials: (r) => lookupCredentials(r, env ?? {}) })
      return { client: f.client(name), close: () => f.close() }
    }
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'main-login-'))
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('buildAndPush with the username/password inputs', () => {
  it('logs in before the build, uses the private config for docker and the read-back, removes it afterwards', async () => {
    const reg = new FakeRegistry('basic', { username: 'ci', password: 'pw-123456' })
    const log: string[] = []
    const seen: { env?: NodeJS.ProcessEnv } = {}
    const inputs = { image: `${REGISTRY}/acme/api`, tags: 'v1', username: 'ci', password: 'pw-123456' }
    const { result, out, error } = await captureStdout(() => buildAndPush(deps(new FakeDocker(reg, log), inputs, seen)))
    if (error) throw error
    expect(log).toEqual([`login private ${REGISTRY} ci`, 'build private', 'push private'])
    expect(result?.report.digest).toMatch(/^sha256:/)
    const privateDir = seen.env?.DOCKER_CONFIG as string
    expect(privateDir.startsWith(path.join(dir, 'pinned-build-docker-config-'))).toBe(true)
    expect(existsSync(privateDir)).toBe(false)
    // the read-back authenticated with the step's credentials
    expect(reg.requests.filter((r) => r.url.includes('/manifests/')).every((r) => r.authorization?.startsWith('Basic '))).toBe(true)
    // masked before anything else was printed
    expect(out.indexOf('::add-mask::pw-123456')).toBe(0)
    expect(maskedValues(out)).toContain('pw-123456')
  })

  it('removes the private config when a later step fails', async () => {
    const reg = new FakeRegistry('basic', { username: 'ci', password: 'right' })
    const seen: { env?: NodeJS.ProcessEnv } = {}
    const inputs = { image: `${REGISTRY}/acme/api`, tags: 'v1', username: 'ci', password: 'wrong' }
    const { error } = await captureStdout(() => buildAndPush(deps(new FakeDocker(reg, []), inputs, seen)))
    expect((error as Error).message).toMatch(/refused to read manifest v1 \(HTTP 401/)
    expect(existsSync(seen.env?.DOCKER_CONFIG as string)).toBe(false)
  })

  it('without the inputs: no login, docker and the read-back use the runner’s own config', async () => {
    const reg = new FakeRegistry('anonymous')
    const log: string[] = []
    const seen: { env?: NodeJS.ProcessEnv } = {}
    const { error } = await captureStdout(() => buildAndPush(deps(new FakeDocker(reg, log), { image: `${REGISTRY}/acme/api`, tags: 'v1' }, seen)))
    if (error) throw error
    expect(log).toEqual(['build default', 'push default'])
    expect(seen.env?.DOCKER_CONFIG).toBeUndefined()
  })
})
