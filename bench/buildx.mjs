/* global fetch */
// Rows 7–9 of `npm run bench` (issues 9 and 10): our action vs docker/build-push-action v7.3.0 on the same buildx
// builder and context, a registry-cache row, and the merge row vs `docker buildx imagetools create`. buildx and
// buildkitd come from ../shared/tools/buildkit (scripts/ensure-buildkit.sh), in a bench-private DOCKER_CONFIG.
// A side that cannot do the job yet is reported as failed (with its first error line), never a crash, so the row
// turns into a number as soon as the feature lands.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import path from 'node:path'
import {
  freePort,
  fx,
  inputDefaults,
  interleaved,
  makeWorkspace,
  median,
  ms,
  onCleanup,
  pushSynthetic,
  removeImages,
  repoRoot,
  runAction,
  runWithPost,
  tempDir,
  timed
} from './lib.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS_BUILDX) || 6
const ROUNDS_CACHE = Number(process.env.BENCH_ROUNDS_CACHE) || 3
const ROUNDS_MERGE = Number(process.env.BENCH_ROUNDS_MERGE) || 5
export const BUILDX_ROUNDS = `buildx builds ${ROUNDS}, registry cache ${ROUNDS_CACHE}, merge ${ROUNDS_MERGE}`
const TOOLS = path.resolve(repoRoot, '..', 'shared', 'tools', 'buildkit')
const THEIRS_DIR = path.resolve(repoRoot, '..', 'shared', 'anchors', 'build-push-action-v7.3.0')
const THEIRS = path.join(THEIRS_DIR, 'dist', 'index.cjs')
const THEIRS_NAME = 'build-push-action v7.3.0'
const OURS = path.join(repoRoot, 'dist', 'index.js')
const OURS_MERGE = path.join(repoRoot, 'dist', 'merge', 'index.js')
const CACHE_DIR = path.join(repoRoot, '.cache', 'buildkit')
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

// ---------------------------------------------------------------- tools
const sh = (args, opts) => timed('bash', args, { rssEveryMs: 0, ...opts })
async function shOk(args, opts) {
  const r = await sh(args, opts)
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`)
  return r
}

/** A bench-private docker config with buildx in it; undefined with the reason printed when the tools are missing. */
async function buildxConfig() {
  if (!existsSync(path.join(TOOLS, 'setup.sh'))) return { unavailable: `no ${TOOLS}` }
  await shOk([path.join(repoRoot, 'scripts/ensure-buildkit.sh')])
  const dir = await tempDir('buildx-config')
  await shOk([path.join(TOOLS, 'setup.sh'), 'plugin', CACHE_DIR, dir])
  const buildx = (...args) => timed('docker', ['buildx', ...args], { env: { ...process.env, DOCKER_CONFIG: dir }, rssEveryMs: 0 })
  return { dir, buildx, version: (await buildx('version')).stdout.trim() }
}

/** A standalone buildkitd with a fresh state on a free port (setup.sh start/stop); returns its address and stop(). */
async function startDaemon() {
  const state = await tempDir('buildkitd')
  const addr = `tcp://127.0.0.1:${await freePort()}`
  await shOk([path.join(TOOLS, 'setup.sh'), 'start', CACHE_DIR, state, addr])
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await sh([path.join(TOOLS, 'setup.sh'), 'stop', state])
  }
  onCleanup(stop)
  return { addr, stop }
}

async function remoteBuilder(cfg, addr) {
  const name = `bench-${randomBytes(3).toString('hex')}`
  const r = await cfg.buildx('create', '--name', name, '--driver', 'remote', addr)
  if (r.code !== 0) throw new Error(`buildx create failed: ${r.stderr}`)
  return name
}

// ---------------------------------------------------------------- registry and results
async function manifest(reg, repo, ref) {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { headers: { accept: ACCEPT } })
  if (res.status !== 200) throw new Error(`GET ${repo}:${ref}: HTTP ${res.status}`)
  return { digest: res.headers.get('docker-content-digest'), json: await res.json() }
}

