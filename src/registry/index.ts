import type { ImageName } from '../reference'
import { RegistryAuth } from './auth'
import { defaultScheme, RegistryClient } from './client'
import { authsCredentials, readDockerConfig } from './docker-config'
import { NodeHttpTransport, preloadTransport } from './node-transport'

export interface RegistrySession {
  client: RegistryClient
  close(): Promise<void>
}

/** The transport the action uses: node:http (undici's load and WebAssembly parser cost ~150–200 ms per run). */
export function defaultTransport(env: NodeJS.ProcessEnv = process.env): NodeHttpTransport {
  return new NodeHttpTransport({ timeoutMs: Number(env.REGISTRY_TIMEOUT_MS) || 30_000 })
}

/** Loads the HTTP(S) modules the read-back of `name` will need, in the background (call it while docker works). */
export function preloadRegistry(name: ImageName): Promise<void> {
  return preloadTransport(defaultScheme(name.registry))
}

/** A read-only client for one repository, with the credentials docker itself would use for its registry. */
export function openRegistry(name: ImageName, env: NodeJS.ProcessEnv = process.env): RegistrySession {
  const transport = defaultTransport(env)
  const credentials = authsCredentials(readDockerConfig(), name.registry)
  const auth = new RegistryAuth({ registry: name.registry, repository: name.repository, credentials, transport })
  const client = new RegistryClient({ registry: name.registry, repository: name.repository, transport, auth })
  return { client, close: () => transport.close() }
}
