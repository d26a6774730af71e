/* global fetch */
// `npm run bench`: what the action costs on top of docker, and how its registry work compares to skopeo and docker.
// Everything runs side by side in one process on this machine, interleaved within each round (the order flips every
// round) so drift cancels; medians and ratios are reported, never a single absolute time. Prints a table and writes
// bench/results.md. Needs: docker, docker-registry, skopeo, htpasswd, git, Node 24 in .cache/node24 (ensure-env.sh).
//
// Rounds (env overrides): BENCH_ROUNDS_TINY=7, BENCH_ROUNDS_BIG=5, BENCH_ROUNDS_COLD=11.
// BENCH_OUT=<file> writes the markdown elsewhere (default bench/results.md); BENCH_NO_WRITE=1 prints only.
// BENCH_RESOLVE_ENTRY=<file> measures another build of the resolve action (default dist/resolve/index.js).
// Every registry client (the action, docker, buildx, crane, regctl, skopeo) reaches the registry through a delay proxy
// (bench/proxy.mjs): 0 ms for the build rows, 0 / 20 / 50 ms (BENCH_DELAYS) for the registry rows.
// Rows 7–8 (buildx builders: bare, build-push-action from BPA_DIR, registry cache) live in bench/buildx.mjs:
// BENCH_ROUNDS_BUILDX=6, BENCH_ROUNDS_CACHE=3. Rows 3 and 9 (resolve and merge vs crane, regctl, imagetools) live in
// bench/registry.mjs: BENCH_ROUNDS_RESOLVE=3, BENCH_ROUNDS_MERGE=5. BENCH_ONLY=buildx|registry|merge|resolve runs only
// those sections (printed; written only with BENCH_OUT). More sections go in SECTIONS below.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { auditRows } from './audit.mjs'
import { BUILDX_ROUNDS, buildxRows } from './buildx.mjs'
import { behindProxy, startDelayProxy } from './proxy.mjs'
import { REGISTRY_DELAYS, REGISTRY_ROUNDS, registryRows } from './registry.mjs'
import { buildxConfig } from './tools.mjs'
import {
  assertFile,
  cleanupAll,
  fx,
  inputDefaults,
  interleaved,
  makeWorkspace,
  median,
  onCleanup,
  ms,
  node24,
  pushSynthetic,
  removeImages,
  repoRoot,
  runAction,
  runSync,
  startRegistry,
  tempDir,
  timed,
  timedOk
} from './lib.mjs'

const ROUNDS_TINY = Number(process.env.BENCH_ROUNDS_TINY) || 7
const ROUNDS_BIG = Number(process.env.BENCH_ROUNDS_BIG) || 5
const ROUNDS_COLD = Number(process.env.BENCH_ROUNDS_COLD) || 11
const ONLY = process.env.BENCH_ONLY
const OUT = process.env.BENCH_OUT || path.join(repoRoot, 'bench/results.md')
const WRITE = !process.env.BENCH_NO_WRITE && (!ONLY || Boolean(process.env.BENCH_OUT))
const ACTION = path.join(repoRoot, 'dist/index.js')

/**
 * The sections after the legacy-builder rows, in order; each gets ctx = { reg, raw, proxy, cfg, row, log, notes, only }
 * and adds rows through ctx.row. `runs(only)`: whether BENCH_ONLY selects it.
 */
const SECTIONS = [
  { rounds: BUILDX_ROUNDS, runs: (only) => only === 'buildx', rows: buildxRows },
  { rounds: REGISTRY_ROUNDS, runs: (only) => ['registry', 'merge', 'resolve'].includes(only), rows: registryRows },
  {
    rounds: `audit ${Number(process.env.BENCH_ROUNDS_AUDIT) || 3}`,
    runs: (only) => only === 'audit',
    rows: async (ctx) => {
      for (const r of await auditRows({ log: ctx.log })) ctx.row(r.what, r.ours, r.reference, r.ratio, r.target, r.pass)
    }
  }
]
const BIG_LAYERS = 5
const BIG_LAYER_BYTES = 10 * 1024 * 1024