/** Layer digests of a pushed image (the linux/amd64 one of an index). */
async function layersOf(reg, repo, ref) {
  const m = await manifest(reg, repo, ref)
  if (!m.json.manifests) return m.json.layers.map((l) => l.digest)
  const amd64 = m.json.manifests.find((d) => d.platform?.architecture === 'amd64')
  return (await manifest(reg, repo, amd64.digest)).json.layers.map((l) => l.digest)
}

/** The first error an action reported (its ::error:: line), else the last line it printed to stderr. */
function firstError(r) {
  const line = r.stdout.split('\n').find((l) => l.startsWith('::error'))?.replace(/^::error[^:]*::/, '') ?? r.stderr.trim().split('\n').pop() ?? ''
  const text = line.replace(/%0A/g, ' ').trim()
  return `failed (${text.length > 160 ? `${text.slice(0, 157)}…` : text || `exit ${r.code}`})`
}

/** Runs a side; resolves to { wallMs, postMs?, failed?, run }. A failure is a result, not an exception. */
async function side(fn) {
  try {
    return await fn()
  } catch (e) {
    return { failed: `failed (${String(e.message).split('\n')[0].slice(0, 160)})` }
  }
}

// ---------------------------------------------------------------- 7: build and push, ours vs theirs
const FRESH_LAYER_DOCKERFILE = 'FROM scratch\nARG ROUND\nWORKDIR /round-$ROUND\nCOPY hello.txt .\n'

async function buildRow(ctx, { id, label, builder, platforms }) {
  const { reg, cfg, ws, row, log } = ctx
  const env = { DOCKER_CONFIG: cfg.dir, ...(builder && { BUILDX_BUILDER: builder }) }
  const repos = { ours: `bench-bx-${id}-ours`, theirs: `bench-bx-${id}-theirs` }
  for (const repo of Object.values(repos)) onCleanup(() => removeImages(`${reg.host}/${repo}`)) // the docker driver also tags locally
  const runDir = await tempDir(`bx-${id}`)
  const ourDefaults = await inputDefaults(path.join(repoRoot, 'action.yml'))
  const theirDefaults = await inputDefaults(path.join(THEIRS_DIR, 'action.yml'))
  const seen = new Set()
  const checkPushed = async (repo, digest) => {
    const held = await manifest(reg, repo, 'v1')
    if (digest !== held.digest) throw new Error(`${repo}: output digest ${digest}, the registry holds ${held.digest}`)
    const layers = await layersOf(reg, repo, 'v1')
    if (layers.every((l) => seen.has(l))) throw new Error(`${repo}: no fresh layer in this round`)
    for (const l of layers) seen.add(l)
  }
  const round = () => `${Date.now()}-${randomBytes(3).toString('hex')}`
  const ours = () =>
    side(async () => {
      const inputs = { ...ourDefaults, image: `${reg.host}/${repos.ours}`, tags: 'v1', 'build-args': `ROUND=${round()}`, ...(platforms && { platforms }) }
      const r = await runAction(OURS, ws, inputs, runDir, env)
      if (r.code !== 0) return { failed: firstError(r), run: r }
      await checkPushed(repos.ours, r.outputs.digest)
      return { wallMs: r.wallMs, run: r }
    })
  const theirs = () =>
    side(async () => {
      const inputs = { ...theirDefaults, context: '.', push: 'true', tags: `${reg.host}/${repos.theirs}:v1`, 'build-args': `ROUND=${round()}`, ...(platforms && { platforms }) }
      const r = await runWithPost(THEIRS, ws, inputs, runDir, env)
      if (r.main.code !== 0) return { failed: firstError(r.main), run: r.main }
      if (r.post?.code !== 0) return { failed: `post ${firstError(r.post)}`, run: r.post }
      await checkPushed(repos.theirs, r.main.outputs.digest)
      return { wallMs: r.main.wallMs, postMs: r.post.wallMs, run: r.main }
    })

  log(`${label}: warm-up, then ${ROUNDS} interleaved rounds`)
  const warm = [await ours(), await theirs()]
  // a side that cannot build here is not timed again: its row says why
  const fns = warm.map((w, i) => (w.failed ? async () => w : [ours, theirs][i]))
  const [a, b] = await interleaved(ROUNDS, fns)
  const what = `${id} ${label}: ours vs ${THEIRS_NAME} (main step; main+post)`
  const bFailed = b.find((x) => x.failed)
  const aFailed = a.find((x) => x.failed)
  const theirMain = median(b.map((x) => x.wallMs))
  const theirBoth = median(b.map((x) => x.wallMs + x.postMs))
  const reference = bFailed ? `theirs: ${bFailed.failed}` : `${ms(theirMain)} main, ${ms(theirBoth)} main+post`
  if (aFailed || bFailed) {
    row(what, aFailed ? `ours: ${aFailed.failed}` : ms(median(a.map((x) => x.wallMs))), reference, '—', '≤ 0.60', false)
    return
  }
  // paired per round: ours / theirs of the same round
  const ratio = median(a.map((x, i) => x.wallMs / b[i].wallMs))
  const ratioBoth = median(a.map((x, i) => x.wallMs / (b[i].wallMs + b[i].postMs)))
  row(what, ms(median(a.map((x) => x.wallMs))), reference, `${fx(ratio)} (${fx(ratioBoth)} vs main+post)`, '≤ 0.60', ratio <= 0.6)
}

