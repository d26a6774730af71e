import * as core from '@actions/core'
import { BudgetExceededError, budgetHint, formatSeconds, REGISTRY_TIMEOUT_INPUT } from './budget'
import { parseChallenges, type Challenge } from './challenge'
import { isLoopback } from './endpoint'
import { RegistryError, describeStatus } from './errors'
import { TokenCache } from './token-cache'
import type { HttpRequest, HttpResponse, Transport } from './transport'

/** What a registry is logged in with; where it comes from (docker's config, a helper, inputs) is the caller's affair. */
export interface Credentials {
  username?: string
  password?: string
  /** An OAuth2 refresh token (docker's `identitytoken`, or a credential helper's `<token>` user). */
  identityToken?: string
}

/**
 * Credentials per registry host, asked once per registry; undefined means anonymous. `signal` is the registry
 * budget: a keychain that runs something (a credential helper) must stop it and fail when it fires.
 */
export type Keychain = (registry: string, options?: { signal?: AbortSignal }) => Promise<Credentials | undefined>

/** `credentials` for `registry` (given to the step, e.g. as inputs), `fallback` for every other registry. */
export function withCredentials(registry: string, credentials: Credentials, fallback: Keychain): Keychain {
  return (host, options) => (host === registry ? Promise.resolve(credentials) : fallback(host, options))
}

export interface AuthOptions {
  /** The registry as named in the image (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string
  /** The registry's API base URL (`https://registry-1.docker.io`). */
  base: string
  transport: Transport
  /** Resolved on first need, once: docker's credentials for the registry, or undefined for anonymous. */
  credentials: () => Promise<Credentials | undefined>
  /** Shared between the authenticators of one factory. */
  cache?: TokenCache
}

/**
 * Token scopes are strings here; several scopes for one request are joined with a space (OAuth2's form), and a GET
 * to the token service sends each as its own `scope` parameter (docker's token spec).
 */

