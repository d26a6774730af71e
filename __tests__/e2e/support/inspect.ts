/**
 * Independent views of what a registry holds — skopeo, and plain HTTP against the registry API —
 * so e2e tests never check the action with the action's own code.
 */
import { createHash } from 'node:crypto'
import { request } from './http'
import { makeTempDir, removeDir, runOk } from './proc'
import { toolPath } from './tools'
import type { TestRegistry } from './registry'
import { SUPPORT_REQUEST_HEADER } from './token-issuer'

export interface Creds {
  username: string
  password: string
}

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

function skopeoAuth(creds?: Creds): string[] {
  return creds ? ['--creds', `${creds.username}:${creds.password}`] : ['--no-creds']
}

/** Same environment minus anything that would point skopeo at a user's auth files. */
function skopeoEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.REGISTRY_AUTH_FILE
  delete env.DOCKER_CONFIG
  return env
}

/** `skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://ref` (anonymous unless creds given). */
export async function skopeoDigest(ref: string, creds?: Creds): Promise<string> {
  const { stdout } = await runOk(
    'skopeo',
    ['inspect', '--tls-verify=false', '--no-tags', ...skopeoAuth(creds), '--format', '{{.Digest}}', `docker://${ref}`],
    { timeoutMs: 60_000, env: skopeoEnv() }
  )
  return stdout.trim()
}

/**
 * The image config JSON as stored in the registry (`skopeo inspect --config --raw`: the config blob
 * itself, e.g. `config.Labels`, `created`, `architecture`). For an index, skopeo picks the
 * linux/amd64 entry unless `platform` says otherwise.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function skopeoConfig(ref: string, creds?: Creds, platform?: { os?: string; architecture?: string }): Promise<any> {
  const override = [
    ...(platform?.os ? ['--override-os', platform.os] : []),
    ...(platform?.architecture ? ['--override-arch', platform.architecture] : [])
  ]
  const { stdout } = await runOk(
    'skopeo',
    [...override, 'inspect', '--tls-verify=false', ...skopeoAuth(creds), '--config', '--raw', `docker://${ref}`],
    { timeoutMs: 60_000, env: skopeoEnv() }
  )
  return JSON.parse(stdout) as unknown
}

function parseChallenge(h: string): { scheme: string; params: Record<string, string> } {
  const m = /^(\w+)\s*(.*)$/s.exec(h.trim())
  const params: Record<string, string> = {}
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g
  for (let p = re.exec(m?.[2] ?? ''); p; p = re.exec(m?.[2] ?? '')) {
    if (p[1]) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1')
  }
  return { scheme: (m?.[1] ?? '').toLowerCase(), params }
}

/**
 * An Authorization header value for `repo` with `actions` on this registry, independent of the action:
 * none for anonymous, Basic for htpasswd, and for token mode a token fetched from the registry's token
 * issuer with the registry's credentials (marked as a support request, so it stays out of
 * `tokenIssuer.requests`).
 */