// ---------------------------------------------------------------- 8: registry cache, ours warm vs cold
/** Whether a BuildKit plain-progress log reports the `RUN sleep 2` step as CACHED (`#N [x/y] RUN …` then `#N CACHED`). */
function slowStepCached(log) {
  const id = /#(\d+) \[[^\]]*\] RUN sleep 2/.exec(log)?.[1]
  return id !== undefined && log.split('\n').some((l) => l.trim().endsWith(`#${id} CACHED`))
}

async function cacheRow(ctx) {
  const { reg, cfg, row, log, notes } = ctx
  const ctxWs = await makeWorkspace('bx-slow', {
    Dockerfile: 'FROM scratch\nCOPY busybox /busybox\nSHELL ["/busybox", "sh", "-c"]\nRUN sleep 2 && echo slow > /slow.txt\n',
    'hello.txt': 'hello\n'
  })
  await copyFile('/bin/busybox', path.join(ctxWs.dir, 'busybox'))
  const cacheRef = `${reg.host}/bench-bx-cache:buildcache`
  // the cache, made once with buildx itself on a fresh daemon
  {
    const d = await startDaemon()
    const name = await remoteBuilder(cfg, d.addr)
    const seed = `${reg.host}/bench-bx-cache:seed`
    const r = await cfg.buildx('build', '--builder', name, '--cache-to', `type=registry,ref=${cacheRef},mode=max`, '--push', '--tag', seed, ctxWs.dir)
    await d.stop()
    if (r.code !== 0) throw new Error(`cache export failed:\n${r.stderr.slice(-2000)}`)
  }
  const runDir = await tempDir('bx-cache')
  const defaults = { ours: await inputDefaults(path.join(repoRoot, 'action.yml')), theirs: await inputDefaults(path.join(THEIRS_DIR, 'action.yml')) }
  const run = (who, warm) =>
    side(async () => {
      const d = await startDaemon() // a fresh builder for every run: nothing cached but what cache-from brings
      try {
        const env = { DOCKER_CONFIG: cfg.dir, BUILDX_BUILDER: await remoteBuilder(cfg, d.addr) }
        const tag = `${who}-${warm ? 'warm' : 'cold'}`
        const cacheFrom = warm ? { 'cache-from': `type=registry,ref=${cacheRef}` } : {}
        const r =
          who === 'ours'
            ? await runAction(OURS, ctxWs, { ...defaults.ours, image: `${reg.host}/bench-bx-cache`, tags: tag, ...cacheFrom }, runDir, env)
            : (await runWithPost(THEIRS, ctxWs, { ...defaults.theirs, context: '.', push: 'true', tags: `${reg.host}/bench-bx-cache:${tag}`, ...cacheFrom }, runDir, env)).main
        if (r.code !== 0) return { failed: firstError(r) }
        const cached = slowStepCached(r.stdout + r.stderr)
        if (warm && !cached) return { failed: 'failed (cache-from not used: the RUN step was not CACHED)' }
        if (!warm && cached) return { failed: 'failed (the cold run was CACHED: the builder was not fresh)' }
        return { wallMs: r.wallMs }
      } finally {
        await d.stop()
      }
    })
  log(`registry cache: ${ROUNDS_CACHE} interleaved rounds, a fresh buildkitd per run`)
  const [cold, warm, theirCold, theirWarm] = await interleaved(ROUNDS_CACHE, [() => run('ours', false), () => run('ours', true), () => run('theirs', false), () => run('theirs', true)])
  const report = (what, who, c, w, target) => {
    const failed = [...c, ...w].find((x) => x.failed)
    if (failed) return row(what, `${who}: ${failed.failed}`, 'its cold run', '—', target, target === 'report' ? undefined : false)
    const speedup = median(c.map((x, i) => x.wallMs / w[i].wallMs))
    row(what, ms(median(w.map((x) => x.wallMs))), `${ms(median(c.map((x) => x.wallMs)))} cold`, `${fx(speedup, 1)}× faster`, target, target === 'report' ? undefined : speedup >= 3)
  }
  report('8a registry cache on a fresh builder (2 s RUN step): ours with cache-from vs ours cold', 'ours', cold, warm, '≥ 3× faster')
  report(`8b … the same for ${THEIRS_NAME} (main step)`, 'theirs', theirCold, theirWarm, 'report')
  notes.push(`Row 8: the cache was exported once with \`docker buildx build --cache-to type=registry,ref=…,mode=max\`; every timed run gets a buildkitd with an empty state (started and stopped outside the timing).`)
}

