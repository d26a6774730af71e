import * as core from '@actions/core'
import { ActionError } from '../errors'
import { parseChallenges, type Challenge } from './challenge'
import type { Credentials } from './docker-config'
import type { Transport } from './transport'

export interface AuthOptions {
  registry: string
  repository: string
  credentials?: Credentials
  transport: Transport
  /** Actions asked for in the token scope; the read-back only needs pull. */
  actions?: string[]
}

interface TokenResponse {
  token?: string
  access_token?: string
  expires_in?: number
}

/**
 * Answers registry challenges. Starts anonymous; on a 401 it reads `WWW-Authenticate` and
 *  - Basic: sends the credentials to the registry itself;
 *  - Bearer: fetches a token from the realm for `repository:<name>:pull`, with the credentials when there are any.
 * Every secret it handles is registered with core.setSecret so the runner masks it.
 */
export class RegistryAuth {
  private header?: string
  private expiresAt = Infinity

  constructor(private readonly options: AuthOptions) {
    const c = options.credentials
    if (c?.password) core.setSecret(c.password)
    if (c?.identityToken) core.setSecret(c.identityToken)
  }

  /** The Authorization header to send now, if any. */
  authorization(): string | undefined {
    return this.header && Date.now() < this.expiresAt ? this.header : undefined
  }

  private basic(): string | undefined {
    const c = this.options.credentials
    if (!c?.username || !c.password) return undefined
    const value = Buffer.from(`${c.username}:${c.password}`).toString('base64')
    core.setSecret(value)
    return `Basic ${value}`
  }

  /** Handles a 401's challenge. Returns true when a retry with the new authorization makes sense. */
  async answer(wwwAuthenticate: string | undefined): Promise<boolean> {
    const challenges = parseChallenges(wwwAuthenticate ?? '')
    const bearer = challenges.find((c) => c.scheme === 'bearer')
    if (bearer) return this.fetchToken(bearer)
    const basic = challenges.find((c) => c.scheme === 'basic')
    if (basic) {
      const header = this.basic()
      if (!header || header === this.header) return false
      this.header = header
      this.expiresAt = Infinity
      return true
    }
    return false
  }

  private async fetchToken(challenge: Challenge): Promise<boolean> {
    const realm = challenge.params.realm
    if (!realm) throw new ActionError(`${this.options.registry} sent a Bearer challenge without a realm`)
    const url = new URL(realm)
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service)
    const scope = `repository:${this.options.repository}:${(this.options.actions ?? ['pull']).join(',')}`
    url.searchParams.append('scope', scope)
    const headers: Record<string, string> = {}
    const basic = this.basic()
    if (basic) headers.authorization = basic
    const res = await this.options.transport.send(url.toString(), { method: 'GET', headers })
    if (res.status === 401 || res.status === 403) {
      throw new ActionError(
        `the token service ${url.origin} refused ${basic ? 'the credentials' : 'anonymous access'} for ${scope} (HTTP ${res.status})`,
        basic ? `check the credentials docker is logged in with for ${this.options.registry}` : `log in to ${this.options.registry} before this step`
      )
    }
    if (res.status !== 200) {
      throw new ActionError(`the token service ${url.origin} answered HTTP ${res.status} for ${scope}`)
    }
    let body: TokenResponse
    try {
      body = JSON.parse(res.body.toString('utf8')) as TokenResponse
    } catch {
      throw new ActionError(`the token service ${url.origin} did not answer with JSON`)
    }
    const token = body.token || body.access_token
    if (!token) throw new ActionError(`the token service ${url.origin} answered without a token`)
    core.setSecret(token)
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60
    this.header = `Bearer ${token}`
    // renew a little early so a token does not expire mid-request
    this.expiresAt = Date.now() + Math.max(lifetime - 5, 1) * 1000
    return true
  }
}