export async function registryAuthHeader(reg: TestRegistry, repo: string, actions: string[] = ['pull']): Promise<string | undefined> {
  if (reg.mode === 'anonymous') return undefined
  if (reg.username === undefined || reg.password === undefined) throw new Error(`registry ${reg.host} has no credentials`)
  const basic = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`
  if (reg.mode === 'htpasswd') return basic
  // token mode: follow the registry's own challenge, so realm and service are what clients see
  const probe = await request(`${reg.url}/v2/`)
  const challenge = parseChallenge(probe.headers['www-authenticate'] ?? '')
  const realm = challenge.params.realm ?? reg.tokenIssuer?.realm
  if (challenge.scheme !== 'bearer' || !realm) throw new Error(`registry ${reg.host} sent no Bearer challenge (${probe.status})`)
  const u = new URL(realm)
  if (challenge.params.service) u.searchParams.set('service', challenge.params.service)
  u.searchParams.append('scope', `repository:${repo}:${actions.join(',')}`)
  const r = await request(u.toString(), { headers: { authorization: basic, [SUPPORT_REQUEST_HEADER]: '1' } })
  if (r.status !== 200) throw new Error(`token request to ${u.toString()} answered ${r.status}: ${r.body.toString('utf8')}`)
  const body = JSON.parse(r.body.toString('utf8')) as { token?: string; access_token?: string }
  const token = body.token ?? body.access_token
  if (!token) throw new Error(`token response had no token: ${r.body.toString('utf8')}`)
  return `Bearer ${token}`
}

/** GET /v2/<repo>/manifests/<ref> with every manifest type accepted; digest = sha256 of the body as received. */
export async function rawManifest(
  reg: TestRegistry,
  repo: string,
  ref: string
): Promise<{ status: number; headers: Record<string, string>; body: Buffer; digest: string }> {
  const authorization = await registryAuthHeader(reg, repo, ['pull'])
  const r = await request(`${reg.url}/v2/${repo}/manifests/${ref}`, {
    headers: { accept: MANIFEST_ACCEPT, ...(authorization ? { authorization } : {}) }
  })
  return { status: r.status, headers: r.headers, body: r.body, digest: sha256(r.body) }
}

/** The descriptor ({digest,size,mediaType}) of a manifest in the registry, e.g. to build an index with pushIndex. */
export async function manifestDescriptor(reg: TestRegistry, repo: string, ref: string): Promise<{ digest: string; size: number; mediaType: string }> {
  const m = await rawManifest(reg, repo, ref)
  if (m.status !== 200) throw new Error(`GET manifest ${repo}:${ref} answered ${m.status}: ${m.body.toString('utf8')}`)
  const mediaType = (JSON.parse(m.body.toString('utf8')) as { mediaType?: string }).mediaType ?? m.headers['content-type'] ?? ''
  return { digest: m.digest, size: m.body.length, mediaType }
}

/**
 * The other two independent readers (go-containerregistry's crane, regclient's regctl), built by
 * scripts/ensure-tools.sh. Each gets a private, empty home and config dir so no user login leaks in; credentials go
 * through the tool's own login into that private config (never on a command line that a test prints).
 */
async function privateToolEnv(): Promise<{ env: NodeJS.ProcessEnv; dir: string }> {
  const dir = await makeTempDir('reader')
  const env = skopeoEnv()
  env.HOME = dir
  env.DOCKER_CONFIG = dir
  return { env, dir }
}

/** `crane digest <ref>` (plain HTTP to loopback with --insecure). */
export async function craneDigest(ref: string, creds?: Creds): Promise<string> {
  const crane = await toolPath('crane')
  const { env, dir } = await privateToolEnv()
  try {
    if (creds) await runOk(crane, ['auth', 'login', '--insecure', ref.split('/')[0] ?? '', '-u', creds.username, '--password-stdin'], { env, input: creds.password, timeoutMs: 60_000 })
    return (await runOk(crane, ['digest', '--insecure', ref], { env, timeoutMs: 60_000 })).stdout.trim()
  } finally {
    await removeDir(dir)
  }
}

/** `regctl image digest <ref>` with the registry marked plain HTTP (`regctl registry set --tls disabled`). */
export async function regctlDigest(ref: string, creds?: Creds): Promise<string> {
  const regctl = await toolPath('regctl')
  const { env, dir } = await privateToolEnv()
  const host = ref.split('/')[0] ?? ''
  try {
    await runOk(regctl, ['registry', 'set', '--tls', 'disabled', host], { env, timeoutMs: 30_000 })
    if (creds) await runOk(regctl, ['registry', 'login', host, '-u', creds.username, '--pass-stdin'], { env, input: creds.password, timeoutMs: 60_000 })
    return (await runOk(regctl, ['image', 'digest', ref], { env, timeoutMs: 60_000 })).stdout.trim()
  } finally {
    await removeDir(dir)
  }
}

/** crane (≥ 0.22) refuses a token service on a loopback or private address, as the test registries' are. */
const CRANE_PRIVATE_REALM = /realm host "[^"]*" is a private or link-local address/

/**
 * The digest of `ref` as skopeo, crane and regctl each read it; throws unless they agree. Behind token auth crane is
 * left out (it will not fetch a token from a loopback realm: CRANE_PRIVATE_REALM), so two readers decide there.
 */
export async function independentDigest(ref: string, creds?: Creds): Promise<string> {
  const crane = craneDigest(ref, creds).catch((err: unknown) => {
    if (err instanceof Error && CRANE_PRIVATE_REALM.test(err.message)) return undefined
    throw err
  })
  const [s, c, r] = await Promise.all([skopeoDigest(ref, creds), crane, regctlDigest(ref, creds)])
  if (s !== r || (c !== undefined && s !== c)) throw new Error(`independent readers disagree on ${ref}: skopeo ${s}, crane ${c ?? '(token realm refused)'}, regctl ${r}`)
  return s
}
