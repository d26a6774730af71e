/**
 * Bearer tokens per registry and scope, each kept until shortly before the expiry the token service gave
 * (`expires_in`, 60 s when absent, as the distribution token spec says).
 */
export class TokenCache {
  private readonly entries = new Map<string, { token: string; expiresAt: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  static key(registry: string, scope: string): string {
    return `${registry} ${scope}`
  }

  get(registry: string, scope: string): string | undefined {
    const key = TokenCache.key(registry, scope)
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key)
      return undefined
    }
    return entry.token
  }

  /** Keeps a token for `expiresInSeconds` minus a margin (10%, at most 5 s) so it does not expire mid-request. */
  set(registry: string, scope: string, token: string, expiresInSeconds?: number): void {
    const lifetimeMs = (typeof expiresInSeconds === 'number' && expiresInSeconds > 0 ? expiresInSeconds : 60) * 1000
    this.entries.set(TokenCache.key(registry, scope), { token, expiresAt: this.now() + lifetimeMs - Math.min(5_000, lifetimeMs / 10) })
  }

  delete(registry: string, scope: string): void {
    this.entries.delete(TokenCache.key(registry, scope))
  }
}
