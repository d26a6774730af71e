import type { ImageName } from '../reference'
import { RegistryAuth } from './auth'
import { RegistryClient } from './client'
import { authsCredentials, readDockerConfig } from './docker-config'
import { UndiciTransport } from './transport'

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
