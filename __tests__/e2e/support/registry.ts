/**
 * Starts a real registry as a child process, on a free loopback port, in a temp dir. Three implementations:
 *   distribution2 – Debian's CNCF distribution 2.8 (`docker-registry serve config.yml`), the default;
 *   distribution3 – CNCF distribution v3 (`registry serve config.yml`, built by scripts/ensure-tools.sh);
 *   ggcr          – go-containerregistry's registry (`crane registry serve --disk DIR`; anonymous only).
 * The distribution ones take one of three auth modes:
 *   anonymous – no auth;  htpasswd – Basic auth (bcrypt htpasswd file);
 *   token     – Bearer tokens from a TokenIssuer started alongside (see token-issuer.ts).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { request } from './http'
import { freePort, makeTempDir, removeDir, runOk, spawnWatched, stopChild, StopWaiting, waitFor } from './proc'
import { generateSigningCert, startTokenIssuer, type TokenIssuer } from './token-issuer'
import { toolPath, toolUnavailable } from './tools'

export type { TokenIssuer } from './token-issuer'

export type AuthMode = 'anonymous' | 'htpasswd' | 'token'
export type RegistryImpl = 'distribution2' | 'distribution3' | 'ggcr'
export const REGISTRY_IMPLS: readonly RegistryImpl[] = ['distribution2', 'distribution3', 'ggcr']

/** Which auth modes an implementation has (ggcr's registry has none). */
export function authModesOf(impl: RegistryImpl): readonly AuthMode[] {
  return impl === 'ggcr' ? ['anonymous'] : ['anonymous', 'htpasswd', 'token']
}

/** Why `impl` cannot run here (undefined: it can); decided synchronously, at collection. */
export function registryUnavailable(impl: RegistryImpl): string | undefined {
  if (impl === 'distribution2') return undefined
  return toolUnavailable(impl === 'distribution3' ? 'distribution' : 'crane')
}

/** How to start `impl` serving storageDir with configPath (distribution) on port. */
async function registryCommand(impl: RegistryImpl, configPath: string, storageDir: string, port: number): Promise<[string, string[]]> {
  if (impl === 'distribution2') return ['docker-registry', ['serve', configPath]]
  if (impl === 'distribution3') return [await toolPath('distribution', 'registry-v3'), ['serve', configPath]]
  return [await toolPath('crane'), ['registry', 'serve', '--address', `127.0.0.1:${port}`, '--disk', storageDir]]
}

export interface TestRegistry {
  /** '127.0.0.1:PORT' */
  host: string
  /** 'http://127.0.0.1:PORT' */
  url: string
  mode: AuthMode
  /** which registry implementation serves it */
  impl: RegistryImpl
  username?: string
  password?: string
  tokenIssuer?: TokenIssuer
  stop(): Promise<void>
}

/** What startRegistry actually returns: a TestRegistry plus a few diagnostics. */
export interface StartedRegistry extends TestRegistry {
  /** the temp dir holding config.yml (and htpasswd / token cert); removed by stop() */
  dir: string
  /** the storage root (inside dir unless opts.storageDir was given, which stop() keeps) */
  storageDir: string
  /** the tail (64 KiB) of the registry's own log (level warn) */
  logs(): string
}

export interface StartRegistryOptions {
  /** default 'distribution2' (Debian's docker-registry) */
  impl?: RegistryImpl
  auth?: AuthMode
  /** default 'ci-user' (htpasswd and token modes) */
  username?: string
  /** default: random */
  password?: string
  /** default: a dir inside the registry's temp dir (removed on stop); a given dir is kept */
  storageDir?: string
  /** token mode: anonymous callers get pull (default true) */
  anonymousPull?: boolean
  /** token mode: token lifetime in seconds (default 300) */
  tokenExpiresIn?: number
}

export const TOKEN_SERVICE = 'e2e-registry'
export const TOKEN_ISSUER = 'e2e-token-issuer'
export const HTPASSWD_REALM = 'e2e-registry'

