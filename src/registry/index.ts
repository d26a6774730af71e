import type { ImageName } from '../reference'
import { RegistryAuth } from './auth'
import { RegistryClient } from './client'
import { authsCredentials, dockerConfigPath, readDockerConfig } from './docker-config'
import { UndiciTransport, type Transport } from './transport'

export interface RegistrySession {
  client: RegistryClient
  close(): Promise<void>
}

/** A read-only client for one repository, with the credentials docker itself would use for its registry. */
export function openRegistry(name: ImageName, env: NodeJS.ProcessEnv = process.env): RegistrySession {
  const transport = new UndiciTransport({ timeoutMs: Number(env.REGISTRY_TIMEOUT_MS) || 30_000 })
  const credentials = authsCredentials(readDockerConfig(), name.registry)
  const auth = new RegistryAuth({ registry: name.registry, repository: name.repository, credentials, transport })
  const client = new RegistryClient({ registry: name.registry, repository: name.repository, transport, auth })
  return { client, close: () => transport.close() }
}

/** Clients for many repositories over ONE transport (one undici Agent: connections are reused across repositories). */
export interface RegistryPool {
  /** The client for a repository; the same instance (and so the same auth and token) on every call. */
  client(name: ImageName): RegistryClient
  close(): Promise<void>
}

/**
 * Opens a pool of read-only clients: one shared transport, one RegistryAuth + RegistryClient per repository, docker's
 * credentials read once. `transport` lets tests substitute the HTTP seam.
 */
export function openRegistries(env: NodeJS.ProcessEnv = process.env, transport?: Transport & { close?(): Promise<void> }): RegistryPool {
  const shared = transport ?? new UndiciTransport({ timeoutMs: Number(env.REGISTRY_TIMEOUT_MS) || 30_000 })
  const config = readDockerConfig(dockerConfigPath(env))
  const clients = new Map<string, RegistryClient>()
  return {
    client(name) {
      const key = `${name.registry}/${name.repository}`
      let client = clients.get(key)
      if (!client) {
        const credentials = authsCredentials(config, name.registry)
        const auth = new RegistryAuth({ registry: name.registry, repository: name.repository, credentials, transport: shared })
        client = new RegistryClient({ registry: name.registry, repository: name.repository, transport: shared, auth })
        clients.set(key, client)
      }
      return client
    },
    close: async () => {
      await shared.close?.()
    }
  }
}
