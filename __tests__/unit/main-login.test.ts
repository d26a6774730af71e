import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildAndPush, type Deps } from '../../src/build-push/main'
import { captureStdout, maskedValues } from '../helpers/capture'
import { FakeDocker, type DockerCall } from '../helpers/fake-docker'
import { FakeRegistry, REGISTRY, fakeRegistries } from '../helpers/fake-registry'

const SHA = 'a'.repeat(40)
let dir: string

/** Where each docker call ran: with the step's private DOCKER_CONFIG or the runner's default. */
const where = (calls: DockerCall[]) => calls.map((c) => `${c.op} ${c.env.DOCKER_CONFIG ? 'private' : 'default'}${c.op === 'login' ? ` ${c.args[0]} ${c.args[1]}` : ''}`)

function deps(docker: FakeDocker, registry: FakeRegistry, inputs: Record<string, string>, seen: { env?: NodeJS.ProcessEnv }): Deps {
  return {
    docker,
    readInput: (name) => inputs[name] ?? '',
    env: { GITHUB_SHA: SHA, GITHUB_RUN_NUMBER: '7', GITHUB_RUN_ATTEMPT: '1', RUNNER_TEMP: dir, HOME: dir },
    cwd: dir,
    openRegistries: async (access) => {
      seen.env = access.env
      // credentials exactly as the real seam finds them, from the env it was given
      return fakeRegistries(registry)(access)
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
    const docker = new FakeDocker({ registry: reg })
    const seen: { env?: NodeJS.ProcessEnv } = {}
    const inputs = { image: `${REGISTRY}/acme/api`, tags: 'v1', username: 'ci', password: 'pw-123456' }
    const { result, out, error } = await captureStdout(() => buildAndPush(deps(docker, reg, inputs, seen)))
    if (error) throw error
    expect(where(docker.calls)).toEqual([`login private ${REGISTRY} ci`, 'build private', 'push private'])
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
    const { error } = await captureStdout(() => buildAndPush(deps(new FakeDocker({ registry: reg }), reg, inputs, seen)))
    expect((error as Error).message).toMatch(/refused to read manifest v1 \(HTTP 401/)
    expect(existsSync(seen.env?.DOCKER_CONFIG as string)).toBe(false)
  })

  it('without the inputs: no login, docker and the read-back use the runner’s own config', async () => {
    const reg = new FakeRegistry('anonymous')
    const docker = new FakeDocker({ registry: reg })
    const seen: { env?: NodeJS.ProcessEnv } = {}
    const { error } = await captureStdout(() => buildAndPush(deps(docker, reg, { image: `${REGISTRY}/acme/api`, tags: 'v1' }, seen)))
    if (error) throw error
    expect(where(docker.calls)).toEqual(['build default', 'push default'])
    expect(seen.env?.DOCKER_CONFIG).toBeUndefined()
  })
})
