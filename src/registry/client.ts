import { ActionError } from '../errors'
import { apiHost } from '../reference'
import type { RegistryAuth } from './auth'
import { matchesDigest, sha256Digest } from './digest'
import { MANIFEST_ACCEPT } from './media-types'
import type { HttpRequest, HttpResponse, Transport } from './transport'

export class RegistryError extends ActionError {
  constructor(
    message: string,
    hint?: string,
    readonly status?: number,
    readonly code?: string
  ) {
    super(message, hint)
    this.name = 'RegistryError'
  }
}

export interface Manifest {
  digest: string
  mediaType: string
  bytes: Buffer
}

export interface ClientOptions {
  registry: string
  repository: string
  transport: Transport
  auth: RegistryAuth
  /** Defaults to http for loopback registries (as docker treats them as insecure) and https elsewhere. */
  scheme?: 'http' | 'https'
}

const MAX_REDIRECTS = 5

export function defaultScheme(registry: string): 'http' | 'https' {
  const host = registry.replace(/:\d+$/, '')
  return host === 'localhost' || /^127\./.test(host) || host === '[::1]' ? 'http' : 'https'
}

/** The registry's own words from an error body: `CODE: message` pairs when JSON, trimmed text otherwise. */
export function errorDetail(res: HttpResponse): { text: string; code?: string } {
  const raw = res.body.toString('utf8').trim()
  try {
    const parsed = JSON.parse(raw) as { errors?: Array<{ code?: string; message?: string }> }
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const text = parsed.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ')
      return { text, code: parsed.errors[0]?.code }
    }
  } catch {
    // not JSON: fall through to text
  }
  const text = raw.replace(/\s+/g, ' ').slice(0, 300)
  return { text: text || `HTTP ${res.status}` }
}

/** An OCI distribution client for one repository. */
export class RegistryClient {
  readonly base: string
  readonly registry: string
  readonly repository: string

  constructor(private readonly options: ClientOptions) {
    this.registry = options.registry
    this.repository = options.repository
    this.base = `${options.scheme ?? defaultScheme(options.registry)}://${apiHost(options.registry)}`
  }

  private where(): string {
    return `${this.registry}/${this.repository}`
  }

  private async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.options.transport.send(url, req)
    } catch (error) {
      const e = error as Error & { code?: string }
      throw new RegistryError(
        `registry ${this.registry} could not be reached (${req.method} ${new URL(url).pathname}): ${e.code ?? ''} ${e.message}`.trim(),
        `check that ${this.registry} is reachable from the runner`
      )
    }
  }

  /** Sends with the current authorization; on 401 answers the challenge once and retries. */
  private async authed(url: string, req: HttpRequest): Promise<HttpResponse> {
    const withAuth = (): HttpRequest => {
      const authorization = this.options.auth.authorization()
      return { ...req, headers: { ...req.headers, ...(authorization && { authorization }) } }
    }
    let res = await this.send(url, withAuth())
    if (res.status === 401 && (await this.options.auth.answer(res.headers['www-authenticate']))) {
      res = await this.send(url, withAuth())
    }
    return res
  }

  private fail(res: HttpResponse, what: string): never {
    const { text, code } = errorDetail(res)
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        `registry ${this.registry} refused to read ${what} (HTTP ${res.status}: ${text})`,
        `make sure the runner is logged in to ${this.registry} with read access to ${this.repository}`,
        res.status,
        code
      )
    }
    if (res.status === 404) {
      throw new RegistryError(`${what} was not found in ${this.where()} (${text})`, undefined, 404, code)
    }
    throw new RegistryError(`registry ${this.registry} answered HTTP ${res.status} for ${what}: ${text}`, undefined, res.status, code)
  }

  /** HEAD a manifest: digest and media type as the registry reports them, without the body (not a pull on Docker Hub). */
  async head(ref: string): Promise<{ digest?: string; mediaType?: string; size?: number }> {
    const url = `${this.base}/v2/${this.repository}/manifests/${ref}`
    const res = await this.authed(url, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } })
    if (res.status !== 200) this.fail(res, `manifest ${ref}`)
    const size = Number(res.headers['content-length'])
    return {
      digest: res.headers['docker-content-digest'],
      mediaType: res.headers['content-type']?.split(';')[0]?.trim(),
      ...(Number.isFinite(size) && { size })
    }
  }

  /**
   * GET a manifest by tag or digest. The digest is always computed from the bytes received; a
   * `Docker-Content-Digest` header that disagrees, or a body that does not hash to the digest asked for, is an error.
   */
  async manifest(ref: string): Promise<Manifest> {
    const url = `${this.base}/v2/${this.repository}/manifests/${ref}`
    const res = await this.authed(url, { method: 'GET', headers: { accept: MANIFEST_ACCEPT } })
    if (res.status !== 200) this.fail(res, `manifest ${ref}`)
    const digest = sha256Digest(res.body)
    const header = res.headers['docker-content-digest']
    if (header && header !== digest) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data for ${this.where()}:${ref}: Docker-Content-Digest says ${header} but the manifest bytes hash to ${digest}`,
        'retry the job; if it persists, report it to the registry operator'
      )
    }
    if (ref.includes(':') && ref !== digest) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data: manifest ${ref} hashes to ${digest}`,
        'retry the job; if it persists, report it to the registry operator'
      )
    }
    const mediaType = res.headers['content-type']?.split(';')[0]?.trim() || mediaTypeOf(res.body)
    return { digest, mediaType, bytes: res.body }
  }

  /**
   * The digest a tag points to: HEAD first (cheap, not a pull); when the HEAD lacks Docker-Content-Digest, GET and hash.
   * A HEAD digest is then confirmed by GET of that digest by the caller where it matters.
   */
  async resolve(ref: string): Promise<{ digest: string; mediaType?: string }> {
    const head = await this.head(ref)
    if (head.digest && /^sha256:[0-9a-f]{64}$/.test(head.digest)) return { digest: head.digest, mediaType: head.mediaType }
    const m = await this.manifest(ref)
    return { digest: m.digest, mediaType: m.mediaType }
  }

  /** GET a blob (following redirects, never forwarding Authorization to another host) and verify its digest. */
  async blob(digest: string): Promise<Buffer> {
    let url = `${this.base}/v2/${this.repository}/blobs/${digest}`
    let res = await this.authed(url, { method: 'GET' })
    for (let hops = 0; res.status >= 300 && res.status < 400 && res.headers.location; hops++) {
      if (hops >= MAX_REDIRECTS) throw new RegistryError(`too many redirects fetching blob ${digest} from ${this.registry}`)
      const next = new URL(res.headers.location, url)
      const sameOrigin = next.origin === new URL(this.base).origin
      url = next.toString()
      res = sameOrigin ? await this.authed(url, { method: 'GET' }) : await this.send(url, { method: 'GET' })
    }
    if (res.status !== 200) this.fail(res, `blob ${digest}`)
    if (!matchesDigest(digest, res.body)) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data: blob ${digest} hashes to ${sha256Digest(res.body)}`,
        'retry the job; if it persists, report it to the registry operator'
      )
    }
    return res.body
  }
}

function mediaTypeOf(bytes: Buffer): string {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: string }
    return parsed.mediaType ?? ''
  } catch {
    return ''
  }
}
