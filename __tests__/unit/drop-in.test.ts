/**
 * docker/build-push-action's inputs as this action reads them: metadata-action's full references across repositories,
 * the Git context, `outputs`/`push`/`call`, the BuildKit-only inputs on the legacy builder, the buildx argv, unknown
 * inputs, and the merge action's targets.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import type { RunContext } from '../../src/action/context'
import { buildkitOnly, parseOutputs, parseSecretEnvs } from '../../src/build-push/builder-inputs'
import { BUILD_INPUTS, checkUnknownInputs, gitContext, readInputs } from '../../src/build-push/inputs'
import { planBuild } from '../../src/build-push/plan'
import { buildxArgv } from '../../src/docker/buildx'
import { buildArgv } from '../../src/docker/cli'
import type { BuildSpec } from '../../src/docker/spec'
import { mergeTargets } from '../../src/merge/inputs'
import { expandSources } from '../../src/merge/sources'
import { parseTagEntries } from '../../src/plan/inputs'
import { thrown } from '../helpers/thrown'

const root = path.join(import.meta.dirname, '..', '..')
const SHA = 'c'.repeat(40)
const ctx: RunContext = { actions: true, sha: SHA, ref: 'refs/heads/main', repository: 'acme/api', serverUrl: 'https://github.com', runNumber: '7' }
const commit = { sha: SHA, source: 'GITHUB_SHA' as const }

function withWorkspace<T>(fn: (dir: string) => T, dockerfile = true): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drop-in-'))
  try {
    if (dockerfile) writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n')
    return fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('tags: full references as metadata-action writes them', () => {
  it('splits tag names from references, across registries, comma- or newline-separated', () => {
    const e = parseTagEntries('ghcr.io/acme/api:main,ghcr.io/acme/api:sha-1234567\ndocker.io/acme/api:main\nv1')
    expect(e.names).toEqual(['v1'])
    expect(e.refs.map((r) => [r.repository.name.registry, r.repository.name.repository, r.tag])).toEqual([
      ['ghcr.io', 'acme/api', 'main'],
      ['ghcr.io', 'acme/api', 'sha-1234567'],
      ['docker.io', 'acme/api', 'main']
    ])
  })
  it('refuses a digest and a bad tag, naming the input', () => {
    expect(thrown(() => parseTagEntries('ghcr.io/a/b@sha256:' + 'a'.repeat(64))).message).toMatch(/^Input 'tags': .*holds a digest/)
    expect(thrown(() => parseTagEntries('ghcr.io/a/b:bad!')).message).toMatch(/^Input 'tags': 'ghcr.io\/a\/b:bad!'/)
  })
  it('plans one group per repository: two tags in one, one in each of two more; image optional', () => {
    withWorkspace((dir) => {
      const inputs = readInputs(reader({ tags: 'r1.io/x/api:main\nr1.io/x/api:v1\nr2.io/x/api:main\nr3.io/y/api:main' }), dir, {})
      expect(inputs.imageInput).toBe('r1.io/x/api')
      const plan = planBuild(inputs, ctx, commit)
      expect(plan.repositories.map((r) => [r.input, r.targets.map((t) => t.tag)])).toEqual([
        ['r1.io/x/api', ['main', 'v1']],
        ['r2.io/x/api', ['main']],
        ['r3.io/y/api', ['main']]
      ])
      expect(plan.tags).toEqual(['main', 'v1'])
      expect(plan.refs).toEqual(['r1.io/x/api:main', 'r1.io/x/api:v1', 'r2.io/x/api:main', 'r3.io/y/api:main'])
    })
  })
  it('tag names go to every repository of image (one per line); without image they name nothing', () => {
    withWorkspace((dir) => {
      const inputs = readInputs(reader({ image: 'r1.io/x/api\nr2.io/x/api', tags: 'v1' }), dir, {})
      expect(planBuild(inputs, ctx, commit).refs).toEqual(['r1.io/x/api:v1', 'r2.io/x/api:v1'])
      expect(thrown(() => readInputs(reader({ tags: 'v1\nr.io/a:v2' }), dir, {})).message).toMatch(/^Input 'tags': 'v1' is a tag name, but 'image' is empty/)
      expect(thrown(() => readInputs(reader({}), dir, {})).message).toMatch(/^Input 'image': is required/)
    })
  })
})

describe('context', () => {
  it("is the commit's Git context as build-push-action builds it: the SHA, or the pull request's ref", () => {
    expect(gitContext(ctx)).toBe(`https://github.com/acme/api.git#${SHA}`)
    expect(gitContext({ ...ctx, ref: 'refs/pull/3/merge' })).toBe('https://github.com/acme/api.git#refs/pull/3/merge')
  })
  it('unset: the workspace when it holds the Dockerfile, else the Git context (file as written, inside it)', () => {
    const env = { GITHUB_SHA: SHA, GITHUB_REF: 'refs/heads/main', GITHUB_REPOSITORY: 'acme/api' }
    withWorkspace((dir) => expect(readInputs(reader({ image: 'r.io/a' }), dir, env).context).toBe(dir))
    withWorkspace((dir) => {
      const inputs = readInputs(reader({ image: 'r.io/a', file: 'app/Dockerfile' }), dir, env)
      expect([inputs.context, inputs.file, inputs.remoteContext]).toEqual([`https://github.com/acme/api.git#${SHA}`, 'app/Dockerfile', true])
    }, false)
    withWorkspace((dir) => {
      const inputs = readInputs(reader({ image: 'r.io/a', context: '{{defaultContext}}:sub', 'github-token': 'ghs_x' }), dir, env)
      expect(inputs.context).toBe(`https://github.com/acme/api.git#${SHA}:sub`)
      expect(inputs.secrets).toEqual([{ id: 'GIT_AUTH_TOKEN.github.com', value: 'ghs_x', input: 'github-token' }])
      expect(buildkitOnly(inputs)).toEqual([])
    })
  })
})

describe('outputs, push and call', () => {
  it('knows which output pushes and which pushes by digest', () => {
    const [a, b] = parseOutputs('type=image,"name=r.io/a,r.io/b",push-by-digest=true,name-canonical=true,push=true\ntype=local,dest=out')
    expect(a).toMatchObject({ type: 'image', pushes: true, byDigest: true, names: ['r.io/a', 'r.io/b'] })
    expect(b).toMatchObject({ type: 'local', pushes: false, byDigest: false })
    expect(thrown(() => parseOutputs('type=nope')).input).toBe('outputs')
    expect(thrown(() => parseOutputs('type=registry\ntype=image,push=true')).message).toMatch(/more than one output that pushes/)
  })
  it('unset push follows outputs; a push that contradicts them fails naming the input', () => {
    withWorkspace((dir) => {
      expect(readInputs(reader({ image: 'r.io/a', outputs: 'type=local,dest=out' }), dir, {}).push).toBe(false)
      expect(readInputs(reader({ image: 'r.io/a', outputs: 'type=registry' }), dir, {}).push).toBe(true)
      expect(thrown(() => readInputs(reader({ image: 'r.io/a', outputs: 'type=local,dest=out', push: 'true' }), dir, {})).input).toBe('push')
      expect(thrown(() => readInputs(reader({ image: 'r.io/a', outputs: 'type=registry', push: 'false' }), dir, {})).input).toBe('outputs')
      expect(readInputs(reader({ image: 'r.io/a', call: 'check' }), dir, {}).push).toBe(false)
    })
  })
  it('by digest: repositories from the output name=, no tags', () => {
    withWorkspace((dir) => {
      const inputs = readInputs(reader({ outputs: 'type=image,name=r.io/a,push-by-digest=true,push=true' }), dir, {})
      const plan = planBuild(inputs, ctx, commit)
      expect(plan.repositories.map((r) => [r.input, r.targets])).toEqual([['r.io/a', []]])
    })
  })
})

describe('the builders are asked what the inputs mean', () => {
  const spec = (over: Partial<BuildSpec>): BuildSpec => ({
    context: '/ctx', file: '/ctx/Dockerfile', tags: ['r.io/a:v1'], labels: {}, buildArgs: [], pull: false, noCache: false, push: true, redact: [],
    platforms: [], secrets: [], ssh: [], cacheFrom: [], cacheTo: [], buildContexts: [], annotations: [], ...over
  })
  const files = { metadata: '/m', iid: '/i' }
  it('buildx: add-host, network, shm-size, ulimit, cgroup-parent, allow, attest, no-cache-filter, call, outputs, load', () => {
    const argv = buildxArgv(
      spec({ addHosts: ['h:1.2.3.4'], network: 'none', shmSize: '2g', ulimits: ['nofile=1024:1024'], cgroupParent: 'cg', allow: ['network.host'], attests: ['type=sbom'], noCacheFilters: ['build'], outputs: parseOutputs('type=registry') }),
      { name: 'b' }, files, { load: true }
    ).join(' ')
    for (const part of ['--add-host h:1.2.3.4', '--network none', '--shm-size 2g', '--ulimit nofile=1024:1024', '--cgroup-parent cg', '--allow network.host', '--attest type=sbom', '--no-cache-filter build', '--output type=registry', '--load']) {
      expect(argv).toContain(part)
    }
    expect(argv).not.toContain('--push')
    const check = buildxArgv(spec({ call: 'check' }), { name: 'b' }, files, { load: false })
    expect(check).toContain('--call')
    expect(check).not.toContain('--push')
  })
  it('docker build takes the inputs it can; a remote context without file has no --file', () => {
    const argv = buildArgv(spec({ addHosts: ['h:1.2.3.4'], network: 'none', file: '', context: 'https://github.com/acme/api.git#x' }), '/iid')
    expect(argv).toEqual(expect.arrayContaining(['--add-host', 'h:1.2.3.4', '--network', 'none']))
    expect(argv).not.toContain('--file')
  })
  it('on the legacy builder the BuildKit-only inputs are named', () => {
    expect(buildkitOnly({ ...spec({}), allow: ['x'], attests: ['type=sbom'], noCacheFilters: ['a'], call: 'check', outputs: parseOutputs('type=registry'), secrets: parseSecretEnvs('t=E', { E: 'v' }) })).toEqual([
      'secret-envs', 'allow', 'attests', 'no-cache-filters', 'call', 'outputs'
    ])
  })
  it('secret-envs names a variable that is not set', () => {
    expect(thrown(() => parseSecretEnvs('t=NOPE', {})).message).toMatch(/^Input 'secret-envs': secret 't': environment variable NOPE is not set/)
  })
})

describe('inputs the action does not have', () => {
  it('fail naming the input', () => {
    expect(thrown(() => checkUnknownInputs({ INPUT_IMAGE: 'x', 'INPUT_NO-SUCH': 'y' })).message).toMatch(/^Input 'no-such': is not an input of this action/)
    expect(() => checkUnknownInputs({ INPUT_IMAGE: 'x', 'INPUT_SECRET-ENVS': '' })).not.toThrow()
  })
  it('the list is exactly what action.yml declares', () => {
    const yml = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }
    expect([...BUILD_INPUTS].sort()).toEqual(Object.keys(yml.inputs).sort())
  })
  it("every build-push-action input is declared (its action.yml's list)", () => {
    const theirs = ['add-hosts', 'allow', 'annotations', 'attests', 'build-args', 'build-contexts', 'builder', 'cache-from', 'cache-to', 'call', 'cgroup-parent', 'context', 'file', 'labels', 'load', 'network', 'no-cache', 'no-cache-filters', 'outputs', 'platforms', 'provenance', 'pull', 'push', 'sbom', 'secrets', 'secret-envs', 'secret-files', 'shm-size', 'ssh', 'tags', 'target', 'ulimit', 'github-token']
    expect(theirs.filter((n) => !(BUILD_INPUTS as readonly string[]).includes(n))).toEqual([])
  })
})

describe('merge across registries', () => {
  it('targets from image lines and full references; a digest source is read in each target registry', () => {
    const { targets } = mergeTargets('', 'r1.io/x/api:v1\nr2.io/x/api:v1')
    expect(targets.map((t) => [t.input, t.tags])).toEqual([['r1.io/x/api', ['v1']], ['r2.io/x/api', ['v1']]])
    const d = 'sha256:' + 'a'.repeat(64)
    const [s] = expandSources([`r1.io/x/api@${d}`], {}, (targets[1] as (typeof targets)[number]).name, undefined, { rebaseDigests: true })
    expect(s?.reference).toBe(`r2.io/x/api@${d}`)
    expect(thrown(() => expandSources(['r1.io/x/api:tag'], {}, (targets[1] as (typeof targets)[number]).name, undefined, { rebaseDigests: true })).message).toMatch(/is in registry r1.io/)
  })
})
