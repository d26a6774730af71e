import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DockerCli } from '../../src/docker/cli'
import { captureStdout } from '../helpers/capture'

let dir: string
let fake: string

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'docker-login-'))
  fake = path.join(dir, 'docker')
  // a stand-in docker binary: records argv, stdin and DOCKER_CONFIG; fails when the password is "bad"
  writeFileSync(
    fake,
    `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/argv"
cat > "${dir}/stdin"
printf '%s' "\${DOCKER_CONFIG:-unset}" > "${dir}/config"
if grep -q '^bad$' "${dir}/stdin"; then echo "Error response from daemon: login attempt failed: unauthorized" >&2; exit 1; fi
echo "Login Succeeded"
`
  )
  chmodSync(fake, 0o755)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const read = (name: string) => readFileSync(path.join(dir, name), 'utf8')

describe('DockerCli.login', () => {
  it('passes the password on stdin, never in argv, with the env given through withEnv', async () => {
    const docker = new DockerCli(fake, dir).withEnv({ DOCKER_CONFIG: '/tmp/private-config' })
    const { out, error } = await captureStdout(() => docker.login('ghcr.io', 'octo', 'pa ss$word'))
    if (error) throw error
    expect(read('argv').trim().split('\n')).toEqual(['login', '--username', 'octo', '--password-stdin', 'ghcr.io'])
    expect(read('stdin')).toBe('pa ss$word')
    expect(read('config')).toBe('/tmp/private-config')
    expect(out).not.toContain('pa ss$word')
  })

  it('omits the server for Docker Hub and leaves DOCKER_CONFIG alone without withEnv', async () => {
    const saved = process.env.DOCKER_CONFIG
    delete process.env.DOCKER_CONFIG
    try {
      await captureStdout(() => new DockerCli(fake, dir).login(undefined, 'hub', 'pw'))
    } finally {
      if (saved !== undefined) process.env.DOCKER_CONFIG = saved
    }
    expect(read('argv').trim().split('\n')).toEqual(['login', '--username', 'hub', '--password-stdin'])
    expect(read('config')).toBe('unset')
  })

  it('a refused login is an ActionError naming the inputs, without the password', async () => {
    const { error } = await captureStdout(() => new DockerCli(fake, dir).login('127.0.0.1:5000', 'ci', 'bad'))
    expect((error as Error).message).toMatch(/docker login to 127.0.0.1:5000 as 'ci' failed: Error response from daemon: login attempt failed: unauthorized/)
    expect((error as { hint?: string }).hint).toMatch(/'username' and 'password' inputs/)
  })
})