/** The token scope for reading a repository. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`
}

/** The token scope for writing a repository (reading it too: a push checks what is there). */
export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`
}

/** The token scopes for mounting a blob of `from` into `repository`: push there, pull from the source. */
export function mountScope(repository: string, from: string): string {
  return from === repository ? pushScope(repository) : `${pushScope(repository)} ${pullScope(from)}`
}

interface TokenResponse {
  token?: unknown
  access_token?: unknown
  expires_in?: unknown
}

const CLIENT_ID = 'pinned-build-action'

/** Bearer first (a registry offering both prefers tokens), else Basic. */
function pick(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic')
}

/**
 * Authentication for one registry, shared by the clients of all its repositories. Challenge-driven:
 * `GET /v2/` once; a 401 names the scheme. Basic sends the credentials to the registry itself; Bearer fetches a token
 * from the realm for the repository's pull scope (anonymously without credentials) and caches it per scope until it
 * expires. A 401 on a request re-challenges once (`rechallenge`). Every secret is masked with core.setSecret.
 */
export class RegistryAuth {
  private challenge?: Promise<Challenge | undefined>
  private creds?: Promise<Credentials | undefined>
  private readonly cache: TokenCache
  /** Token requests per scope, in flight or failed: requests sent side by side in one scope share one token request. */
  private readonly fetching = new Map<string, Promise<string>>()
  private basicHeader?: Promise<string | undefined>

  constructor(private readonly options: AuthOptions) {
    this.cache = options.cache ?? new TokenCache()
  }

  get registry(): string {
    return this.options.registry
  }

  private credentials(): Promise<Credentials | undefined> {
    this.creds ??= this.options.credentials()
    return this.creds
  }

  private async send(url: string, req: HttpRequest, what: string): Promise<HttpResponse> {
    try {
      return await this.options.transport.send(url, req)
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        const u = new URL(url)
        throw new RegistryError(
          `${what} did not answer ${req.method} ${u.pathname} within the ${formatSeconds(error.budgetMs)} ${REGISTRY_TIMEOUT_INPUT}`,
          budgetHint(u.host)
        )
      }
      throw new RegistryError(
        `${what} could not be reached: ${(error as Error).message}`,
        `check that ${this.options.registry} is reachable from the runner`
      )
    }
  }

  /**
   * The registry's challenge from `GET /v2/`, asked once; undefined when it needs no authentication. A failure is
   * remembered too: the transport has already retried what was worth retrying, and asking again would spend the
   * registry budget a second time on a registry that did not answer.
   */
  ping(): Promise<Challenge | undefined> {
    this.challenge ??= (async () => {
      const res = await this.send(`${this.options.base}/v2/`, { method: 'GET' }, `registry ${this.options.registry}`)
      return res.status === 401 ? pick(parseChallenges(res.headers['www-authenticate'] ?? '')) : undefined
    })()
    // handled here so a failed warm-up ping nobody awaited yet is not an unhandled rejection; callers still see it
    this.challenge.catch(() => undefined)
    return this.challenge
  }

  /** The Authorization header for a request in `scope`, or undefined to go anonymous. */
  async authorization(scope: string): Promise<string | undefined> {
    const challenge = await this.ping()
    return challenge ? this.answer(challenge, scope) : undefined
  }

  /**
   * After a 401 on a request sent with `sent`: answers the 401's challenge afresh (a new token, skipping the cache).
   * Returns the header to retry with once, or undefined when a retry could not change the outcome.
   */
  async rechallenge(scope: string, wwwAuthenticate: string | undefined, sent: string | undefined): Promise<string | undefined> {
    const challenge = pick(parseChallenges(wwwAuthenticate ?? ''))
    if (!challenge) return undefined
    this.challenge = Promise.resolve(challenge)
    this.cache.delete(this.options.registry, scope)
    const header = await this.answer(challenge, scope)
    return header !== undefined && header !== sent ? header : undefined
  }

  private async answer(challenge: Challenge, scope: string): Promise<string | undefined> {
    if (challenge.scheme === 'basic') {
      this.basicHeader ??= this.credentials().then((c) => this.basic(c))
      return this.basicHeader
    }
    const cached = this.cache.get(this.options.registry, scope)
    if (cached) return `Bearer ${cached}`
    let pending = this.fetching.get(scope)
    if (!pending) {
      pending = this.fetchToken(challenge, scope)
      this.fetching.set(scope, pending)
      // a token, once cached, is the cache's to renew; a failure stands, like a failed ping (the transport has retried
      // what was worth retrying, and asking again would spend the budget twice)
      pending.then(
        () => this.fetching.delete(scope),
        () => undefined
      )
    }
    return `Bearer ${await pending}`
  }

  private basic(c: Credentials | undefined): string | undefined {
    if (!c?.username || !c.password) return undefined
    const value = Buffer.from(`${c.username}:${c.password}`).toString('base64')
    core.setSecret(value)
    return `Basic ${value}`
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<string> {
    const registry = this.options.registry
    const realm = challenge.params.realm
    let url: URL
    try {
      url = new URL(realm ?? '')
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)')
    } catch {
      throw new RegistryError(`registry ${registry} sent a Bearer challenge without a usable realm (${realm ?? 'none'})`, 'report this to the registry operator')
    }
    const credentials = await this.credentials()
    if (credentials && url.protocol === 'http:' && !isLoopback(url.hostname)) {
      throw new RegistryError(
        `registry ${registry} asks for credentials to be sent to ${url.origin} over plain http; refusing`,
        'use the registry over https'
      )
    }
    const service = challenge.params.service
    let res: HttpResponse
    if (credentials?.identityToken) {
      // OAuth2 refresh-token grant (docker's identity tokens); a realm without OAuth2 answers 404 → plain GET
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: CLIENT_ID, scope })
      if (service) form.set('service', service)
      res = await this.send(url.toString(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, `token service ${url.origin}`)
      if (res.status === 404 || res.status === 405) {
        res = await this.getToken(url, service, scope, this.basic({ username: credentials.username || '<token>', password: credentials.identityToken }))
      }
    } else {
      res = await this.getToken(url, service, scope, this.basic(credentials))
    }
    const who = credentials ? 'the credentials docker uses' : 'anonymous access'
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        `the token service ${url.origin} refused ${who} for ${scope} (${describeStatus(res)})`,
        credentials
          ? `check the credentials docker is logged in with for ${registry} (or the 'username'/'password' inputs)`
          : `log in to ${registry} before this step (docker/login-action, or the 'username'/'password' inputs)`,
        res.status
      )
    }
    if (res.status !== 200) {
      throw new RegistryError(
        `the token service ${url.origin} answered ${describeStatus(res)} for ${scope}`,
        'retry the job; if it persists, check the registry status',
        res.status
      )
    }
    let body: TokenResponse
    try {
      body = JSON.parse(res.body.toString('utf8')) as TokenResponse
    } catch {
      throw new RegistryError(`the token service ${url.origin} did not answer with JSON`, 'report this to the registry operator')
    }
    const token = [body.token, body.access_token].find((t): t is string => typeof t === 'string' && t !== '')
    if (!token) throw new RegistryError(`the token service ${url.origin} answered without a token`, 'report this to the registry operator')
    core.setSecret(token)
    this.cache.set(registry, scope, token, typeof body.expires_in === 'number' ? body.expires_in : undefined)
    return token
  }

  private getToken(realm: URL, service: string | undefined, scope: string, authorization: string | undefined): Promise<HttpResponse> {
    const url = new URL(realm)
    if (service) url.searchParams.set('service', service)
    for (const one of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', one)
    return this.send(url.toString(), { method: 'GET', headers: authorization ? { authorization } : {} }, `token service ${url.origin}`)
  }
}
