import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { ActionError } from '../action/errors'
import { parseJsonQuietly } from '../action/json-position'
import type { Credentials, Keychain } from '../registry/auth'
import { DOCKER_HUB } from '../registry/reference'
import { helperCredentials, type HelperOptions } from './credential-helper'

/** The parts of docker's config.json we read. */
export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>
  credHelpers?: Record<string, string>
  credsStore?: string
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
    // the position only: V8's own message quotes the text around the fault, which may be part of an `auth` value
    return parseJsonQuietly<DockerConfigFile>(text)
  } catch (e) {
    throw new ActionError(`docker config ${file} is not valid JSON: ${(e as Error).message}`, 'fix or remove the file (DOCKER_CONFIG names its directory)')
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

const HUB_HOSTS = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io'])

/** The key of `entries` docker would use for a registry: the exact key first, then URL-shaped keys by host. */
export function findKey(entries: Record<string, unknown> | undefined, registry: string): string | undefined {
  if (!entries) return undefined
  const want = configKey(registry)
  if (Object.hasOwn(entries, want)) return want
  const wantHost = registry.toLowerCase()
  return Object.keys(entries).find((k) => {
    const host = keyHost(k)
    return registry === DOCKER_HUB ? HUB_HOSTS.has(host) : host === wantHost
  })
}

/** Credentials stored inline under `auths` for a registry (`auth` = base64 user:password, or `identitytoken`). */
export function authsCredentials(config: DockerConfigFile, registry: string): Credentials | undefined {
  const auths = config.auths ?? {}
  const key = findKey(auths, registry)
  if (key === undefined) return undefined
  const entry = auths[key] ?? {}
  const creds: Credentials = {}
  const decoded = entry.auth ? decodeAuth(entry.auth) : undefined
  if (decoded) Object.assign(creds, decoded)
  else if (entry.username && entry.password) Object.assign(creds, { username: entry.username, password: entry.password })
  if (entry.identitytoken) creds.identityToken = entry.identitytoken
  return creds.password || creds.identityToken ? creds : undefined
}

/** Where docker would look for a registry's credentials, in docker's order: credHelpers[host], credsStore, auths. */
export type CredentialSource =
  | { kind: 'helper'; helper: string; serverUrl: string; from: 'credHelpers' | 'credsStore' }
  | { kind: 'auths' }

export function credentialSource(config: DockerConfigFile, registry: string): CredentialSource {
  const serverUrl = configKey(registry)
  const helperKey = findKey(config.credHelpers, registry)
  const helper = helperKey === undefined ? undefined : config.credHelpers?.[helperKey]
  if (helper) return { kind: 'helper', helper, serverUrl, from: 'credHelpers' }
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverUrl, from: 'credsStore' }
  return { kind: 'auths' }
}

/** Registers every secret in a set of credentials with the runner, so none of them can appear in the log. */
export function maskCredentials(credentials: Credentials | undefined): void {
  if (credentials?.password) core.setSecret(credentials.password)
  if (credentials?.identityToken) core.setSecret(credentials.identityToken)
}

/**
 * The credentials docker itself would use for `registry`, from `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`): a configured helper answers alone (as in docker, its "not found" means anonymous);
 * without a helper, the inline `auths` entry. Every secret found is masked before this returns.
 */
export async function lookupCredentials(registry: string, env: NodeJS.ProcessEnv = process.env, helper: HelperOptions = {}): Promise<Credentials | undefined> {
  const config = readDockerConfig(dockerConfigPath(env))
  const source = credentialSource(config, registry)
  if (config.auths) {
    for (const entry of Object.values(config.auths)) {
      if (entry?.auth) core.setSecret(entry.auth)
    }
  }
  const credentials =
    source.kind === 'helper' ? await helperCredentials(source.helper, source.serverUrl, { env, ...helper }) : authsCredentials(config, registry)
  maskCredentials(credentials)
  return credentials
}

/** docker's credential lookup as the registry layer's Keychain: what `docker pull` would authenticate with, in `env`. */
export function dockerKeychain(env: NodeJS.ProcessEnv = process.env): Keychain {
  return (registry, options) => lookupCredentials(registry, env, options?.signal ? { signal: options.signal } : {})
}