const rows = []
const loadAtStart = os.loadavg().map((x) => x.toFixed(2)).join(' ')
const summaryNumbers = {}
const notes = []
/** One table row. pass: true/false, or undefined for report-only rows. */
function row(what, ours, reference, ratio, target, pass) {
  rows.push({ what, ours, reference, ratio, target, pass })
  const verdict = pass === undefined ? 'info' : pass ? 'PASS' : 'FAIL'
  log(`  → ${what}: ${ours} vs ${reference} (ratio ${ratio}, target ${target}) ${verdict}`)
}
const signed = (x) => (x >= 0 ? `+${ms(x)}` : `−${ms(-x)}`)
const log = (s) => process.stderr.write(`[bench] ${s}\n`)

async function registryDigest(reg, repo, tag) {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' }
  })
  return res.headers.get('docker-content-digest')
}

const pushedLayers = (stdout) => (stdout.match(/: Pushed\s*$/gm) ?? []).length
const existingLayers = (stdout) => (stdout.match(/: Layer already exists\s*$/gm) ?? []).length

/** Phase boundaries (ms since spawn) from the arrival time of the action's own log lines. */
function phases(r) {
  const at = (re, from = 0) => r.lines.find((l) => l.t >= from && re.test(l.text))?.t
  const build = at(/^::group::docker build/)
  const push = at(/^::group::docker push /)
  const read = at(/^::group::Read back from the registry/)
  const readEnd = read === undefined ? undefined : r.lines.find((l) => l.t >= read && l.text === '::endgroup::')?.t
  return {
    firstLine: r.firstByteMs,
    beforeBuild: build,
    build: push - build,
    push: read - push,
    readBack: readEnd - read,
    tail: r.wallMs - readEnd
  }
}

// ---------------------------------------------------------------- 1 + 4: end to end
async function endToEnd(reg, label, ws, repo, rounds, expectLayers) {
  const ref = `${reg.host}/${repo}:v1`
  const runDir = await tempDir(`run-${repo}`)
  onCleanup(() => removeImages(`${reg.host}/${repo}`))
  const bare = path.join(runDir, 'bare.sh')
  await writeFile(
    bare,
    '#!/usr/bin/env bash\nset -euo pipefail\ndocker build --tag "$1" "$2"\ndocker push "$1"\n' +
      "docker inspect --format '{{index .RepoDigests 0}}' \"$1\"\n"
  )
  const inputs = { ...(await inputDefaults(path.join(repoRoot, 'action.yml'))), image: `${reg.host}/${repo}`, tags: 'v1' }
  const bareEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? os.homedir(), ...(process.env.DOCKER_CONFIG && { DOCKER_CONFIG: process.env.DOCKER_CONFIG }) }

  const ours = async () => {
    const r = await runAction(ACTION, ws, inputs, runDir)
    if (r.code !== 0) throw new Error(`action failed (${label}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`)
    const held = await registryDigest(reg, repo, 'v1')
    if (r.outputs.digest !== held) throw new Error(`action output digest ${r.outputs.digest} but the registry holds ${held}`)
    if (expectLayers && (pushedLayers(r.stdout) !== expectLayers || existingLayers(r.stdout) !== 0)) {
      throw new Error(`action push uploaded ${pushedLayers(r.stdout)} layers (${existingLayers(r.stdout)} already there), expected ${expectLayers} new`)
    }
    return r
  }
  const base = async () => {
    const r = await timed('bash', [bare, ref, '.'], { cwd: ws.dir, env: bareEnv })
    if (r.code !== 0) throw new Error(`bare script failed (${label}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`)
    const held = await registryDigest(reg, repo, 'v1')
    if (!r.stdout.trim().endsWith(`@${held}`)) throw new Error(`bare script printed ${r.stdout.trim().split('\n').pop()}, registry holds ${held}`)
    if (expectLayers && (pushedLayers(r.stdout) !== expectLayers || existingLayers(r.stdout) !== 0)) {
      throw new Error(`bare push uploaded ${pushedLayers(r.stdout)} layers (${existingLayers(r.stdout)} already there), expected ${expectLayers} new`)
    }
    return r
  }
  log(`${label}: warm-up (fills docker's build cache for both sides)`)
  await reg.wipe()
  await ours()
  await reg.wipe()
  await base()
  log(`${label}: ${rounds} interleaved rounds, registry storage wiped before every run`)
  // each round also times an empty Node 24 process and the action failing on missing inputs (Node start + bundle
  // load + input checks), so the overhead's parts are measured under the same load as the overhead itself
  const noInputDir = await tempDir(`noinput-${repo}`)
  const empty = () => timedOk(node24, ['-e', ''], { rssEveryMs: 0 })
  const load = async () => {
    const r = await runAction(ACTION, { dir: noInputDir, sha: '0'.repeat(40) }, {}, noInputDir)
    if (r.code !== 1 || !/::error::Input 'image'/.test(r.stdout)) throw new Error(`no-input run did not fail as expected:\n${r.stdout}`)
    return r
  }
  const [a, b, e, l] = await interleaved(rounds, [ours, base, empty, load], () => reg.wipe())
  const nodeMs = median(e.map((r) => r.wallMs))
  const loadMs = median(l.map((r) => r.wallMs))
  const oursMs = median(a.map((r) => r.wallMs))
  const bareMs = median(b.map((r) => r.wallMs))
  const p = a.map(phases)
  const ph = Object.fromEntries(Object.keys(p[0]).map((k) => [k, median(p.map((x) => x[k]))]))
  // paired per round: our run minus the bare run of the same round
  const overheadMs = median(a.map((r, i) => r.wallMs - b[i].wallMs))
  return { oursMs, bareMs, overheadMs, nodeMs, loadMs, phases: ph, hwmKb: Math.max(...a.map((r) => r.hwmKb)), runs: a, bareRuns: b }
}

