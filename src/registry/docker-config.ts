import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DOCKER_HUB } from '../reference'

/** The parts of docker's config.json we read. */
export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>
  credHelpers?: Record<string, string>
  credsStore?: string
}

export interface Credentials {
  username?: string
  password?: string
  /** An OAuth2 refresh token (config.json `identitytoken`, or a helper's `<token>` user). */
  identityToken?: string
}

export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/'

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker')
  return path.join(dir, 'config.json')
}

/** Reads docker's config.json; a missing file is an empty config, a malformed one is an error naming the file. */
export function readDockerConfig(file: string = dockerConfigPath()): DockerConfigFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return {}
  }
  try {
    return JSON.parse(text) as DockerConfigFile
  } catch (e) {
    throw new Error(`docker config ${file} is not valid JSON: ${(e as Error).message}`, { cause: e })
  }
}

/** The key docker uses for a registry in config.json. */
export function configKey(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry
}

/** Hostname[:port] of a config key, which may be URL-shaped (`https://host/v1/`). */
export function keyHost(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase()
}

function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const text = Buffer.from(auth, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  if (colon <= 0) return undefined
  return { username: text.slice(0, colon), password: text.slice(colon + 1) }
}

/** Credentials stored inline under `auths` for a registry (exact key first, then URL-shaped keys by host). */
export function authsCredentials(config: DockerConfigFile, registry: string): Credentials | undefined {
  const auths = config.auths ?? {}
  const want = configKey(registry)
  const wantHost = registry === DOCKER_HUB ? 'index.docker.io' : registry.toLowerCase()
  const key =
    want in auths
      ? want
      : Object.keys(auths).find((k) => {
          const host = keyHost(k)
          return host === wantHost || (registry === DOCKER_HUB && (host === 'docker.io' || host === 'registry-1.docker.io'))
        })
  if (key === undefined) return undefined
  const entry = auths[key] ?? {}
  const creds: Credentials = {}
  const decoded = entry.auth ? decodeAuth(entry.auth) : undefined
  if (decoded) Object.assign(creds, decoded)
  else if (entry.username && entry.password) Object.assign(creds, { username: entry.username, password: entry.password })
  if (entry.identitytoken) creds.identityToken = entry.identitytoken
  return creds.password || creds.identityToken ? creds : undefined
}
