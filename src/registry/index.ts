/**
 * The OCI distribution API, after go-containerregistry's name / transport / remote split. Nothing here knows about
 * docker or about what an action wants: credentials come in as a Keychain (docker/config.ts has docker's), and
 * policy (which labels must match, what a moved tag means) stays with the action that cares.
 *
 *  - naming:    reference.ts (parseReference), endpoint.ts (registryBase: http for loopback, Docker Hub's API host),
 *               digest.ts (the sha256 pattern, hashing)
 *  - transport: transport.ts (the Transport seam; UndiciTransport = keep-alive Agent + timeouts + undici's
 *               RetryHandler bounded by retry.ts), under auth.ts (RegistryAuth per registry: ping, Basic/Bearer,
 *               token-cache.ts, challenge.ts, re-challenge once on 401)
 *  - remote:    client.ts (RegistryClient per repository: descriptor, head, manifest, index, blob, referrers; with
 *               push access putManifest, mountBlob, blobExists, uploadBlob),
 *               image.ts (the image view every action reads through, like remote.Image / remote.Index: readImage,
 *               resolveImage, imageExists → platforms, labels, created, attestations in both BuildKit forms),
 *               confirm.ts (the one rule for a digest: served or confirmed by digest; registries' header quirks),
 *               manifest.ts (media types, index/manifest types), platform.ts (platforms, the attestation filter)
 *  - errors:    errors.ts (RegistryError: message, hint, the registry's status and code; the action layer shows it)
 *  - time:      budget.ts (RegistryBudget: the `registry-timeout` input; every request and credential lookup of a
 *               factory runs under it, in phases started with `budget.start()`)
 *
 *    const budget = new RegistryBudget(parseRegistryTimeout(read('registry-timeout')))   // action/inputs.ts
 *    const registries = createRegistryFactory({ env: process.env, credentials: dockerKeychain(process.env), budget })
 *    // (an action opens them through the OpenRegistries seam; docker/registries.ts is the real one)
 *    try {
 *      const api = registries.client(parseReference('ghcr.io/acme/api'))
 *      const { digest } = await api.descriptor('v1.2.3')   // HEAD by tag, then confirmed by digest (confirm.ts)
 *      const m = await api.manifest(digest)                // bytes verified to hash to digest
 *    } finally {
 *      await registries.close()
 *    }
 */
import * as core from '@actions/core'
import { RegistryAuth, type Credentials, type Keychain } from './auth'
import { budgetedTransport, RegistryBudget } from './budget'
import { RegistryClient } from './client'
import { registryBase } from './endpoint'
import type { ImageName } from './reference'
import type { RetryEvent, RetryPolicy } from './retry'
import { TokenCache } from './token-cache'
import { CountingTransport, UndiciTransport, type Transport } from './transport'

export { RegistryAuth, mountScope, pullScope, pushScope, withCredentials, type Credentials, type Keychain } from './auth'
export {
  BudgetExceededError,
  DEFAULT_REGISTRY_TIMEOUT_SECONDS,
  REGISTRY_TIMEOUT_INPUT,
  RegistryBudget,
  budgetedTransport,
  raceSignal
} from './budget'
export { PlatformNotFoundError, RegistryClient, type DescriptorOptions, type Head, type Manifest, type MountResult, type PutResult, type Resolved } from './client'
export { registryBase, defaultScheme } from './endpoint'
export { RegistryError, errorDetail } from './errors'
export { imageExists, readImage, resolveImage, type ImageAttestation, type ImagePlatform, type ImageView, type ReadImageOptions } from './image'
export { DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryEvent } from './retry'
export { TokenCache } from './token-cache'
export { CountingTransport, TransportError, UndiciTransport, type HttpRequest, type HttpResponse, type Transport } from './transport'

export interface RegistryFactoryOptions {
  /** Where REGISTRY_TIMEOUT_MS comes from (per-attempt timeout of the default transport). */
  env?: NodeJS.ProcessEnv
  /** A shared transport; default: a new UndiciTransport, closed by `close()`. A transport you pass is not closed. */
  transport?: Transport
  /** Credentials per registry (docker's: dockerKeychain in docker/config.ts; anonymous: `async () => undefined`). */
  credentials: Keychain
  /** Retry policy for the default transport. */
  retry?: Partial<RetryPolicy>
  /**
   * The registry budget (input `registry-timeout`) every request and credential lookup of this factory runs under;
   * default: 60 s, one phase from the first request.
   */
  budget?: RegistryBudget
}

export interface RegistryFactory {
  /** The client of a repository (read-only unless `push`), one per repository; clients of one registry share its authenticator. */
  client(name: ImageName, options?: { push?: boolean }): RegistryClient
  readonly transport: Transport
  readonly budget: RegistryBudget
  /** Every request the factory's clients sent (method, URL, status), in order: for the log and the benchmark. */
  readonly requests: CountingTransport['requests']
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

export function createRegistryFactory(options: RegistryFactoryOptions): RegistryFactory {
  const env = options.env ?? process.env
  const owned = options.transport
    ? undefined
    : new UndiciTransport({ timeoutMs: Number(env.REGISTRY_TIMEOUT_MS) || 30_000, retry: options.retry ?? {}, onRetry: logRetry })
  const counting = new CountingTransport(options.transport ?? (owned as UndiciTransport))
  const transport: Transport = counting
  const credentials = options.credentials
  const budget = options.budget ?? new RegistryBudget()
  // clients and authenticators send through the budget: no request outlives the phase it started in
  const sending = budgetedTransport(transport, budget)
  const cache = new TokenCache()
  const auths = new Map<string, RegistryAuth>()
  // one client per repository: what it confirmed by digest (content-addressed) is never asked again in this factory
  const clients = new Map<string, RegistryClient>()
  return {
    transport,
    budget,
    requests: counting.requests,
    client(name: ImageName, clientOptions: { push?: boolean } = {}): RegistryClient {
      const key = `${name.registry}/${name.repository}${clientOptions.push ? ' push' : ''}`
      const known = clients.get(key)
      if (known) return known
      const base = registryBase(name.registry)
      let auth = auths.get(name.registry)
      if (!auth) {
        const lookup = (): ReturnType<Keychain> => credentials(name.registry, { signal: budget.signal() })
        auth = new RegistryAuth({ registry: name.registry, base, transport: sending, credentials: lookup, cache })
        auths.set(name.registry, auth)
      }
      const client = new RegistryClient({ registry: name.registry, repository: name.repository, base, transport: sending, auth, ...(clientOptions.push && { push: true }) })
      clients.set(key, client)
      return client
    },
    close: async () => {
      budget.stop()
      await owned?.close()
    }
  }
}

/**
 * What an action opens registries with: whose credentials (docker's, found through `env`; `login` for one registry
 * given as inputs, no docker login) and the time budget (`registry-timeout`, one phase from the first request until
 * `budget.start()` begins another). The transport stack (undici, retry, budget) is the factory's.
 */
export interface RegistryAccess {
  /** The step's environment: DOCKER_CONFIG (docker's credentials) and REGISTRY_TIMEOUT_MS. */
  env: NodeJS.ProcessEnv
  /** The `registry-timeout` budget in ms; default 60 s. */
  budgetMs?: number
  /** Credentials for one registry (the `username`/`password` inputs), before docker's. */
  login?: { registry: string; credentials: Credentials }
}

/**
 * The one seam through which every action opens registries (docker/registries.ts has the real one; the unit tests put
 * their one FakeRegistry behind it). Asynchronous, so that an action may load the registry layer on first use.
 */
export type OpenRegistries = (access: RegistryAccess) => Promise<RegistryFactory>