// ---------------------------------------------------------------- 2 + 6: read-back of one tag
async function bundleReadback() {
  const dir = await tempDir('readback')
  const { build } = await import('esbuild')
  // the same esbuild options as dist/, so the client is loaded the way the action loads it
  const { esbuildOptions } = await import(path.join(repoRoot, 'scripts/bundle-config.mjs'))
  await build({ ...esbuildOptions, entryPoints: { readback: path.join(repoRoot, 'bench/readback-entry.ts') }, outdir: dir })
  return path.join(dir, 'readback.js')
}

/** Every .js file under dir. */
function listJs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listJs(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []
  )
}

/** src/build-push/index.ts bundled exactly as `npm run bundle` does, into a temp dir (dist/ is left alone). */
async function freshBundle() {
  const dir = await tempDir('fresh')
  const { build } = await import('esbuild')
  const { entryPoints, esbuildOptions } = await import(path.join(repoRoot, 'scripts/bundle-config.mjs'))
  await build({ ...esbuildOptions, absWorkingDir: repoRoot, entryPoints, outdir: dir })
  return readFileSync(path.join(dir, 'index.js'))
}

/** Before/after records of earlier changes: everything from HISTORY on in the file being replaced is kept. */
const HISTORY = '<!-- earlier measurements: kept as they are by npm run bench -->'
async function keptHistory(file) {
  const old = await readFile(file, 'utf8').catch(() => '')
  const at = old.indexOf(HISTORY)
  return at < 0 ? '' : `\n${old.slice(at)}`
}

