/**
 * Thin wrappers over the docker CLI for tests that need images in a registry without going through
 * the action (argv arrays, bounded in time, output attached to every failure).
 */
import { request } from 'node:http'
import { run, runOk } from './proc'

const cfg = (configDir?: string): string[] => (configDir ? ['--config', configDir] : [])

/** `docker build -t tag [--label k=v…] contextDir` (legacy builder); returns the image id. */
export async function dockerBuild(
  contextDir: string,
  tag: string,
  opts: { configDir?: string; labels?: Record<string, string>; dockerfile?: string } = {}
): Promise<string> {
  const labels = Object.entries(opts.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`])
  const file = opts.dockerfile ? ['-f', opts.dockerfile] : []
  await runOk('docker', [...cfg(opts.configDir), 'build', '-q', '-t', tag, ...labels, ...file, contextDir], {
    timeoutMs: 120_000,
    env: { ...process.env, DOCKER_BUILDKIT: '0' }
  })
  const { stdout } = await runOk('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { timeoutMs: 30_000 })
  return stdout.trim()
}

/** `docker push ref`; returns the digest docker printed (`…: digest: sha256:… size: N`). */
export async function dockerPush(ref: string, opts: { configDir?: string } = {}): Promise<string> {
  const { stdout, stderr } = await runOk('docker', [...cfg(opts.configDir), 'push', ref], { timeoutMs: 120_000 })
  const m = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)
  if (!m?.[1]) throw new Error(`docker push ${ref} printed no digest\nstdout:\n${stdout}\nstderr:\n${stderr}`)
  return m[1]
}

/**
 * Untags images by reference, ignoring ones that are already gone. Never --force: a forced removal can delete an
 * image (and its cached parent layers) that another test file is building on at the same moment.
 */
export async function dockerRmi(refs: string[]): Promise<void> {
  if (refs.length === 0) return
  await run('docker', ['rmi', ...refs], { timeoutMs: 60_000 })
}

/** The image store of the engine in front of the tests (DOCKER_HOST): what its image IDs are. */
export type EngineStore = 'classic' | 'containerd'

let storeAsked: Promise<EngineStore> | undefined

/**
 * Asks the engine which store it keeps images in (`docker info`): the containerd store lists
 * `driver-type io.containerd.snapshotter.v1` in DriverStatus; graph drivers (overlay2 …) are the classic store.
 */
export function engineStore(): Promise<EngineStore> {
  storeAsked ??= runOk('docker', ['info', '--format', '{{json .DriverStatus}}'], { timeoutMs: 30_000 }).then(({ stdout }) =>
    stdout.includes('io.containerd.snapshotter.v1') ? 'containerd' : 'classic'
  )
  return storeAsked
}

/**
 * The image ID the engine in front of the tests gives an image it built or pulled: the manifest (or index) digest on
 * the containerd store, the config digest on the classic store.
 */
export async function storeImageId(image: { digest: string; config: string }): Promise<string> {
  return (await engineStore()) === 'containerd' ? image.digest : image.config
}

/** `docker image inspect --format {{.Id}} ref`: the engine's own image ID. */
export async function engineImageId(ref: string): Promise<string> {
  return (await runOk('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 30_000 })).stdout.trim()
}

/** The engine's socket: DOCKER_HOST (unix://…) or the default one. */
function engineSocket(): string {
  const host = process.env.DOCKER_HOST
  if (host && !host.startsWith('unix://')) throw new Error(`DOCKER_HOST ${host}: the e2e support talks to the engine over a unix socket only`)
  return host ? host.slice('unix://'.length) : '/var/run/docker.sock'
}

/**
 * What the engine holds under `ref` for one platform: its architecture and repo digests. The classic store keeps the
 * one platform it pulled, so `docker image inspect` shows it; the containerd store keeps the whole index and shows
 * the host's platform unless asked (the engine API's `platform` parameter, API 1.49; the docker CLI of Debian's
 * engine has no --platform for inspect).
 */
export async function inspectPlatform(ref: string, platform: { os: string; architecture: string }): Promise<{ architecture: string; repoDigests: string[] }> {
  if ((await engineStore()) === 'classic') {
    const { stdout } = await runOk('docker', ['image', 'inspect', '--format', '{{json .}}', ref], { timeoutMs: 30_000 })
    const image = JSON.parse(stdout) as { Architecture: string; RepoDigests: string[] | null }
    return { architecture: image.Architecture, repoDigests: image.RepoDigests ?? [] }
  }
  const query = new URLSearchParams({ platform: JSON.stringify(platform) })
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: engineSocket(), path: `/v1.49/images/${encodeURIComponent(ref)}/json?${query}`, timeout: 30_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (text += d))
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`engine API: image inspect ${ref}: HTTP ${res.statusCode}: ${text}`))))
    })
    req.on('timeout', () => req.destroy(new Error(`engine API: image inspect ${ref} timed out`)))
    req.on('error', reject)
    req.end()
  })
  const image = JSON.parse(body) as { Architecture: string; RepoDigests: string[] | null }
  return { architecture: image.Architecture, repoDigests: image.RepoDigests ?? [] }
}
