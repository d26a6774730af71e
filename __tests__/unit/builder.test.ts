import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { findBuildxPlugin } from '../../src/docker/buildx-plugin'
import { hostPlatform, nativePlatform, selectBuilder } from '../../src/docker/builder'
import type { BuildSpec } from '../../src/docker/spec'
import { annotationAttributes, buildxArgv, buildxFailure, secretEnv } from '../../src/docker/buildx'
import { parseBuildxInspect } from '../../src/docker/buildx-inspect'
import { buildArgv, DockerCli, printableCommand } from '../../src/docker/cli'
import { FakeDocker } from '../helpers/fake-docker'

const FILES = { metadata: '/t/metadata.json', iid: '/t/iid' }

function spec(over: Partial<BuildSpec> = {}): BuildSpec {
  return {
    context: '/ws',
    file: '/ws/Dockerfile',
    tags: ['r.io/a:v1', 'r.io/a:v2'],
    labels: { 'git-commit': 'abc' },
    buildArgs: [],
    pull: false,
    noCache: false,
    push: true,
    platforms: [],
    secrets: [],
    ssh: [],
    cacheFrom: [],
    cacheTo: [],
    buildContexts: [],
    annotations: [],
    redact: [],
    ...over
  }
}

const DOCKER = { name: 'default', driver: 'docker', platforms: ['linux/amd64', 'linux/386'] }
const REMOTE = { name: 'remote', driver: 'remote', platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/386'] }

describe('parseBuildxInspect', () => {
  it('reads name, driver and the platforms of every node (buildx 0.10 text output)', () => {
    const text = [
      'Name:          remote',
      'Driver:        remote',
      'Last Activity: 2026-11-25 00:43:34 +0000 UTC',
      '',
      'Nodes:',
      'Name:      remote0',
      'Endpoint:  tcp://127.0.0.1:44527',
      'Status:    running',
      'Buildkit:  0.0.0+unknown',
      'Platforms: linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386',
      ''
    ].join('\n')
    expect(parseBuildxInspect(text)).toEqual({ name: 'remote', driver: 'remote', platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386'] })
  })
  it('takes the builder name, not the first node name, and drops the * of user-set platforms', () => {
    const text = 'Name:   builder-1\nDriver: docker-container\n\nNodes:\nName:      builder-10\nPlatforms: linux/arm64*, linux/amd64\n'
    expect(parseBuildxInspect(text)).toEqual({ name: 'builder-1', driver: 'docker-container', platforms: ['linux/arm64', 'linux/amd64'] })
  })
  it('is undefined for text without a name and driver', () => {
    expect(parseBuildxInspect('hello')).toBeUndefined()
  })
})

describe('platforms of a builder', () => {
  it('maps node platforms to OCI names', () => {
    expect(hostPlatform('linux', 'x64')).toBe('linux/amd64')
    expect(hostPlatform('linux', 'arm64')).toBe('linux/arm64')
    expect(hostPlatform('linux', 'arm')).toBe('linux/arm/v7')
    expect(hostPlatform('win32', 'x64')).toBe('windows/amd64')
  })
  it("is the builder's first platform without an amd64 micro-architecture level", () => {
    expect(nativePlatform({ tool: 'buildx', ...REMOTE })).toBe('linux/amd64')
    expect(nativePlatform({ tool: 'buildx', name: 'arm', driver: 'remote', platforms: ['linux/arm64', 'linux/arm/v7'] })).toBe('linux/arm64')
    expect(nativePlatform({ tool: 'docker build', name: 'docker', driver: 'legacy', platforms: [] })).toBe(hostPlatform())
  })
})

describe('selectBuilder', () => {
  it('builds with docker build when buildx is not installed', async () => {
    const b = await selectBuilder(new FakeDocker(), { env: {} })
    expect(b.info).toEqual({ tool: 'docker build', name: 'docker', driver: 'legacy', platforms: [] })
  })
  it('takes DOCKER_BUILDKIT=0 as the legacy builder without asking buildx', async () => {
    const docker = new FakeDocker({ buildx: DOCKER })
    const b = await selectBuilder(docker, { env: { DOCKER_BUILDKIT: '0' } })
    expect(b.info.tool).toBe('docker build')
  })
  it('uses the current buildx builder, or the named one', async () => {
    const docker = new FakeDocker({ buildx: DOCKER, builders: [REMOTE] })
    expect((await selectBuilder(docker, { env: {} })).info).toEqual({ tool: 'buildx', ...DOCKER })
    expect((await selectBuilder(docker, { env: {}, requested: 'remote' })).info).toEqual({ tool: 'buildx', ...REMOTE })
  })
  it("fails naming the 'builder' input when buildx is missing or DOCKER_BUILDKIT=0", async () => {
    await expect(selectBuilder(new FakeDocker(), { env: {}, requested: 'x' })).rejects.toThrow(/'builder' input names buildx builder 'x', but buildx is not installed/)
    await expect(selectBuilder(new FakeDocker({ buildx: DOCKER }), { env: { DOCKER_BUILDKIT: '0' }, requested: 'x' })).rejects.toThrow(/DOCKER_BUILDKIT=0/)
  })
})

describe('buildxArgv', () => {
  it('pushes from the builder itself, on any driver: --push, no docker push', () => {
    expect(buildxArgv(spec(), DOCKER, FILES, { load: false })).toEqual([
      'buildx', 'build', '--builder', 'default', '--file', '/ws/Dockerfile', '--metadata-file', '/t/metadata.json', '--iidfile', '/t/iid',
      '--tag', 'r.io/a:v1', '--tag', 'r.io/a:v2', '--label', 'git-commit=abc', '--push', '/ws'
    ])
  })
  it('loads into docker images without push', () => {
    const argv = buildxArgv(spec({ push: false }), REMOTE, FILES, { load: true })
    expect(argv).toContain('--load')
    expect(argv).not.toContain('--push')
  })
  it('has no output at all for a multi-platform build without push (nothing can load it)', () => {
    const argv = buildxArgv(spec({ push: false, platforms: ['linux/amd64', 'linux/arm64'] }), REMOTE, FILES, { load: false })
    expect(argv).not.toContain('--load')
    expect(argv).not.toContain('--push')
    expect(argv).not.toContain('--output')
    expect(argv.slice(argv.indexOf('--platform'), argv.indexOf('--platform') + 2)).toEqual(['--platform', 'linux/amd64,linux/arm64'])
  })
  it('passes every BuildKit input through as its own argv element', () => {
    const argv = buildxArgv(
      spec({
        buildArgs: ['A=1'],
        target: 'prod',
        pull: true,
        noCache: true,
        platforms: ['linux/arm64'],
        ssh: ['default', 'github=/home/u/.ssh/id'],
        cacheFrom: ['type=registry,ref=r.io/a:cache'],
        cacheTo: ['type=registry,ref=r.io/a:cache,mode=max,ignore-error=true'],
        provenance: 'false',
        sbom: 'true',
        buildContexts: ['base=docker-image://alpine:3', 'src=../src']
      }),
      REMOTE,
      FILES,
      { load: false }
    )
    const pairs = (flag: string): string[] => argv.flatMap((a, i) => (a === flag ? [argv[i + 1] as string] : []))
    expect(pairs('--build-arg')).toEqual(['A=1'])
    expect(pairs('--target')).toEqual(['prod'])
    expect(argv).toContain('--pull')
    expect(argv).toContain('--no-cache')
    expect(pairs('--platform')).toEqual(['linux/arm64'])
    expect(pairs('--ssh')).toEqual(['default', 'github=/home/u/.ssh/id'])
    expect(pairs('--cache-from')).toEqual(['type=registry,ref=r.io/a:cache'])
    expect(pairs('--cache-to')).toEqual(['type=registry,ref=r.io/a:cache,mode=max,ignore-error=true'])
    expect(argv).toContain('--provenance=false')
    expect(argv).toContain('--sbom=true')
    expect(pairs('--build-context')).toEqual(['base=docker-image://alpine:3', 'src=../src'])
  })
  it('names secrets by id only: values travel in the environment, files by path', () => {
    const s = spec({ secrets: [{ id: 'token', value: 's3cr3t-value' }, { id: 'npmrc', file: '/ws/.npmrc' }] })
    const argv = buildxArgv(s, REMOTE, FILES, { load: false })
    expect(argv.flatMap((a, i) => (a === '--secret' ? [argv[i + 1]] : []))).toEqual(['id=token,env=PINNED_BUILD_SECRET_0', 'id=npmrc,src=/ws/.npmrc'])
    expect(argv.join(' ')).not.toContain('s3cr3t-value')
    expect(secretEnv(s.secrets)).toEqual({ PINNED_BUILD_SECRET_0: 's3cr3t-value' })
  })
  it('puts annotations on the image exporter (works without --annotation, buildx < 0.12)', () => {
    const argv = buildxArgv(spec({ annotations: ['org.opencontainers.image.description=a, b', 'index:org.opencontainers.image.vendor=acme'] }), REMOTE, FILES, { load: false })
    expect(argv).not.toContain('--push')
    expect(argv[argv.indexOf('--output') + 1]).toBe(
      'type=image,push=true,"annotation.org.opencontainers.image.description=a, b",annotation-index.org.opencontainers.image.vendor=acme'
    )
  })
  it('translates every annotation level', () => {
    expect(annotationAttributes('k=v')).toEqual(['annotation.k=v'])
    expect(annotationAttributes('index,manifest:k=v=w')).toEqual(['annotation-index.k=v=w', 'annotation-manifest.k=v=w'])
    expect(annotationAttributes('manifest[linux/arm64]:k=v')).toEqual(['annotation-manifest[linux/arm64].k=v'])
  })
})

describe('legacy buildArgv', () => {
  it('passes one platform with --platform', () => {
    const argv = buildArgv({ context: '/ws', file: '/ws/Dockerfile', tags: ['r:t'], labels: {}, buildArgs: [], pull: false, noCache: false, platforms: ['linux/arm64'] }, '/t/iid')
    expect(argv.slice(-3)).toEqual(['--platform', 'linux/arm64', '/ws'])
  })
})

describe('printableCommand', () => {
  it('shows redacted values as ***', () => {
    expect(printableCommand('docker', ['build', '--build-arg', 'NPM_TOKEN=abc123', '--label', 'x=abc123x'], ['abc123'])).toBe(
      'docker build --build-arg NPM_TOKEN=*** --label x=***x'
    )
  })
})

describe('buildxFailure', () => {
  const docker = { tool: 'buildx' as const, ...DOCKER }
  const remote = { tool: 'buildx' as const, ...REMOTE }
  it('multi-platform on the docker driver: names builder, driver and setup-buildx-action', () => {
    const e = buildxFailure(docker, spec({ platforms: ['linux/amd64', 'linux/arm64'] }), 1, 'ERROR: multiple platforms feature is currently not supported for docker driver. Please switch to a different driver')
    expect(e.message).toMatch(/builder 'default' \(driver docker\).*cannot build several platforms \(linux\/amd64, linux\/arm64\)/)
    expect(e.hint).toMatch(/docker\/setup-buildx-action/)
    expect(e.hint).toMatch(/containerd image store/)
  })
  it('a push refused by the registry says to log in', () => {
    const e = buildxFailure(remote, spec(), 1, '#9 exporting to image\n#9 pushing layers\nERROR: failed to push r.io/a:v1: unexpected status: 401 Unauthorized')
    expect(e.message).toMatch(/builder 'remote' \(driver remote\).*refused the push/)
    expect(e.hint).toMatch(/log in/)
  })
  it('a push that fails half-way says tags may already have moved', () => {
    const e = buildxFailure(remote, spec(), 1, '#9 exporting to image\n#9 pushing layers\nERROR: failed to push r.io/a:v2: unexpected status: 503 Service Unavailable')
    expect(e.message).toMatch(/pushing the image failed .*some of the tags may already point to the new image/)
  })
  it('a 500 on one tag is not taken for an auth failure because a log timestamp reads 0.401 or 403', () => {
    const e = buildxFailure(remote, spec(), 1, '#5 0.401 pushing layers\n#5 1.403 error: failed commit on ref "manifest-sha256:ab": unexpected status: 500 Internal Server Error\nERROR: failed to solve: failed to push r.io/a:v2')
    expect(e.message).toMatch(/pushing the image failed/)
  })
  it('a missing secret names the inputs to use', () => {
    const e = buildxFailure(remote, spec(), 1, 'ERROR: failed to solve: secret token: not found')
    expect(e.hint).toMatch(/'secrets'/)
  })
  it('anything else: the exit code, the builder, and the log', () => {
    const e = buildxFailure(remote, spec(), 2, 'ERROR: failed to solve: dockerfile parse error line 3: unknown instruction: FORM')
    expect(e.message).toMatch(/failed on builder 'remote' \(driver remote\) with exit code 2:\n.*FORM/)
  })
})

describe('findBuildxPlugin', () => {
  it("finds docker-buildx where docker looks: cliPluginsExtraDirs first, then the config's cli-plugins", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'plugins-'))
    try {
      const config = path.join(root, 'config')
      const extra = path.join(root, 'extra')
      mkdirSync(path.join(config, 'cli-plugins'), { recursive: true })
      mkdirSync(extra)
      writeFileSync(path.join(config, 'config.json'), '{}')
      writeFileSync(path.join(config, 'cli-plugins', 'docker-buildx'), '#!/bin/sh\n', { mode: 0o755 })
      expect(findBuildxPlugin({ DOCKER_CONFIG: config })).toBe(path.join(config, 'cli-plugins', 'docker-buildx'))
      writeFileSync(path.join(extra, 'docker-buildx'), '#!/bin/sh\n', { mode: 0o755 })
      writeFileSync(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [extra] }))
      expect(findBuildxPlugin({ DOCKER_CONFIG: config })).toBe(path.join(extra, 'docker-buildx'))
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
  it('skips a file that is not executable', () => {
    const config = mkdtempSync(path.join(os.tmpdir(), 'plugins-'))
    try {
      mkdirSync(path.join(config, 'cli-plugins'))
      writeFileSync(path.join(config, 'cli-plugins', 'docker-buildx'), 'not a program', { mode: 0o644 })
      expect(findBuildxPlugin({ DOCKER_CONFIG: config })).not.toBe(path.join(config, 'cli-plugins', 'docker-buildx'))
    } finally {
      rmSync(config, { recursive: true, force: true })
    }
  })
})

// the system plugin dirs are the machine's: where one holds docker-buildx, "no plugin anywhere" cannot be set up here
const systemBuildx = findBuildxPlugin({ DOCKER_CONFIG: path.join(os.tmpdir(), 'no-such-docker-config') })

describe('DockerCli.buildxInspect', () => {
  const withFakeDocker = async (body: (root: string, config: string, calls: string) => Promise<void>): Promise<void> => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fake-docker-'))
    const saved = process.env.PATH
    try {
      const calls = path.join(root, 'calls')
      mkdirSync(path.join(root, 'bin'))
      writeFileSync(path.join(root, 'bin', 'docker'), `#!/bin/sh\necho "docker $*" >> ${calls}\necho "docker: 'buildx' is not a docker command." >&2\nexit 1\n`, { mode: 0o755 })
      const config = path.join(root, 'config')
      mkdirSync(config)
      writeFileSync(path.join(config, 'config.json'), '{}')
      process.env.PATH = `${path.join(root, 'bin')}:${saved ?? ''}`
      await body(root, config, calls)
    } finally {
      process.env.PATH = saved
      rmSync(root, { recursive: true, force: true })
    }
  }

  ;(systemBuildx || process.platform !== 'linux' ? it.skip : it)('without docker-buildx where docker looks for plugins: no buildx, and no docker process started to hear it', async () => {
    await withFakeDocker(async (root, config, calls) => {
      expect(await new DockerCli('docker', root, { DOCKER_CONFIG: config }).buildxInspect()).toBeUndefined()
      expect(existsSync(calls)).toBe(false)
    })
  })

  it('with docker-buildx in the config: the plugin itself is asked', async () => {
    await withFakeDocker(async (root, config, calls) => {
      mkdirSync(path.join(config, 'cli-plugins'))
      writeFileSync(path.join(config, 'cli-plugins', 'docker-buildx'), `#!/bin/sh\necho "plugin $*" >> ${calls}\nprintf 'Name:   b1\\nDriver: docker\\n'\n`, { mode: 0o755 })
      expect(await new DockerCli('docker', root, { DOCKER_CONFIG: config }).buildxInspect()).toMatchObject({ name: 'b1', driver: 'docker' })
      expect(readFileSync(calls, 'utf8')).toBe('plugin inspect\n')
    })
  })

  it('a docker that is not the one on PATH (a wrapper, podman) is always asked', async () => {
    await withFakeDocker(async (root, config, calls) => {
      expect(await new DockerCli(path.join(root, 'bin', 'docker'), root, { DOCKER_CONFIG: config }).buildxInspect()).toBeUndefined()
      expect(readFileSync(calls, 'utf8')).toBe('docker buildx inspect\n')
    })
  })
})