// ---------------------------------------------------------------- main
async function main() {
  assertFile(node24, 'Node 24 (run scripts/ensure-env.sh)')
  assertFile(ACTION, 'dist/index.js (run npm run bundle)')
  const started = Date.now()
  const node24Version = runSync(node24, ['--version'])
  const dockerVersion = runSync('docker', ['version', '--format', '{{.Server.Version}}'])
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU'
  const machine =
    `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${os.release()}, ` +
    `docker engine ${dockerVersion} (legacy builder), ${runSync('docker-registry', ['--version']).split(' ').pop()} registry, ` +
    `${runSync('skopeo', ['--version'])}, bench on node ${process.version}, action on node ${node24Version}`
  log(`machine: ${machine}`)

  const loadStart = os.loadavg().map((x) => x.toFixed(2)).join(' ')
  const raw = await startRegistry()
  const proxy = await startDelayProxy(raw.url)
  const reg = behindProxy(raw, proxy)
  log(`registry at ${raw.url}, clients reach it through the delay proxy at ${reg.url}`)
  const cfg = await buildxConfig()
  const ctx = { reg, raw, proxy, cfg, row, log, notes, only: ONLY }
  if (ONLY) {
    for (const s of SECTIONS) if (s.runs(ONLY)) await s.rows(ctx)
    return report(machine, started)
  }

  // ---- 5: bundle size and cold start
  const bundle = readFileSync(ACTION)
  const fresh = await freshBundle()
  notes.push(
    fresh.equals(bundle)
      ? 'dist/index.js is byte-identical to a fresh bundle of src/ (so these numbers describe the current source).'
      : 'WARNING: dist/index.js differs from a fresh bundle of src/: these numbers describe dist as it is; run `npm run bundle` to measure the current source.'
  )
  const gz = gzipSync(bundle, { level: 9 }).length
  const dirs = (await tempDir('cold'))
  const noInputWs = { dir: dirs, sha: '0'.repeat(40) }
  log(`cold start: ${ROUNDS_COLD} interleaved rounds (node -e, the action up to its first log line, docker version)`)
  // the GitHub room (Octokit, its own undici) is a chunk only 'pull-request' / 'comment' load: its price, alone
  const githubChunk = readdirSync(path.join(repoRoot, 'dist/chunks')).find((f) => f.startsWith('publish-'))
  if (!githubChunk) throw new Error('dist/chunks/publish-*.js (the GitHub room) is missing: run npm run bundle')
  const githubChunkPath = path.join(repoRoot, 'dist/chunks', githubChunk)
  const [nodeRuns, loadRuns, versionRuns, githubRuns] = await interleaved(ROUNDS_COLD, [
    () => timedOk(node24, ['-e', "console.log('ready')"], { rssEveryMs: 0 }),
    // no inputs: the action loads, validates, prints its ::error:: line and exits 1 — start + bundle load, no docker
    () => runAction(ACTION, noInputWs, {}, dirs),
    () => timedOk('docker', ['version', '--format', '{{.Server.Version}}'], { rssEveryMs: 0 }),
    () => timedOk(node24, ['--input-type=module', '-e', `await import(${JSON.stringify(githubChunkPath)}); console.log('ready')`], { rssEveryMs: 0 })
  ])
  const githubFirst = median(githubRuns.map((r) => r.firstByteMs))
  const githubChunkBytes = statSync(githubChunkPath).size
  if (!loadRuns.every((r) => r.code === 1 && /::error::Input 'image'/.test(r.stdout))) throw new Error(`no-input run did not fail as expected:\n${loadRuns[0].stdout}`)
  const nodeFirst = median(nodeRuns.map((r) => r.firstByteMs))
  const loadFirst = median(loadRuns.map((r) => r.firstByteMs))
  const loadWall = median(loadRuns.map((r) => r.wallMs))
  const nodeWall = median(nodeRuns.map((r) => r.wallMs))
  const versionMs = median(versionRuns.map((r) => r.wallMs))

  // ---- 1 + 4: end to end
  const tinyWs = await makeWorkspace('tiny', { Dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n', 'hello.txt': 'hello\n' })
  const bigFiles = { Dockerfile: `FROM scratch\n${Array.from({ length: BIG_LAYERS }, (_, i) => `COPY layer${i}.bin /layer${i}.bin\n`).join('')}` }
  for (let i = 0; i < BIG_LAYERS; i++) bigFiles[`layer${i}.bin`] = randomBytes(BIG_LAYER_BYTES)
  const bigWs = await makeWorkspace('big', bigFiles)
  const tiny = await endToEnd(reg, 'tiny image', tinyWs, 'bench-tiny', ROUNDS_TINY, 1)
  const big = await endToEnd(reg, '50 MB image', bigWs, 'bench-big', ROUNDS_BIG, BIG_LAYERS)

  const tinyRatio = tiny.oursMs / tiny.bareMs
  const bigRatio = big.oursMs / big.bareMs
  row('1a end to end, tiny FROM scratch image', ms(tiny.oursMs), `${ms(tiny.bareMs)} bare build+push+inspect`, fx(tinyRatio), '≤ 1.40', tinyRatio <= 1.4)
  row(`1b end to end, ${(BIG_LAYERS * BIG_LAYER_BYTES) / 2 ** 20} MB in ${BIG_LAYERS} layers`, ms(big.oursMs), `${ms(big.bareMs)} bare build+push+inspect`, fx(bigRatio), '≤ 1.05', bigRatio <= 1.05)
  const startAndLoad = loadWall // spawn → exit of a run that only loads, validates and fails: Node start + bundle load
  Object.assign(summaryNumbers, { tiny, big, nodeWall, startAndLoad, versionMs })

  // ---- 2 + 6: read-back of one tag, cold process each
  const readbackJs = await bundleReadback()
  const oneRef = `${reg.host}/bench-readback:v1`
  const oneDigest = await pushSynthetic(reg, 'bench-readback', 'v1', randomBytes(4).toString('hex'))
  log(`read-back of one tag: ${ROUNDS_COLD} interleaved rounds (ours, skopeo inspect, docker manifest inspect)`)
  const [rbOurs, rbSkopeo, rbDocker, rbSkopeoNoTags, rbNode] = await interleaved(ROUNDS_COLD, [
    async () => {
      const r = await timedOk(node24, [readbackJs, oneRef], { rssEveryMs: 0 })
      const j = JSON.parse(r.stdout.trim().split('\n').pop())
      if (j.digest !== oneDigest) throw new Error(`our read-back gave ${j.digest}, registry holds ${oneDigest}`)
      r.json = j
      return r
    },
    async () => {
      const r = await timedOk('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${oneRef}`], { rssEveryMs: 0 })
      if (r.stdout.trim() !== oneDigest) throw new Error(`skopeo gave ${r.stdout}`)
      return r
    },
    async () => {
      const r = await timedOk('docker', ['manifest', 'inspect', '--insecure', oneRef], { rssEveryMs: 0 })
      JSON.parse(r.stdout)
      return r
    },
    async () => {
      const r = await timedOk('skopeo', ['inspect', '--tls-verify=false', '--no-tags', '--format', '{{.Digest}}', `docker://${oneRef}`], { rssEveryMs: 0 })
      if (r.stdout.trim() !== oneDigest) throw new Error(`skopeo gave ${r.stdout}`)
      return r
    },
    () => timedOk(node24, ['-e', ''], { rssEveryMs: 0 })
  ])
  const rbO = median(rbOurs.map((r) => r.wallMs))
  const rbS = median(rbSkopeo.map((r) => r.wallMs))
  const rbD = median(rbDocker.map((r) => r.wallMs))
  const rbSN = median(rbSkopeoNoTags.map((r) => r.wallMs))
  const rbN = median(rbNode.map((r) => r.wallMs))
  row('2a digest read-back of one tag vs skopeo', ms(rbO), `${ms(rbS)} skopeo inspect --format {{.Digest}}`, fx(rbO / rbS), '≤ 0.80', rbO / rbS <= 0.8)
  row('2b … vs skopeo --no-tags (same 3 requests as ours)', ms(rbO), `${ms(rbSN)} skopeo inspect --no-tags`, fx(rbO / rbSN), '—', undefined)
  row('2c … vs docker manifest inspect', ms(rbO), `${ms(rbD)} docker manifest inspect`, fx(rbO / rbD), '—', undefined)
  row('2d floor: an empty Node 24 process vs skopeo', ms(rbN), `${ms(rbS)} skopeo inspect`, fx(rbN / rbS), '—', undefined)
  Object.assign(summaryNumbers, { rbO, rbS, rbN })
  const readBackInProcess = median(rbOurs.map((r) => r.json.ms))
  summaryNumbers.readBackInProcess = readBackInProcess
  // row 1c needs the in-process read-back time measured in 2: built now, placed after 1b
  const before = rows.length
  row(
    '1c overhead, paired per round (ours − bare), tiny / 50 MB',
    `${signed(tiny.overheadMs)} / ${signed(big.overheadMs)}`,
    `of which (tiny / 50 MB rounds): Node 24 start ${ms(tiny.nodeMs)} / ${ms(big.nodeMs)}, bundle load + input checks ` +
      `${ms(tiny.loadMs - tiny.nodeMs)} / ${ms(big.loadMs - big.nodeMs)}, read-back ${ms(readBackInProcess)} (in-process, from 2), ` +
      `outputs + summary + exit ${ms(tiny.phases.tail)} / ${ms(big.phases.tail)}; docker calls we add: none ` +
      `(docker version, ${ms(versionMs)} alone, runs only before a step login or when a build fails)`,
    '—',
    '—',
    undefined
  )
  rows.splice(2, 0, ...rows.splice(before, 1))

  // ---- 6: HTTP requests per read-back (anonymous, and Basic auth via docker's config.json)
  const anon = rbOurs[0].json
  const authReg = await startRegistry({ auth: 'htpasswd' })
  const basic = `Basic ${Buffer.from(`${authReg.username}:${authReg.password}`).toString('base64')}`
  await pushSynthetic(authReg, 'bench-auth', 'v1', 'auth', { authorization: basic })
  const dockerConfig = await tempDir('docker-config')
  await writeFile(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [authReg.host]: { auth: basic.slice(6) } } }))
  const authRun = await timedOk(node24, [readbackJs, `${authReg.host}/bench-auth:v1`], { rssEveryMs: 0, env: { ...process.env, DOCKER_CONFIG: dockerConfig } })
  const authed = JSON.parse(authRun.stdout.trim().split('\n').pop())
  const describe = (j) => j.requests.map((q) => `${q.method} ${q.path.replace(/sha256:[0-9a-f]{64}/, 'sha256:…')} ${q.status}`).join('; ')
  row('6a HTTP requests per read-back, anonymous', `${anon.afterAuth} (total ${anon.total})`, 'skopeo: ping + manifest + config (+ tags/list)', '—', '≤ 3 after auth', anon.afterAuth <= 3)
  row('6b HTTP requests per read-back, Basic auth', `${authed.afterAuth} after auth (total ${authed.total})`, '—', '—', '≤ 3 after auth', authed.afterAuth <= 3)
  notes.push(`Requests, anonymous: ${describe(anon)}.`, `Requests, Basic auth: ${describe(authed)}.`)

  // ---- 4 + 5
  const hwmMb = big.hwmKb / 1024
  row('4 peak RSS of the action process, 50 MB push', `${fx(hwmMb, 1)} MB`, `${fx(BIG_LAYERS * BIG_LAYER_BYTES / 2 ** 20, 0)} MB of layers pushed`, '—', '≤ 80 MB', hwmMb <= 80)
  const distFiles = listJs(path.join(repoRoot, 'dist'))
  const distBytes = distFiles.reduce((n, f) => n + statSync(f).size, 0)
  const distGz = distFiles.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0)
  row(
    '5a bundle size: dist/index.js / all of dist (both actions, chunks)',
    `${fx(bundle.length / 1024, 0)} KiB (gzip ${fx(gz / 1024, 0)}) / ${fx(distBytes / 1024, 0)} KiB (gzip ${fx(distGz / 1024, 0)})`,
    '—',
    '—',
    'report',
    undefined
  )
  row('5b cold start: spawn → first log line', ms(loadFirst), `${ms(nodeFirst)} node24 -e console.log`, fx(loadFirst / nodeFirst), 'report', undefined)
  row('5c … in a real run (first line of a tiny build)', ms(tiny.phases.firstLine), `${ms(nodeFirst)} node24 -e console.log`, fx(tiny.phases.firstLine / nodeFirst), 'report', undefined)
  row(
    "5d loading the GitHub room (Octokit), only with 'pull-request' or 'comment'",
    `+${ms(githubFirst - nodeFirst)} (${fx(githubChunkBytes / 1024, 0)} KiB chunk)`,
    `${ms(nodeFirst)} node24 -e console.log`,
    fx(githubFirst / nodeFirst),
    'report',
    undefined
  )

  const t = tiny.phases
  notes.push(
    `Tiny image, action phases (median ms since spawn/length): first log line ${ms(t.firstLine)}, docker build starts ${ms(t.beforeBuild)}, ` +
      `build ${ms(t.build)}, push ${ms(t.push)}, read-back ${ms(t.readBack)}, summary+outputs+exit ${ms(t.tail)}.`,
    `50 MB image, action phases: first log line ${ms(big.phases.firstLine)}, docker build starts ${ms(big.phases.beforeBuild)}, build ${ms(big.phases.build)}, ` +
      `push ${ms(big.phases.push)}, read-back ${ms(big.phases.readBack)}, summary+outputs+exit ${ms(big.phases.tail)}.`,
    `Load average at start ${loadStart}, at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other jobs share this machine; ratios are what to compare).`,
    `Fairness: before every timed run (both sides) the registry's storage is deleted, so each push uploads every layer ` +
      `(checked: docker printed ${BIG_LAYERS}× "Pushed" and no "Layer already exists" in every 50 MB run); one untimed warm-up run per ` +
      `side fills docker's build cache first, so both sides rebuild from cache. The bare script builds without labels.`
  )

  // ---- 7–9 and 3: buildx builders, registry cache (bench/buildx.mjs); resolve and merge (bench/registry.mjs)
  for (const s of SECTIONS) await s.rows(ctx)
  return report(machine, started)
}

