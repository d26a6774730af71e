// The audit row of `npm run bench` (issue 20): the audit action over 300 deploy files holding 1,500 image references
// to 40 distinct images, in every format pinning knows (Kubernetes, kustomize, Helm values, Compose, workflows,
// Dockerfiles), against a local registry: wall time (median of the rounds), registry requests (the action's own
// count, from its log) and the process's peak RSS. Report-only: there is no peer that audits deploy files.
//
//   import { auditRows } from './audit.mjs'
//   for (const r of await auditRows({ rounds: 3 })) row(r.what, r.ours, r.reference, r.ratio, r.target, r.pass)
//
// or on its own: `node bench/audit.mjs` (BENCH_ROUNDS_AUDIT=3) prints the rows as JSON. Needs docker-registry and
// Node 24 in .cache/node24, like the rest of the bench, and dist/audit/index.js (npm run build).
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { assertFile, cleanupAll, makeWorkspace, median, ms, onCleanup, pushSynthetic, repoRoot, runAction, startRegistry, tempDir } from './lib.mjs'

const ENTRY = path.join(repoRoot, 'dist', 'audit', 'index.js')
const FILES = 300
const REFS_PER_FILE = 5
const REPOS = 8
const TAGS_PER_REPO = 5

/** One deploy file of format `i % 6` naming the five references given ({ name, tag, digest, pinned }). */
function deployFile(i, refs) {
  const full = (r) => `${r.name}:${r.tag}${r.pinned ? `@${r.digest}` : ''}`
  switch (i % 6) {
    case 0:
      return [`k8s/app-${i}.yaml`, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app-${i}\nspec:\n  containers:\n${refs.map((r, k) => `    - name: c${k} # container ${k}\n      image: "${full(r)}"\n`).join('')}`]
    case 1:
      return [
        `kustomize/k${i}/kustomization.yaml`,
        `resources: []\nimages:\n${refs.map((r, k) => `  - name: c${k}\n    newName: ${r.name}\n    newTag: ${r.tag}\n${r.pinned ? `    digest: ${r.digest}\n` : ''}`).join('')}`
      ]
    case 2:
      return [
        `charts/c${i}/values.yaml`,
        refs.map((r, k) => `c${k}:\n  image:\n    repository: ${r.name}\n    tag: "${r.pinned ? `${r.tag}@${r.digest}` : r.tag}"\n`).join('')
      ]
    case 3:
      return [`compose/c${i}/compose.yaml`, `x-base: &base\n  restart: always\nservices:\n${refs.map((r, k) => `  s${k}:\n    <<: *base\n    image: ${full(r)}\n`).join('')}`]
    case 4:
      return [
        `.github/workflows/w${i}.yml`,
        `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    container: ${full(refs[0])}\n    services:\n${refs
          .slice(1, 3)
          .map((r, k) => `      s${k}:\n        image: ${full(r)}\n`)
          .join('')}    steps:\n${refs
          .slice(3)
          .map((r) => `      - uses: docker://${full(r)}\n`)
          .join('')}`
      ]
    default:
      return [`docker/d${i}/Dockerfile`, refs.map((r, k) => `FROM ${full(r)} AS s${k}\nRUN true\n`).join('')]
  }
}

/** The audit rows: builds the registry and the files, runs the audit `rounds` times, checks its counts every time. */
export async function auditRows({ rounds = Number(process.env.BENCH_ROUNDS_AUDIT) || 3, log = (s) => process.stderr.write(`[bench] ${s}\n`) } = {}) {
  assertFile(ENTRY, 'dist/audit/index.js (npm run build)')
  const reg = await startRegistry()
  onCleanup(() => reg.stop())
  const sha = randomBytes(20).toString('hex')
  const images = []
  for (let r = 0; r < REPOS; r++) {
    for (let t = 0; t < TAGS_PER_REPO; t++) {
      const repo = `bench-audit-${r}`
      const digest = await pushSynthetic(reg, repo, `t${t}`, `${r}-${t}-${sha}`, {}, { labels: { 'git-commit': sha, 'build-number': String(100 + t) } })
      images.push({ name: `${reg.host}/${repo}`, tag: `t${t}`, digest })
    }
  }
  const ws = await makeWorkspace('audit', { 'README.md': 'audit bench\n' })
  let unpinned = 0
  for (let i = 0; i < FILES; i++) {
    // every fifth reference is a tag only; the rest are pinned to what their tag names
    const refs = Array.from({ length: REFS_PER_FILE }, (_, k) => {
      const n = i * REFS_PER_FILE + k
      const pinned = n % 5 !== 4
      if (!pinned) unpinned++
      return { ...images[(n * 7) % images.length], pinned }
    })
    const [rel, text] = deployFile(i, refs)
    await mkdir(path.dirname(path.join(ws.dir, rel)), { recursive: true })
    await writeFile(path.join(ws.dir, rel), text)
  }
  const total = FILES * REFS_PER_FILE
  const inputs = { files: 'k8s/*.yaml\nkustomize/**/kustomization.yaml\ncharts/**/values.yaml\ncompose/**/compose.yaml\n.github/workflows/*.yml\ndocker/**/Dockerfile', 'fail-on': 'none' }
  const runs = []
  log(`audit ${FILES} files, ${total} references, ${images.length} images: ${rounds} rounds`)
  for (let i = 0; i < rounds; i++) {
    const runDir = await tempDir('run-audit')
    const r = await runAction(ENTRY, ws, inputs, runDir)
    if (r.code !== 0) throw new Error(`audit failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`)
    const counts = { pinned: Number(r.outputs.pinned), unpinned: Number(r.outputs.unpinned) }
    if (counts.pinned !== total - unpinned || counts.unpinned !== unpinned) {
      throw new Error(`audit counted ${JSON.stringify(counts)}, expected ${total - unpinned} pinned and ${unpinned} unpinned`)
    }
    const requests = Number(/: (\d+) request\(s\)/.exec(r.stdout)?.[1])
    const registryMs = Number(/request\(s\), (\d+) ms/.exec(r.stdout)?.[1])
    runs.push({ wallMs: r.wallMs, hwmKb: r.hwmKb, requests, registryMs })
  }
  const wall = median(runs.map((x) => x.wallMs))
  const rss = Math.max(...runs.map((x) => x.hwmKb)) / 1024
  const requests = runs[0].requests
  return [
    {
      what: `audit ${FILES} files, ${total.toLocaleString('en')} refs, ${images.length} images (one step)`,
      ours: ms(wall),
      reference: `${requests} registry requests (${ms(median(runs.map((x) => x.registryMs)))} of registry reads), ${rss.toFixed(0)} MB peak RSS`,
      ratio: '—',
      target: '≤ 3 requests per image (manifest, config, tag HEAD)',
      pass: requests <= images.length * 3 + REPOS + 1,
      numbers: { wallMs: wall, registryMs: median(runs.map((x) => x.registryMs)), requests, peakRssMb: rss, runs }
    }
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(JSON.stringify(await auditRows(), null, 2))
  } finally {
    await cleanupAll()
  }
}
