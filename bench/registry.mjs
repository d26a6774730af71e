// Registry rows of `npm run bench`: resolve (row 3) and merge (row 9) against their peers, at several round-trip
// times. Every client, ours and the peers', talks to the registry through the delay proxy (bench/proxy.mjs), which
// holds each request for the same fixed time; its counter gives every side's request count. The checks of what each
// side wrote read the registry directly (not delayed, not counted).
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fx, heldManifest, inputDefaults, interleaved, makeWorkspace, median, ms, pushSynthetic, repoRoot, runAction, tempDir, timed } from './lib.mjs'
import { regctlFor, tool } from './tools.mjs'

const ROUNDS_RESOLVE = Number(process.env.BENCH_ROUNDS_RESOLVE) || 3
const ROUNDS_MERGE = Number(process.env.BENCH_ROUNDS_MERGE) || 5
/** Round-trip times the registry rows run at (ms added to every request); targets are checked at TARGET_DELAY. */
const DELAYS = (process.env.BENCH_DELAYS ?? '0,20,50').split(',').map(Number)
const TARGET_DELAY = 20
export const REGISTRY_DELAYS = DELAYS.join(' / ')
export const REGISTRY_ROUNDS = `resolve ${ROUNDS_RESOLVE}, merge ${ROUNDS_MERGE} (each at ${DELAYS.join(' / ')} ms per request)`
const RESOLVE_ACTION = path.resolve(process.env.BENCH_RESOLVE_ENTRY || path.join(repoRoot, 'dist/resolve/index.js'))
const MERGE_ACTION = path.join(repoRoot, 'dist/merge/index.js')

/** Runs one side and counts the requests it sent through the proxy; a failure is a result, not an exception. */
async function counted(proxy, fn) {
  proxy.reset()
  try {
    const r = await fn()
    return { ...r, requests: proxy.count() }
  } catch (e) {
    return { failed: String(e.message).split('\n')[0].slice(0, 200) }
  }
}

const firstLine = (r) => (r.stderr || r.stdout).trim().split('\n').pop()

/**
 * One row per delay: ours beside each peer, ratios side by side. `sides` = [{ name, fn }] with ours first; `target`
 * (ratios of ours to each peer at TARGET_DELAY) → pass/fail, undefined at other delays (reported only).
 */
function sideBySide({ row, what, results, sides, delay, ratioText, targetText, pass }) {
  const failed = results.map((rs, i) => ({ name: sides[i].name, f: rs.find((r) => r.failed) })).filter((x) => x.f)
  if (failed.length) {
    row(what, failed.map((x) => `${x.name}: failed (${x.f.failed})`).join('; '), '—', '—', targetText, delay === TARGET_DELAY ? false : undefined)
    return
  }
  const med = results.map((rs) => median(rs.map((r) => r.wallMs)))
  const reqs = results.map((rs) => rs[rs.length - 1].requests)
  const ratios = sides.slice(1).map((_, j) => median(results[0].map((r, k) => r.wallMs / results[j + 1][k].wallMs)))
  const reference = sides
    .slice(1)
    .map((s, j) => `${s.name} ${ms(med[j + 1])} (${reqs[j + 1]} req)`)
    .join(' / ')
  row(what, `${ms(med[0])} (${reqs[0]} req)`, reference, ratios.map(ratioText).join(' / '), targetText, delay === TARGET_DELAY ? pass(ratios, reqs[0]) : undefined)
}