// ---------------------------------------------------------------- 9: merge, ours vs imagetools
const MERGE_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64']

async function mergeRow(ctx, n) {
  const { reg, cfg, row, log } = ctx
  const repo = `bench-merge-${n}`
  const ws = await makeWorkspace(`merge-${n}`, { 'README.md': 'merge\n' })
  const sources = []
  for (const platform of MERGE_PLATFORMS.slice(0, n)) {
    const tag = `src-${platform.replace(/\//g, '-')}`
    await pushSynthetic(reg, repo, tag, `${platform}-${randomBytes(4).toString('hex')}`, {}, { platform, labels: { 'git-commit': ws.sha, 'build-number': '42' } })
    sources.push(tag)
  }
  const runDir = await tempDir(`merge-${n}`)
  const theirs = () =>
    side(async () => {
      const ref = `${reg.host}/${repo}:merged-theirs`
      const create = await cfg.buildx('imagetools', 'create', '-t', ref, ...sources.map((t) => `${reg.host}/${repo}:${t}`))
      if (create.code !== 0) return { failed: `failed (${create.stderr.trim().split('\n').pop()})` }
      const inspect = await cfg.buildx('imagetools', 'inspect', ref)
      if (inspect.code !== 0) return { failed: `failed (${inspect.stderr.trim().split('\n').pop()})` }
      const held = await manifest(reg, repo, 'merged-theirs')
      if (held.json.manifests?.length !== n) throw new Error(`imagetools made an index of ${held.json.manifests?.length} manifests, expected ${n}`)
      return { wallMs: create.wallMs + inspect.wallMs }
    })
  const ours = async () => {
    if (!existsSync(OURS_MERGE)) return { failed: 'not built yet (no dist/merge/index.js)' }
    return side(async () => {
      const defaults = existsSync(path.join(repoRoot, 'merge/action.yml')) ? await inputDefaults(path.join(repoRoot, 'merge/action.yml')) : {}
      const inputs = { ...defaults, image: `${reg.host}/${repo}`, sources: sources.join('\n'), tags: 'merged-ours' }
      const r = await runAction(OURS_MERGE, ws, inputs, runDir)
      if (r.code !== 0) return { failed: firstError(r) }
      const held = await manifest(reg, repo, 'merged-ours')
      if (r.outputs.digest !== held.digest) throw new Error(`merge output ${r.outputs.digest}, the registry holds ${held.digest}`)
      if (held.json.manifests?.length !== n) throw new Error(`our index has ${held.json.manifests?.length} manifests, expected ${n}`)
      // the action logs its own request count: `Registry requests: 14 (6 GET, 4 HEAD, 2 PUT)`
      const requests = /Registry requests: (\d+) \(([^)]*)\)/.exec(r.stdout)
      return { wallMs: r.wallMs, ...(requests && { requests: Number(requests[1]), byMethod: requests[2] }) }
    })
  }
  log(`merge of ${n} platform images: ${ROUNDS_MERGE} interleaved rounds`)
  const [a, b] = await interleaved(ROUNDS_MERGE, [ours, theirs])
  const what = `9${n === 2 ? 'a' : 'b'} merge ${n} platform images into one index: ours vs imagetools create + inspect`
  const aFailed = a.find((x) => x.failed)
  const bFailed = b.find((x) => x.failed)
  const reference = bFailed ? `imagetools: ${bFailed.failed}` : `${ms(median(b.map((x) => x.wallMs)))} imagetools create + inspect`
  if (aFailed || bFailed) {
    row(what, `ours: ${aFailed?.failed ?? ms(median(a.map((x) => x.wallMs)))}`, reference, '—', '≤ 0.50', false)
    return
  }
  const ratio = median(a.map((x, i) => x.wallMs / b[i].wallMs))
  const requests = a[a.length - 1]?.requests
  const perMerge = requests === undefined ? '' : `, ${requests} requests (${a[a.length - 1].byMethod})`
  row(what, `${ms(median(a.map((x) => x.wallMs)))}${perMerge}`, reference, fx(ratio), '≤ 0.50', ratio <= 0.5)
}

