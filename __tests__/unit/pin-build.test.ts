import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Docker } from '../../src/docker/cli'
import { run, type Deps } from '../../src/build-push/main'
import { useActionFiles } from '../helpers/action-files'
import { buildDeps } from '../helpers/build-deps'
import { FakeDocker } from '../helpers/fake-docker'
import { FakeRegistry } from '../helpers/fake-registry'

const { dir, outFile, summaryFile } = useActionFiles('pin-build-', { Dockerfile: 'FROM scratch\n' })
const deps = (inputs: Record<string, string>, docker: Docker, registry: FakeRegistry): Deps => buildDeps(dir, inputs, docker, registry)

describe('build action with files', () => {
  it('pins its own image in the deploy files to the digest read back, and outputs changed-files', async () => {
    const registry = new FakeRegistry()
    const file = path.join(dir, 'deploy.yaml')
    writeFileSync(file, 'a:\n  image: ghcr.io/acme/api:latest # app\nb:\n  image: ghcr.io/acme/other:latest\n')
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1\nlatest', files: '*.yaml' }, new FakeDocker({ registry }), registry))
    expect(process.exitCode).toBeUndefined()
    const digest = registry.digest('acme/api', 'v1') as string
    expect(readFileSync(file, 'utf8')).toBe(`a:\n  image: ghcr.io/acme/api:latest@${digest} # app\nb:\n  image: ghcr.io/acme/other:latest\n`)
    expect(readFileSync(outFile, 'utf8')).toMatch(/^changed-files<<(\S+)\ndeploy\.yaml\n\1$/m)
    expect(readFileSync(summaryFile, 'utf8')).toContain(`+  image: ghcr.io/acme/api:latest@${digest} # app`)
  })

  it('skips a deploy file that is not YAML with a warning naming it, and still pins the others', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    writeFileSync(path.join(dir, 'bad.yml'), 'image: [\n')
    writeFileSync(path.join(dir, 'good.yml'), 'image: ghcr.io/acme/api:v1\n')
    await run(deps({ image: 'ghcr.io/acme/api', tags: 'v1', files: '*.yml' }, docker, registry))
    expect(process.exitCode).toBeUndefined()
    const digest = registry.digest('acme/api', 'v1') as string
    expect(readFileSync(path.join(dir, 'bad.yml'), 'utf8')).toBe('image: [\n')
    expect(readFileSync(path.join(dir, 'good.yml'), 'utf8')).toBe(`image: ghcr.io/acme/api:v1@${digest}\n`)
    expect(readFileSync(outFile, 'utf8')).toMatch(/^changed-files<<(\S+)\ngood\.yml\n\1$/m)
    expect(readFileSync(summaryFile, 'utf8')).toContain('bad.yml:2: skipped, nothing written to it: not YAML (line 2)')
  })
})