function configYaml(o: { port: number; storageDir: string; auth: string }): string {
  const q = (s: string): string => JSON.stringify(s) // a JSON string is a valid YAML double-quoted scalar
  return `version: 0.1
log:
  level: warn
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${q(o.storageDir)}
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${q(`127.0.0.1:${o.port}`)}
  secret: ${q(randomBytes(16).toString('hex'))}
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: false
${o.auth}`
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<StartedRegistry> {
  const mode: AuthMode = opts.auth ?? 'anonymous'
  const impl: RegistryImpl = opts.impl ?? 'distribution2'
  if (!authModesOf(impl).includes(mode)) throw new Error(`the ${impl} registry has no ${mode} auth`)
  const dir = await makeTempDir('registry')
  let issuer: TokenIssuer | undefined
  try {
    const storageDir = opts.storageDir ?? join(dir, 'storage')
    await mkdir(storageDir, { recursive: true })
    const username = mode === 'anonymous' ? undefined : (opts.username ?? 'ci-user')
    const password = mode === 'anonymous' ? undefined : (opts.password ?? randomBytes(12).toString('base64url'))

    let auth = ''
    if (mode === 'htpasswd' && username !== undefined && password !== undefined) {
      const { stdout } = await runOk('htpasswd', ['-Bbn', username, password], { timeoutMs: 30_000 })
      const htpasswdPath = join(dir, 'htpasswd')
      await writeFile(htpasswdPath, `${stdout.trim()}\n`, { mode: 0o600 })
      auth = `auth:\n  htpasswd:\n    realm: ${JSON.stringify(HTPASSWD_REALM)}\n    path: ${JSON.stringify(htpasswdPath)}\n`
    } else if (mode === 'token' && username !== undefined && password !== undefined) {
      const cert = await generateSigningCert(dir, TOKEN_ISSUER)
      issuer = await startTokenIssuer({
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        keyPem: cert.keyPem,
        certPem: cert.certPem,
        users: { [username]: password },
        anonymousPull: opts.anonymousPull,
        expiresIn: opts.tokenExpiresIn
      })
      auth =
        `auth:\n  token:\n    realm: ${JSON.stringify(issuer.realm)}\n    service: ${JSON.stringify(TOKEN_SERVICE)}\n` +
        `    issuer: ${JSON.stringify(TOKEN_ISSUER)}\n    rootcertbundle: ${JSON.stringify(cert.certPath)}\n`
    }

    // The port is picked by binding 0 then released, so another process could grab it in between:
    // retry a few times when the registry reports the address in use.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      const configPath = join(dir, 'config.yml')
      await writeFile(configPath, configYaml({ port, storageDir, auth }))
      const env: NodeJS.ProcessEnv = {}
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('REGISTRY_')) env[k] = v
      const [command, args] = await registryCommand(impl, configPath, storageDir, port)
      const server = spawnWatched(command, args, { env })
      const { child } = server
      const url = `http://127.0.0.1:${port}`
      try {
        await waitFor(
          `the registry at ${url} to answer GET /v2/`,
          async () => {
            const exited = server.exited()
            if (exited) throw new StopWaiting(`${impl} registry ${exited}`)
            const r = await request(`${url}/v2/`, { timeoutMs: 2000 })
            return r.status === 200 || r.status === 401 ? true : undefined
          },
          { timeoutMs: 20_000, intervalMs: 50 }
        )
      } catch (err) {
        await stopChild(child, 2000)
        if (attempt < 4 && /address already in use/i.test(server.log())) continue
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nregistry log:\n${server.log()}`, { cause: err })
      }

      let stopped = false
      const reg: StartedRegistry = {
        host: `127.0.0.1:${port}`,
        url,
        mode,
        impl,
        dir,
        storageDir,
        logs: server.log,
        async stop() {
          if (stopped) return
          stopped = true
          await stopChild(child, 5000)
          await issuer?.stop()
          await removeDir(dir)
        }
      }
      if (username !== undefined) reg.username = username
      if (password !== undefined) reg.password = password
      if (issuer) reg.tokenIssuer = issuer
      return reg
    }
  } catch (err) {
    await issuer?.stop()
    await removeDir(dir)
    throw err
  }
}