async function mergeRows(ctx) {
  await mergeRow(ctx, 2)
  await mergeRow(ctx, 8)
  ctx.notes.push(
    'Row 9: sources are single-platform images pushed straight to the registry (labelled git-commit/build-number), one tag each, ' +
      'in the repository the index goes to; both sides write one tag. Ours reads each source (HEAD of its tag, GET of the manifest by ' +
      'digest and of its config, both hashed: the config carries the platform and the labels the commit check needs), writes the index ' +
      'once by digest and once per tag, and reads it back (HEAD + GET by digest, HEAD per tag); the request count is the action\'s own ' +
      '(every request of the run, the /v2/ ping included). imagetools create + inspect is two buildx processes on the same registry.'
  )
}

// ---------------------------------------------------------------- entry
/** Adds rows 7–9 through `row(what, ours, reference, ratio, target, pass)`; notes go to `notes`. */
export async function buildxRows({ reg, row, notes, log, only }) {
  const cfg = await buildxConfig()
  if (cfg.unavailable) {
    row('7–9 buildx rows', 'not measured', cfg.unavailable, '—', '—', false)
    return
  }
  if (only === 'merge') {
    await mergeRows({ reg, cfg, row, log, notes })
    return
  }
  if (!existsSync(THEIRS)) throw new Error(`${THEIRS} is missing (../shared/anchors beside the repository)`)
  const ws = await makeWorkspace('bx', { Dockerfile: FRESH_LAYER_DOCKERFILE, 'hello.txt': 'hello\n' })
  const daemon = await startDaemon()
  const remote = await remoteBuilder(cfg, daemon.addr)
  const ctx = { reg, cfg, ws, row, log, notes }
  await buildRow(ctx, { id: '7a', label: 'buildx docker driver, 1 platform, push' })
  await buildRow(ctx, { id: '7b', label: 'buildx remote driver, 1 platform, push', builder: remote })
  await buildRow(ctx, { id: '7c', label: 'buildx remote driver, linux/amd64 + linux/arm64, push', builder: remote, platforms: 'linux/amd64,linux/arm64' })
  await cacheRow(ctx)
  await mergeRows(ctx)
  notes.push(
    `Rows 7–9: ${cfg.version} and buildkitd 0.11.6 from ../shared/tools/buildkit (a GitHub runner has buildx 0.3x and BuildKit 0.2x); ` +
      `the docker driver is dockerd's built-in BuildKit; the remote driver stands in for setup-buildx-action's docker-container builder. ` +
      `${THEIRS_NAME} runs as the runner runs it (its dist/index.cjs on Node 24, its action.yml defaults, ` +
      `main then post with its saved state); same builder (BUILDX_BUILDER), same context, a build-arg that changes every round ` +
      `(\`WORKDIR /round-$ROUND\`: a fresh layer each round, checked against the registry). Its post step here only removes a temp dir: ` +
      `the build record export and summary need buildx ≥ 0.13, so on a runner its post step costs more. Ratios are paired per round, medians of ${ROUNDS} rounds.`
  )
}