async function report(machine, started) {
  const elapsed = ((Date.now() - started) / 1000).toFixed(0)
  const md = render(machine, elapsed)
  process.stdout.write(md)
  if (WRITE) {
    await mkdir(path.dirname(OUT), { recursive: true })
    await writeFile(OUT, md + (await keptHistory(OUT)))
    log(`wrote ${path.relative(process.cwd(), OUT)} (${elapsed} s)`)
  }
  return rows.every((r) => r.pass !== false)
}

function render(machine, elapsed) {
  const cell = (s) => String(s).replace(/\|/g, '\\|')
  const lines = [
    '# Benchmark results',
    '',
    `Machine: ${machine}.`,
    '',
    `Conditions: every client (the actions, docker, buildx/BuildKit, crane, regctl, skopeo) reaches the registry through the ` +
      `bench's delay proxy on loopback (bench/proxy.mjs), which holds each request for a fixed time before forwarding it: 0 ms for ` +
      `the build rows, ${REGISTRY_DELAYS} ms for the resolve and merge rows (targets checked at 20 ms). The machine is shared with ` +
      `other jobs and was loaded during this run (load average ${loadAtStart} at the start, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} ` +
      `at the end, on ${os.cpus().length} cores): absolute times are inflated and noisy; the ratios, from sides run interleaved in the same rounds, are what to compare.`,
    '',
    `Rounds: ${[...(ONLY ? [] : [`tiny ${ROUNDS_TINY}, 50 MB ${ROUNDS_BIG}, cold-process comparisons ${ROUNDS_COLD}`]), ...SECTIONS.filter((s) => !ONLY || s.runs(ONLY)).map((s) => s.rounds)].join(', ')}; ` +
      `interleaved (order flipped every round), medians. Whole run: ${elapsed} s. Regenerate with \`npm run bench\`.`,
    '',
    '| what | ours | reference | ratio | target | result |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${[r.what, r.ours, r.reference, r.ratio, r.target, r.pass === undefined ? 'info' : r.pass ? 'pass' : '**FAIL**'].map(cell).join(' | ')} |`),
    '',
    '## Notes',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    '## Where the time goes',
    '',
    ...closingNote(summaryNumbers),
    ''
  ]
  return lines.join('\n')
}

