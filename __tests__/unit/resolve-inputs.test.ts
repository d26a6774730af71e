import { describe, expect, it } from '@jest/globals'
import { readResolveInputs } from '../../src/resolve/inputs'

const read = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('readResolveInputs', () => {
  it('reads references one per line, dedupes identical lines, keeps order and spelling', () => {
    const i = readResolveInputs(read({ images: 'nginx:latest\n\n# comment\nghcr.io/acme/worker:main\nnginx:latest\ndocker.io/library/nginx:latest' }))
    expect(i.targets.map((t) => t.input)).toEqual(['nginx:latest', 'ghcr.io/acme/worker:main', 'docker.io/library/nginx:latest'])
    expect(i.targets[0]?.ref).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: 'latest' })
    expect(i).toMatchObject({ failOnMissing: true, concurrency: 32, listPlatforms: false, write: true, files: [], summary: true })
  })

  it('parses platform, fail-on-missing, concurrency, files and write', () => {
    const i = readResolveInputs(read({ images: 'a:1', platform: 'linux/arm/v7', 'fail-on-missing': 'false', concurrency: '3', files: 'k8s/*.yaml\n!k8s/skip.yaml', write: 'false' }))
    expect(i).toMatchObject({ platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, failOnMissing: false, concurrency: 3, files: ['k8s/*.yaml', '!k8s/skip.yaml'], write: false })
  })

  it('names the input and the fix for bad values', () => {
    expect(() => readResolveInputs(read({}))).toThrow(/^Input 'images': is required/)
    expect(() => readResolveInputs(read({ images: 'nginx:latest\nNginx:1' }))).toThrow(/^Input 'images': invalid image reference 'Nginx:1'/)
    expect(() => readResolveInputs(read({ images: 'a', platform: 'arm64' }))).toThrow(/^Input 'platform': 'arm64' is not a platform/)
    expect(() => readResolveInputs(read({ images: 'a', concurrency: '0' }))).toThrow(/^Input 'concurrency'/)
    expect(() => readResolveInputs(read({ images: 'a', write: 'yes' }))).toThrow(/^Input 'write': 'yes' is not a boolean/)
  })
})
