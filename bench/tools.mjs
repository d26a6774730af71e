// The peers and builders the bench runs, from the project's own tool cache (.cache/tools, built by
// scripts/ensure-tools.sh at the versions in scripts/tools.versions): buildx (a bench-private DOCKER_CONFIG with the
// plugin linked into its cli-plugins), a standalone buildkitd, crane and regctl. A tool that cannot be had is
// reported as unavailable with the reason, never a crash.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { freePort, onCleanup, repoRoot, tempDir, timed } from './lib.mjs'

const bins = new Map()

/** The bin dir of a tool named as in scripts/tools.versions (built on first use); throws with the script's words. */
export async function toolBin(name) {
  if (!bins.has(name)) {
    bins.set(
      name,
      (async () => {
        const r = await timed('bash', [path.join(repoRoot, 'scripts/ensure-tools.sh'), '--bin', name], { rssEveryMs: 0, timeoutMs: 1_800_000 })
        const dir = r.stdout.trim().split('\n').pop()
        if (r.code !== 0 || !dir || !existsSync(dir)) throw new Error(`scripts/ensure-tools.sh --bin ${name} failed: ${r.stderr.trim().split('\n').pop()}`)
        return dir
      })()
    )
  }
  return bins.get(name)
}

/** `{ path }` of a tool's binary, or `{ unavailable }` with the reason. */
export async function tool(name, binary = name) {
  try {
    return { path: path.join(await toolBin(name), binary) }
  } catch (e) {
    return { unavailable: e.message }
  }
}

/**
 * A bench-private docker config with today's buildx linked in: `buildx(...args)` runs `docker buildx` with it.
 * `{ unavailable }` when buildx cannot be had.
 */
export async function buildxConfig() {
  const bx = await tool('buildx', 'docker-buildx')
  if (bx.unavailable) return bx
  const dir = await tempDir('buildx-config')
  await mkdir(path.join(dir, 'cli-plugins'))
  await symlink(bx.path, path.join(dir, 'cli-plugins', 'docker-buildx'))
  await writeFile(path.join(dir, 'config.json'), '{}\n')
  const buildx = (...args) => timed('docker', ['buildx', ...args], { env: { ...process.env, DOCKER_CONFIG: dir }, rssEveryMs: 0 })
  return { dir, buildx, version: (await buildx('version')).stdout.trim() }
}

/** A standalone buildkitd (OCI worker) with a fresh state on a free loopback port; `{ addr, stop() }`. */
export async function startBuildkitd() {
  const bin = await toolBin('buildkit')
  const state = await tempDir('buildkitd')
  for (let attempt = 1; ; attempt++) {
    const addr = `tcp://127.0.0.1:${await freePort()}`
    const child = spawn(path.join(bin, 'buildkitd'), ['--addr', addr, '--root', path.join(state, 'root'), '--oci-worker=true', '--containerd-worker=false'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true
    })
    let log = ''
    child.stderr.on('data', (c) => (log = (log + c).slice(-8000)))
    let stopped = false
    const stop = async () => {
      if (stopped || child.exitCode !== null) return
      stopped = true
      const gone = new Promise((r) => child.once('exit', r))
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        return
      }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))])
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
    for (let i = 0; i < 300 && child.exitCode === null; i++) {
      const r = await timed(path.join(bin, 'buildctl'), ['--addr', addr, 'debug', 'workers'], { rssEveryMs: 0, timeoutMs: 10_000 })
      if (r.code === 0) {
        onCleanup(stop)
        return { addr, stop }
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    await stop()
    if (attempt >= 3 || !/address already in use/.test(log)) throw new Error(`buildkitd did not start:\n${log}`)
  }
}

/** `docker buildx create --driver remote` for a buildkitd in cfg; returns the builder's name. */
export async function remoteBuilder(cfg, addr) {
  const name = `bench-${Math.random().toString(16).slice(2, 8)}`
  const r = await cfg.buildx('create', '--name', name, '--driver', 'remote', addr)
  if (r.code !== 0) throw new Error(`buildx create failed: ${r.stderr}`)
  return name
}

/** A regctl with its own config dir in which `hosts` are plain-http registries; `regctl(...args)`. */
export async function regctlFor(hosts) {
  const r = await tool('regctl')
  if (r.unavailable) return r
  const home = await tempDir('regctl')
  const env = { PATH: process.env.PATH, HOME: home }
  const run = (...args) => timed(r.path, args, { env, rssEveryMs: 0 })
  for (const host of hosts) {
    const set = await run('registry', 'set', host, '--tls', 'disabled')
    if (set.code !== 0) return { unavailable: `regctl registry set failed: ${set.stderr.trim()}` }
  }
  return { path: r.path, env, run }
}