// ---------------------------------------------------------------- 3: resolve 50 references
async function resolveRows({ reg, raw, proxy, row, log, notes }) {
  if (!existsSync(RESOLVE_ACTION)) {
    row('3 resolve 50 refs (10 repos × 5 tags)', 'not available', 'no dist/resolve/index.js', '—', '≥ 10× faster', false)
    return
  }
  const crane = await tool('crane')
  const regctl = await regctlFor([reg.host])
  const refs = []
  const digests = []
  proxy.delayMs = 0
  for (let r = 0; r < 10; r++) {
    for (let k = 0; k < 5; k++) {
      refs.push(`${reg.host}/bench-resolve-${r}:t${k}`)
      digests.push(await pushSynthetic(raw, `bench-resolve-${r}`, `t${k}`, `${r}-${k}-${randomBytes(4).toString('hex')}`))
    }
  }
  const ws = await makeWorkspace('resolve', { 'README.md': 'resolve bench\n' })
  const runDir = await tempDir('run-resolve')
  const loop = path.join(runDir, 'loop.sh')
  // one process per reference, as a workflow step that loops over a tool does
  await writeFile(loop, '#!/usr/bin/env bash\nset -euo pipefail\ntool=$1; shift\ncase $tool in\n  crane) for ref; do "$CRANE" digest --insecure "$ref"; done ;;\n  regctl) for ref; do "$REGCTL" image digest "$ref"; done ;;\nesac\n')
  const defaults = await inputDefaults(path.join(repoRoot, 'resolve/action.yml'))
  const sameDigests = (out, who) => {
    const got = out.trim().split('\n')
    if (got.join() !== digests.join()) throw new Error(`${who} printed other digests than the registry holds`)
  }
  const sides = [
    {
      name: 'ours',
      fn: async () => {
        const r = await runAction(RESOLVE_ACTION, ws, { ...defaults, images: refs.join('\n') }, runDir)
        if (r.code !== 0) throw new Error(`resolve action failed: ${r.stdout.split('\n').find((l) => l.startsWith('::error')) ?? firstLine(r)}`)
        const got = `${r.outputs.digests ?? ''}\n${r.outputs.pinned ?? ''}`
        const missing = digests.filter((d) => !got.includes(d))
        if (missing.length) throw new Error(`outputs lack ${missing.length} of 50 digests`)
        return r
      }
    },
    {
      name: 'crane digest loop',
      fn: async () => {
        if (crane.unavailable) throw new Error(crane.unavailable)
        const r = await timed('bash', [loop, 'crane', ...refs], { env: { ...process.env, CRANE: crane.path }, rssEveryMs: 0 })
        if (r.code !== 0) throw new Error(firstLine(r))
        sameDigests(r.stdout, 'crane')
        return r
      }
    },
    {
      name: 'regctl image digest loop',
      fn: async () => {
        if (regctl.unavailable) throw new Error(regctl.unavailable)
        const r = await timed('bash', [loop, 'regctl', ...refs], { env: { ...regctl.env, REGCTL: regctl.path }, rssEveryMs: 0 })
        if (r.code !== 0) throw new Error(firstLine(r))
        sameDigests(r.stdout, 'regctl')
        return r
      }
    }
  ]
  for (const delay of DELAYS) {
    proxy.delayMs = delay
    log(`resolve 50 references at ${delay} ms per request: ${ROUNDS_RESOLVE} interleaved rounds (ours, crane loop, regctl loop)`)
    const results = await interleaved(
      ROUNDS_RESOLVE,
      sides.map((s) => () => counted(proxy, s.fn))
    )
    sideBySide({
      row,
      what: `3 resolve 50 refs (10 repos × 5 tags) at ${delay} ms: ours vs crane / regctl loops`,
      results,
      sides,
      delay,
      ratioText: (x) => `${fx(1 / x, 1)}× faster`,
      targetText: `≥ 10× faster at ${TARGET_DELAY} ms`,
      pass: (ratios) => ratios.every((x) => 1 / x >= 10)
    })
  }
  proxy.delayMs = 0
  notes.push(
    'Row 3: 10 repositories × 5 tags of small single-platform images; ours is the resolve action (one Node process, its default concurrency), ' +
      'the peers are a bash loop running `crane digest` / `regctl image digest` once per reference (as a workflow step looping over a tool would). ' +
      'Every side resolves the same 50 references through the delay proxy; each side\'s printed digests are checked against the registry.'
  )
}

// ---------------------------------------------------------------- 9: merge
const MERGE_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64']

