// Rows 7–8 of `npm run bench`: our build action on buildx builders (today's buildx with dockerd's BuildKit as the
// docker driver, and a standalone BuildKit as a remote builder, both from .cache/tools via bench/tools.mjs) against
// the bare `docker buildx build --push --metadata-file` and against docker/build-push-action from a checkout named by
// BPA_DIR (outside this repository: its dist/index.cjs runs as the runner runs it); and a registry-cache row.
// A side that cannot do the job is reported as failed (with its first error line), never a crash.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { copyFile, readFile } from 'node:fs/promises'
import path from 'node:path'
import {
  fx,
  inputDefaults,
  heldManifest,
  interleaved,
  makeWorkspace,
  median,
  ms,
  onCleanup,
  removeImages,
  repoRoot,
  runAction,
  runWithPost,
  tempDir,
  timed
} from './lib.mjs'
import { remoteBuilder, startBuildkitd } from './tools.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS_BUILDX) || 6
const ROUNDS_CACHE = Number(process.env.BENCH_ROUNDS_CACHE) || 3
export const BUILDX_ROUNDS = `buildx builds ${ROUNDS}, registry cache ${ROUNDS_CACHE}`
const BPA_DIR = process.env.BPA_DIR ? path.resolve(process.env.BPA_DIR) : undefined
const THEIRS = BPA_DIR && path.join(BPA_DIR, 'dist', 'index.cjs')
/** Why build-push-action is not measured, or undefined when it is. */
const THEIRS_SKIPPED = !BPA_DIR
  ? 'skipped: set BPA_DIR to a checkout of docker/build-push-action (outside this repository, with its dist/) to compare'
  : BPA_DIR.startsWith(repoRoot + path.sep)
    ? `skipped: BPA_DIR (${BPA_DIR}) is inside this repository; point it at a checkout outside it`
    : !existsSync(THEIRS)
      ? `skipped: ${THEIRS} is missing (BPA_DIR must hold the action's dist/)`
      : undefined
const THEIRS_NAME = THEIRS_SKIPPED ? 'build-push-action' : `build-push-action ${bpaVersion()}`
const THEIRS_DIR = BPA_DIR
const OURS = path.join(repoRoot, 'dist', 'index.js')

function bpaVersion() {
  try {
    const { version } = JSON.parse(readFileSync(path.join(BPA_DIR, 'package.json'), 'utf8'))
    if (version) return `v${version}`
  } catch {
    // no package.json: named by its directory
  }
  return `(${path.basename(BPA_DIR)})`
}

const startDaemon = startBuildkitd
// ---------------------------------------------------------------- registry and results

