import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Docker } from '../../src/docker/cli'
import { run, type Deps } from '../../src/build/main'
import { FakeDocker } from '../helpers/fake-docker'
import { FakeRegistry, fakeOpenRegistry } from '../helpers/fake-registry'

const SHA = '0123456789abcdef0123456789abcdef01234567'


let dir: string
const saved = { ...process.env }
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pin-build-'))
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n')
  process.env.GITHUB_OUTPUT = path.join(dir, 'out')
  process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary')
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  process.env = saved
  process.exitCode = undefined
})
beforeEach(() => {
  writeFileSync(path.join(dir, 'out'), '')
  writeFileSync(path.join(dir, 'summary'), '')
  process.exitCode = undefined
})

function deps(inputs: Record<string, string>, docker: Docker, registry: FakeRegistry): Deps {
  return {
    docker,
    readInput: (name) => inputs[name] ?? '',
    env: { GITHUB_SHA: SHA, GITHUB_RUN_NUMBER: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'acme/demo' },
    cwd: dir,
    openRegistry: fakeOpenRegistry(registry)
  }
}

describe('build action with files', () => {
  it('pins its own image in the deploy files to the digest read back, and outputs changed-files', async () => {
    const registry = new FakeRegistry()
    const file = path.join(dir, 'deploy.yaml')
    writeFileSync(file, 'a:\n  image: ghcr.io/acme/api:latest # app\nb:\n  image: ghcr.io/acme/other:latest\n')
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1\nlatest', files: '*.yaml' }, new FakeDocker({ registry }), registry))
    expect(process.exitCode).toBeUndefined()
    const digest = registry.digest('acme/api', 'v1') as string
    expect(readFileSync(file, 'utf8')).toBe(`a:\n  image: ghcr.io/acme/api:latest@${digest} # app\nb:\n  image: ghcr.io/acme/other:latest\n`)
    expect(readFileSync(path.join(dir, 'out'), 'utf8')).toMatch(/^changed-files<<(\S+)\ndeploy\.yaml\n\1$/m)
    expect(readFileSync(path.join(dir, 'summary'), 'utf8')).toContain(`+  image: ghcr.io/acme/api:latest@${digest} # app`)
  })

  it('fails on an unparsable deploy file before building or pushing anything', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    writeFileSync(path.join(dir, 'bad.yml'), 'image: [\n')
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', files: 'bad.yml' }, docker, registry))
    expect(process.exitCode).toBe(1)
    expect(docker.builds).toEqual([])
    expect(registry.requests).toEqual([])
    expect(readFileSync(path.join(dir, 'out'), 'utf8')).toBe('')
  })
})
