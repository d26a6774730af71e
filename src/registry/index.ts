/**
 * The registry layer, after go-containerregistry's name / transport / remote split:
 *
 *  - naming:    src/reference.ts (parseReference, apiHost), endpoint.ts (registryBase: http for loopback, Docker Hub's
 *               API host registry-1.docker.io)
 *  - transport: transport.ts (Transport seam; UndiciTransport = keep-alive Agent + timeouts + undici RetryHandler
 *               bounded by retry.ts, the default; CountingTransport to count requests)
 *  - auth:      docker-config.ts + credential-helper.ts (docker's credential lookup), challenge.ts, auth.ts
 *               (RegistryAuth per registry: ping, Basic/Bearer, token-cache.ts, re-challenge once on 401)
 *  - remote:    client.ts (RegistryClient per repository: head, manifest, resolve, blob), readback.ts
 *
 * Entry points:
 *  - `openRegistry(name, env)`: one repository, its own connection pool; `close()` when done. Used by the action.
 *  - `createRegistryFactory(options)`: clients for many repositories (any registries) sharing one transport (one
 *    connection pool), one authenticator per registry (one `/v2/` ping, one credential lookup) and one token cache.
 *    Pass your own `transport` (e.g. a CountingTransport around an UndiciTransport) to share or count requests.
 *
 *    const registries = createRegistryFactory({ env: process.env })
 *    try {
 *      const a = registries.client(parseReference('ghcr.io/acme/api'))
 *      const { digest } = await a.resolve('v1.2.3')      // HEAD, GET+hash when the header is missing
 *      const m = await a.manifest(digest)               // bytes verified to hash to digest
 *    } finally {
 *      await registries.close()
 *    }
 */
import * as core from '@actions/core'
import type { ImageName } from '../reference'
import { RegistryAuth } from './auth'
import { RegistryClient } from './client'
import { lookupCredentials, type Credentials } from './docker-config'
import { registryBase } from './endpoint'
import type { RetryEvent, RetryPolicy } from './retry'
import { TokenCache } from './token-cache'
import { UndiciTransport, type Transport } from './transport'

export { RegistryAuth, pullScope } from './auth'
export { RegistryClient, type Head, type Manifest, type Resolved } from './client'
export { lookupCredentials, type Credentials } from './docker-config'
export { registryBase, defaultScheme } from './endpoint'
export { RegistryError, errorDetail } from './errors'
export { DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryEvent } from './retry'
export { TokenCache } from './token-cache'
export { CountingTransport, TransportError, UndiciTransport, type HttpRequest, type HttpResponse, type Transport } from './transport'

export interface RegistryFactoryOptions {
  /** Where DOCKER_CONFIG, HOME and PATH (for credential helpers) come from, and REGISTRY_TIMEOUT_MS. */
  env?: NodeJS.ProcessEnv
  /** A shared transport; default: a new UndiciTransport, closed by `close()`. A transport you pass is not closed. */
  transport?: Transport
  /** Credentials per registry; default: docker's own lookup (lookupCredentials) in `env`. */
  credentials?: (registry: string) => Promise<Credentials | undefined>
  /** Retry policy for the default transport. */
  retry?: Partial<RetryPolicy>
}

export interface RegistryFactory {
  /** A read-only client for any repository; clients of one registry share its authenticator. */
  client(name: ImageName): RegistryClient
  readonly transport: Transport
  close(): Promise<void>
}

/** Logs a retry with core.info (pass as UndiciTransport onRetry when you bring your own transport; path only: a URL's query may carry a token scope, and nothing more is needed to follow it). */
export function logRetry(event: RetryEvent): void {
  let path = event.url
  try {
    const u = new URL(event.url)
    path = `${u.host}${u.pathname}`
  } catch {
    // keep the URL as given
  }
  core.info(`Retrying ${event.method} ${path} after ${event.cause} (retry ${event.retry}, in ${(event.delayMs / 1000).toFixed(1)} s)`)
}

export function createRegistryFactory(options: RegistryFactoryOptions = {}): RegistryFactory {
  const env = options.env ?? process.env
  const owned = options.transport
    ? undefined
    : new UndiciTransport({ timeoutMs: Number(env.REGISTRY_TIMEOUT_MS) || 30_000, retry: options.retry ?? {}, onRetry: logRetry })
  const transport: Transport = options.transport ?? (owned as UndiciTransport)
  const credentials = options.credentials ?? ((registry: string) => lookupCredentials(registry, env))
  const cache = new TokenCache()
  const auths = new Map<string, RegistryAuth>()
  return {
    transport,
    client(name: ImageName): RegistryClient {
      const base = registryBase(name.registry)
      let auth = auths.get(name.registry)
      if (!auth) {
        auth = new RegistryAuth({ registry: name.registry, base, transport, credentials: () => credentials(name.registry), cache })
        auths.set(name.registry, auth)
      }
      return new RegistryClient({ registry: name.registry, repository: name.repository, base, transport, auth })
    },
    close: async () => {
      await owned?.close()
    }
  }
}

export interface RegistrySession {
  client: RegistryClient
  close(): Promise<void>
}

/** A read-only client for one repository, with the credentials docker itself would use for its registry. */
export function openRegistry(name: ImageName, env: NodeJS.ProcessEnv = process.env): RegistrySession {
  const factory = createRegistryFactory({ env })
  return { client: factory.client(name), close: () => factory.close() }
}