/** The closing note: for every missed target, where the time goes, from this run's own measurements. */
function closingNote(n) {
  const out = []
  if (n.tiny) {
    const fixed = n.tiny.loadMs + n.readBackInProcess + n.tiny.phases.tail
    out.push(
      `- **End to end.** Our paired overhead is ${signed(n.tiny.overheadMs)} on the tiny image and ${signed(n.big.overheadMs)} on the 50 MB one` +
        (Math.abs(n.big.overheadMs - n.tiny.overheadMs) <= Math.max(150, 0.5 * n.tiny.overheadMs)
          ? ': about the same fixed cost, not something that grows with the image (the action never downloads layers).'
          : '.') +
        ` On the tiny image its known parts are the Node 24 process itself (${ms(n.tiny.nodeMs)} for an empty \`node -e\` in the ` +
        `same rounds), loading the bundle and checking inputs (${ms(n.tiny.loadMs - n.tiny.nodeMs)}), the read-back (${ms(n.readBackInProcess)} in-process: GET manifest ` +
        `by digest beside HEAD tag, then GET config) and writing outputs and the summary and exiting (${ms(n.tiny.phases.tail)}): ` +
        `${ms(fixed)} together. ` +
        (n.tiny.overheadMs - fixed >= 0
          ? `The remaining ${ms(n.tiny.overheadMs - fixed)} is contention: on 2 shared cores our Node process competes with ` +
            `the docker CLI processes and dockerd for CPU.`
          : `The parts add up to more than the paired overhead (by ${ms(fixed - n.tiny.overheadMs)}): ` +
            `within this machine's noise, and docker's own start overlaps ours.`) +
        (n.big.oursMs / n.big.bareMs > 1.05
          ? ` 1.05 on the 50 MB image allows ${ms(n.big.bareMs * 0.05)} over the bare script in this run` +
            (n.big.bareMs * 0.05 < n.big.nodeMs
              ? `, less than Node's own start (${ms(n.big.nodeMs)}): no Node action can meet it on this machine`
              : '') +
            '; what was ours to remove is removed (below).'
          : '')
    )
  }
  if (n.rbO !== undefined && n.rbO / n.rbS > 0.8) {
    out.push(
      `- **Read-back vs skopeo.** A cold Node 24 process that does nothing takes ${ms(n.rbN)}, ${fx(n.rbN / n.rbS)}× skopeo's whole ` +
        `inspect (${ms(n.rbS)}: a static Go binary starts in a few ms); 0.8× skopeo is below Node's own floor. Our read-back costs ` +
        `${ms(n.rbO - n.rbN)} over that floor (bundle load and the same three requests skopeo makes).`
    )
  }
  out.push(
    '- **Merge requests**: per source named by tag a HEAD of the tag, a GET by the digest it names (hashed) and a GET of its ' +
      'config (its platform and the labels the commit check needs), all sources side by side; one PUT of the index per tag (a PUT ' +
      'by tag stores it under its digest too), side by side; the read-back GETs the index by digest (hashed: what the registry ' +
      'stored) beside one HEAD per tag. With the /v2/ ping that is 3 × sources + 2 × tags + 1. The target of sources + 4 is below ' +
      'what the one digest rule (src/registry/confirm.ts, issue 17) allows: a digest learned by tag is reported only once the registry ' +
      'confirms it by digest, so a source named by tag costs two manifest requests before its config; one named by digest (the ' +
      'build action\'s `digest` output) costs one.',
    '- **Resolve**: 32 requests in flight by default (was 16); each wave of concurrent HEADs is one round trip. Every reference ' +
      'costs a HEAD by tag and a HEAD by digest (the one digest rule), so 50 references are 100 requests and the ping.',
    '- **Build action, legacy builder**: no `docker buildx inspect` process when no docker-buildx plugin is where the docker CLI looks ' +
      'for plugins (it could only answer that buildx is not a docker command). What remains beyond the bare build + push is Node 24\'s ' +
      'start, loading the bundle, the read-back (after the push: the manifest GET by docker\'s digest beside the HEAD of the tag, then ' +
      'the config GET) and the process exit; on buildx also `buildx inspect` (the plugin run directly), which the plan needs for ' +
      'the builder\'s driver and platform.',
    '- **Removed** (separate commits, before/after in each message): undici\'s index (it loads fetch, WebSocket, caches, ' +
      'mocks and proxy agents: the transport imports Agent, the request API and RetryHandler from their own modules, ' +
      '~90 ms and ~14 MB less at start); the second undici that @actions/core pulls in through @actions/http-client for ' +
      'getIDToken (declared side-effect free, and core.notice/warning named statically so tree-shaking can drop it); ESM ' +
      'imports of node built-ins (node:http\'s ESM facade loads Node\'s internal undici); the `docker version` call before ' +
      'every build (now only before a step login and to explain a failed build: −108 ms per run on 2 cores); the registry ' +
      'layer and deploy-file pinning (yaml, glob) load only when needed (code splitting); undici closing its connection after ' +
      'every HEAD (a new TCP, and on a real registry TLS, handshake per HEAD: 100 connections for a 50-reference resolve, now ' +
      '20–50); a token request per waiting request of one scope (one per scope now); the registry layer loading before docker ' +
      'started (it held up the build\'s start by ~60 ms: it loads once the build prints, and the /v2/ ping and undici\'s first ' +
      'connection run during the build, no longer between build and push); the read-back\'s HEAD of the tag before the GET by ' +
      'docker\'s digest (now side by side: one round trip less).',
    '- **Left, and ours:** undici itself for the read-back (the brief and issue 3 ask for undici and its RetryHandler). A ' +
      'node:http transport with the same retry policy was measured in an earlier session: ~150–200 ms and ~15–20 MB less per ' +
      'run. **Left, not ours:** Node 24\'s own start (an empty `node -e`), and its teardown after a push: undici parses ' +
      'responses with llhttp compiled to WebAssembly, V8 starts optimising it in the background once a second response is ' +
      'parsed, and the process exit waits for that compile (~90 ms after the `exit` event, against ~10 ms for an empty ' +
      'process; `node --liftoff-only` removes the wait and ~10 MB of peak RSS, but an action cannot pass node flags, and ' +
      'V8 ignores flags set after start). On a token registry the ping and the token request both run during the build, ' +
      'which hands V8 its second response early (a stand-alone undici client that parsed two responses 150 ms before ' +
      'exiting waited ~20 ms, against ~100 ms right after); on an anonymous or Basic-auth registry (this bench) only the ' +
      'ping does.'
  )
  return out
}

let ok = false
try {
  ok = await main()
} catch (error) {
  console.error(`[bench] failed: ${error.stack ?? error}`)
  process.exitCode = 2
} finally {
  await cleanupAll()
}
if (process.exitCode === undefined && !ok) process.exitCode = 1