async function mergeRow({ reg, raw, proxy, cfg, row, log }, n) {
  const repo = `bench-merge-${n}`
  const ws = await makeWorkspace(`merge-${n}`, { 'README.md': 'merge\n' })
  const sources = []
  for (const platform of MERGE_PLATFORMS.slice(0, n)) {
    const tag = `src-${platform.replace(/\//g, '-')}`
    await pushSynthetic(raw, repo, tag, `${platform}-${randomBytes(4).toString('hex')}`, {}, { platform, labels: { 'git-commit': ws.sha, 'build-number': '42' } })
    sources.push(tag)
  }
  const refs = sources.map((t) => `${reg.host}/${repo}:${t}`)
  const runDir = await tempDir(`merge-${n}`)
  const crane = await tool('crane')
  const regctl = await regctlFor([reg.host])
  const defaults = await inputDefaults(path.join(repoRoot, 'merge/action.yml'))
  const indexOf = async (tag, who) => {
    const h = await heldManifest(raw, repo, tag)
    if (h.json.manifests?.length !== n) throw new Error(`${who} made an index of ${h.json.manifests?.length} manifests, expected ${n}`)
    return h
  }
  const ok = (r, what) => {
    if (r.code !== 0) throw new Error(`${what}: ${firstLine(r)}`)
    return r
  }
  const sides = [
    {
      name: 'ours',
      fn: async () => {
        if (!existsSync(MERGE_ACTION)) throw new Error('no dist/merge/index.js')
        const r = await runAction(MERGE_ACTION, ws, { ...defaults, image: `${reg.host}/${repo}`, sources: sources.join('\n'), tags: 'merged-ours' }, runDir)
        if (r.code !== 0) throw new Error(r.stdout.split('\n').find((l) => l.startsWith('::error')) ?? firstLine(r))
        const h = await indexOf('merged-ours', 'ours')
        if (r.outputs.digest !== h.digest) throw new Error(`output ${r.outputs.digest}, the registry holds ${h.digest}`)
        return r
      }
    },
    {
      name: 'imagetools create + inspect',
      fn: async () => {
        if (cfg.unavailable) throw new Error(cfg.unavailable)
        const ref = `${reg.host}/${repo}:merged-imagetools`
        const create = ok(await cfg.buildx('imagetools', 'create', '-t', ref, ...refs), 'imagetools create')
        const inspect = ok(await cfg.buildx('imagetools', 'inspect', ref), 'imagetools inspect')
        await indexOf('merged-imagetools', 'imagetools')
        return { wallMs: create.wallMs + inspect.wallMs }
      }
    },
    {
      name: 'regctl index create',
      fn: async () => {
        if (regctl.unavailable) throw new Error(regctl.unavailable)
        const r = ok(await regctl.run('index', 'create', `${reg.host}/${repo}:merged-regctl`, ...refs.flatMap((x) => ['--ref', x])), 'regctl index create')
        await indexOf('merged-regctl', 'regctl')
        return r
      }
    },
    {
      name: 'crane index append',
      fn: async () => {
        if (crane.unavailable) throw new Error(crane.unavailable)
        const r = ok(
          await timed(crane.path, ['index', 'append', '--insecure', '-t', `${reg.host}/${repo}:merged-crane`, ...refs.flatMap((x) => ['-m', x])], { rssEveryMs: 0 }),
          'crane index append'
        )
        await indexOf('merged-crane', 'crane')
        return r
      }
    }
  ]
  const floor = n + 4
  for (const delay of DELAYS) {
    proxy.delayMs = delay
    log(`merge of ${n} platform images at ${delay} ms per request: ${ROUNDS_MERGE} interleaved rounds`)
    const results = await interleaved(
      ROUNDS_MERGE,
      sides.map((s) => () => counted(proxy, s.fn))
    )
    sideBySide({
      row,
      what: `9 merge ${n} platform images at ${delay} ms: ours vs imagetools / regctl / crane`,
      results,
      sides,
      delay,
      ratioText: (x) => fx(x),
      targetText: `at ${TARGET_DELAY} ms ≤ 0.50 / 1.00 / 1.00, ≤ ${floor} requests`,
      pass: ([it, rc, cr], requests) => it <= 0.5 && rc <= 1 && cr <= 1 && requests <= floor
    })
  }
  proxy.delayMs = 0
}

async function mergeRows(ctx) {
  await mergeRow(ctx, 2)
  await mergeRow(ctx, 8)
  ctx.notes.push(
    'Row 9: sources are single-platform images pushed straight to the registry (labelled git-commit/build-number), one tag each, ' +
      'in the repository the index goes to; every side writes one tag. Ours reads each source (a HEAD of its tag, its manifest by ' +
      'the digest named, hashed, and its config, hashed: the config carries the platform and the labels the commit check needs), then ' +
      'PUTs the index under the tag and reads it back (GET by digest, hashed, beside a HEAD of the tag). imagetools create + inspect is two buildx processes; ' +
      'regctl and crane one process each. Request counts are what each side sent through the proxy (pings and token requests included).'
  )
}

/** Rows 3 and 9. ctx: { reg (behind the proxy), raw (the registry itself), proxy, cfg (buildxConfig), row, log, notes, only }. */
export async function registryRows(ctx) {
  if (ctx.only !== 'merge') await resolveRows(ctx)
  if (ctx.only !== 'resolve') await mergeRows(ctx)
}
