import { createHash } from 'node:crypto'
import type { HttpRequest, HttpResponse, Transport } from '../../../src/registry/transport'

export const REGISTRY = 'reg.example'
export const BASE = `https://${REGISTRY}`
export const REALM = 'https://auth.example/token'

export const digestOf = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

export interface Seen {
  method: string
  url: string
  authorization?: string
  body?: string
}

/**
 * An in-memory registry behind the Transport seam: manifests, blobs, and Basic or Bearer auth with a token service.
 * `intercept` lets a test replace any answer (faults, quirks); `requests` records everything sent.
 */
export class FakeRegistry implements Transport {
  readonly requests: Seen[] = []
  readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>()
  readonly blobs = new Map<string, Buffer>()
  readonly validTokens = new Map<string, string>() // token → scope
  tokenField: 'token' | 'access_token' = 'token'
  expiresIn?: number
  tokensIssued = 0
  intercept?: (url: URL, req: HttpRequest) => HttpResponse | undefined

  constructor(
    readonly mode: 'anonymous' | 'basic' | 'bearer' = 'anonymous',
    readonly creds?: { username: string; password: string },
    readonly anonymousPull = true
  ) {}

  /** Stores a manifest under its digest and the given tags; returns the digest. */
  putManifest(repo: string, body: object | string, tags: string[] = [], mediaType = 'application/vnd.oci.image.manifest.v1+json'): string {
    const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
    const digest = digestOf(bytes)
    for (const ref of [digest, ...tags]) this.manifests.set(`${repo}@${ref}`, { bytes, mediaType })
    return digest
  }

  /** An image: config blob with labels + manifest; returns both digests. */
  putImage(repo: string, labels: Record<string, string>, tags: string[]): { digest: string; config: string } {
    const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: labels } }))
    const config = digestOf(configBytes)
    this.blobs.set(config, configBytes)
    const digest = this.putManifest(repo, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
      layers: []
    }, tags)
    return { digest, config }
  }

  private basicOk(h: string | undefined): boolean {
    return !!this.creds && h === `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}`
  }

  private json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
    return { status, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(body)), url: '' }
  }

  private challenge(scope?: string): HttpResponse {
    const header =
      this.mode === 'basic' ? 'Basic realm="fake"' : `Bearer realm="${REALM}",service="${REGISTRY}"${scope ? `,scope="${scope}"` : ''}`
    return this.json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'www-authenticate': header })
  }

  private authorized(repo: string | undefined, h: string | undefined): boolean {
    if (this.mode === 'anonymous') return true
    if (this.mode === 'basic') return this.basicOk(h)
    const token = h?.startsWith('Bearer ') ? h.slice(7) : undefined
    const scope = token && this.validTokens.get(token)
    return !!scope && (repo === undefined || scope === `repository:${repo}:pull`)
  }

  async send(rawUrl: string, req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(rawUrl)
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    this.requests.push({ method: req.method, url: rawUrl, ...(headers.authorization && { authorization: headers.authorization }), ...(req.body && { body: req.body }) })
    const override = this.intercept?.(url, req)
    if (override) return { ...override, url: rawUrl }
    return { ...this.route(url, req, headers.authorization), url: rawUrl }
  }

  private route(url: URL, req: HttpRequest, authorization: string | undefined): HttpResponse {
    if (url.origin === new URL(REALM).origin) {
      const scope = req.method === 'POST' ? new URLSearchParams(req.body).get('scope') : url.searchParams.get('scope')
      const anonymous = !authorization && req.method !== 'POST'
      if (anonymous && !this.anonymousPull) return this.json(401, { details: 'anonymous denied' })
      if (authorization && !this.basicOk(authorization)) return this.json(401, { details: 'bad credentials' })
      if (req.method === 'POST') {
        const form = new URLSearchParams(req.body)
        if (form.get('refresh_token') !== this.creds?.password) return this.json(401, { details: 'bad refresh token' })
      }
      const token = `tok-${++this.tokensIssued}`
      this.validTokens.set(token, scope ?? '')
      return this.json(200, { [this.tokenField]: token, ...(this.expiresIn !== undefined && { expires_in: this.expiresIn }) })
    }
    if (url.origin !== BASE) return this.json(404, { errors: [{ code: 'NOT_FOUND', message: 'unknown host' }] })
    if (url.pathname === '/v2/') return this.authorized(undefined, authorization) || this.mode === 'anonymous' ? this.json(200, {}) : this.challenge()
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname)
    if (!m) return this.json(404, { errors: [{ code: 'NOT_FOUND', message: 'no route' }] })
    const [, repo, kind, ref] = m as unknown as [string, string, string, string]
    if (!this.authorized(repo, authorization)) return this.challenge(`repository:${repo}:pull`)
    if (kind === 'manifests') {
      const found = this.manifests.get(`${repo}@${ref}`)
      if (!found) return this.json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] })
      const headers = { 'content-type': found.mediaType, 'docker-content-digest': digestOf(found.bytes), 'content-length': String(found.bytes.length) }
      return { status: 200, headers, body: req.method === 'HEAD' ? Buffer.alloc(0) : found.bytes, url: '' }
    }
    const blob = this.blobs.get(ref)
    if (!blob) return this.json(404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] })
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: blob, url: '' }
  }
}