/** Layer digests of a pushed image (the linux/amd64 one of an index). */
async function layersOf(reg, repo, ref) {
  const m = await heldManifest(reg, repo, ref)
  if (!m.json.manifests) return m.json.layers.map((l) => l.digest)
  const amd64 = m.json.manifests.find((d) => d.platform?.architecture === 'amd64')
  return (await heldManifest(reg, repo, amd64.digest)).json.layers.map((l) => l.digest)
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

// ---------------------------------------------------------------- 7: build and push: ours vs bare buildx vs theirs
const FRESH_LAYER_DOCKERFILE = 'FROM scratch\nARG ROUND\nWORKDIR /round-$ROUND\nCOPY hello.txt .\n'

async function buildRow(ctx, { id, label, builder, platforms, bare = true }) {
  const { reg, raw, cfg, ws, row, log } = ctx
  const env = { DOCKER_CONFIG: cfg.dir, ...(builder && { BUILDX_BUILDER: builder }) }
  const repos = { ours: `bench-bx-${id}-ours`, bare: `bench-bx-${id}-bare`, theirs: `bench-bx-${id}-theirs` }
  for (const repo of Object.values(repos)) onCleanup(() => removeImages(`${reg.host}/${repo}`)) // the docker driver also tags locally
  const runDir = await tempDir(`bx-${id}`)
  const ourDefaults = await inputDefaults(path.join(repoRoot, 'action.yml'))
  const theirDefaults = THEIRS_SKIPPED ? {} : await inputDefaults(path.join(THEIRS_DIR, 'action.yml'))
  const seen = new Set()
  const checkPushed = async (repo, digest) => {
    const held = await heldManifest(raw, repo, 'v1')
    if (digest !== held.digest) throw new Error(`${repo}: output digest ${digest}, the registry holds ${held.digest}`)
    const layers = await layersOf(raw, repo, 'v1')
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
      return { wallMs: r.wallMs, hwmKb: r.hwmKb, run: r }
    })
  // what a workflow step that calls buildx itself runs: build, push, and the digest from the metadata file
  const metadata = path.join(runDir, 'metadata.json')
  const bareBuild = () =>
    side(async () => {
      const args = ['build', '--push', '--metadata-file', metadata, '--tag', `${reg.host}/${repos.bare}:v1`, '--build-arg', `ROUND=${round()}`, ...(platforms ? ['--platform', platforms] : []), '.']
      const r = await timed('docker', ['buildx', ...args], { cwd: ws.dir, env: { ...process.env, ...env }, rssEveryMs: 0 })
      if (r.code !== 0) return { failed: `failed (${r.stderr.trim().split('\n').pop()})` }
      const digest = JSON.parse(await readFile(metadata, 'utf8'))['containerimage.digest']
      await checkPushed(repos.bare, digest)
      return { wallMs: r.wallMs }
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
  const skipped = (why) => async () => ({ failed: why, skipped: true })
  const fnsAll = [ours, bare ? bareBuild : skipped('not run'), THEIRS_SKIPPED ? skipped(THEIRS_SKIPPED) : theirs]

  log(`${label}: warm-up, then ${ROUNDS} interleaved rounds`)
  const warm = []
  for (const fn of fnsAll) warm.push(await fn())
  // a side that cannot build here is not timed again: its row says why
  const fns = warm.map((w, i) => (w.failed ? async () => w : fnsAll[i]))
  const [a, b, c] = await interleaved(ROUNDS, fns)
  const oursFailed = a.find((x) => x.failed)
  const oursMs = median(a.map((x) => x.wallMs))
  const oursText = oursFailed ? `ours: ${oursFailed.failed}` : ms(oursMs)
  if (bare) {
    const failed = b.find((x) => x.failed)
    const what = `${id} ${label}: ours (main step) vs bare \`buildx build --push --metadata-file\``
    if (oursFailed || failed) row(what, oursText, failed ? `bare: ${failed.failed}` : ms(median(b.map((x) => x.wallMs))), '—', '≤ 1.40', false)
    else {
      const ratio = median(a.map((x, i) => x.wallMs / b[i].wallMs))
      row(what, oursText, `${ms(median(b.map((x) => x.wallMs)))} bare`, fx(ratio), '≤ 1.40', ratio <= 1.4)
    }
  }
  const what = `${id} ${label}: ours vs ${THEIRS_NAME} (main step; main+post)`
  const target = platforms ? '≤ 0.60' : '≤ 0.35'
  const limit = platforms ? 0.6 : 0.35
  if (THEIRS_SKIPPED) {
    row(what, oursText, THEIRS_SKIPPED, '—', target, undefined)
    return
  }
  const cFailed = c.find((x) => x.failed)
  const reference = cFailed ? `theirs: ${cFailed.failed}` : `${ms(median(c.map((x) => x.wallMs)))} main, ${ms(median(c.map((x) => x.wallMs + x.postMs)))} main+post`
  if (oursFailed || cFailed) {
    row(what, oursText, reference, '—', target, false)
    return
  }
  // paired per round: ours / theirs of the same round
  const ratio = median(a.map((x, i) => x.wallMs / c[i].wallMs))
  const ratioBoth = median(a.map((x, i) => x.wallMs / (c[i].wallMs + c[i].postMs)))
  row(what, oursText, reference, `${fx(ratio)} (${fx(ratioBoth)} vs main+post)`, target, ratio <= limit)
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
  const defaults = { ours: await inputDefaults(path.join(repoRoot, 'action.yml')), theirs: THEIRS_SKIPPED ? {} : await inputDefaults(path.join(THEIRS_DIR, 'action.yml')) }
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
  const sides = [() => run('ours', false), () => run('ours', true), ...(THEIRS_SKIPPED ? [] : [() => run('theirs', false), () => run('theirs', true)])]
  const [cold, warm, theirCold, theirWarm] = await interleaved(ROUNDS_CACHE, sides)
  const report = (what, who, c, w, target) => {
    const failed = [...c, ...w].find((x) => x.failed)
    if (failed) return row(what, `${who}: ${failed.failed}`, 'its cold run', '—', target, target === 'report' ? undefined : false)
    const speedup = median(c.map((x, i) => x.wallMs / w[i].wallMs))
    row(what, ms(median(w.map((x) => x.wallMs))), `${ms(median(c.map((x) => x.wallMs)))} cold`, `${fx(speedup, 1)}× faster`, target, target === 'report' ? undefined : speedup >= 3)
  }
  report('8a registry cache on a fresh builder (2 s RUN step): ours with cache-from vs ours cold', 'ours', cold, warm, '≥ 3× faster')
  if (!THEIRS_SKIPPED) report(`8b … the same for ${THEIRS_NAME} (main step)`, 'theirs', theirCold, theirWarm, 'report')
  notes.push(`Row 8: the cache was exported once with \`docker buildx build --cache-to type=registry,ref=…,mode=max\`; every timed run gets a buildkitd with an empty state (started and stopped outside the timing).`)
}

// ---------------------------------------------------------------- entry
/** Adds rows 7–8 through ctx.row(what, ours, reference, ratio, target, pass); notes go to ctx.notes. */
export async function buildxRows(ctx) {
  const { cfg, row, notes } = ctx
  if (cfg.unavailable) {
    row('7–8 buildx rows', 'not measured', cfg.unavailable, '—', '—', false)
    return
  }
  const ws = await makeWorkspace('bx', { Dockerfile: FRESH_LAYER_DOCKERFILE, 'hello.txt': 'hello\n' })
  const daemon = await startDaemon()
  const remote = await remoteBuilder(cfg, daemon.addr)
  const c = { ...ctx, ws }
  await buildRow(c, { id: '7a', label: 'buildx docker driver, 1 platform, push' })
  await buildRow(c, { id: '7b', label: 'buildx remote driver, 1 platform, push', builder: remote })
  await buildRow(c, { id: '7c', label: 'buildx remote driver, linux/amd64 + linux/arm64, push', builder: remote, platforms: 'linux/amd64,linux/arm64', bare: false })
  await cacheRow(c)
  if (THEIRS_SKIPPED) row(`8b registry cache: ${THEIRS_NAME}`, '—', THEIRS_SKIPPED, '—', 'report', undefined)
  notes.push(
    `Rows 7–8: ${cfg.version}, buildkitd from .cache/tools (scripts/tools.versions) as the remote builder (the stand-in for ` +
      `setup-buildx-action's docker-container builder); the docker driver is dockerd's built-in BuildKit. ` +
      (THEIRS_SKIPPED
        ? `build-push-action: ${THEIRS_SKIPPED}. `
        : `${THEIRS_NAME} (from BPA_DIR) runs as the runner runs it (its dist/index.cjs on Node 24, its action.yml defaults, main then post with its saved state). `) +
      'Same builder (BUILDX_BUILDER), same context, a build-arg that changes every round (`WORKDIR /round-$ROUND`: a fresh layer each round, ' +
      `checked against the registry). Ratios are paired per round, medians of ${ROUNDS} rounds.`
  )
}
