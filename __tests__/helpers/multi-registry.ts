import { createHash } from 'node:crypto'
import { DOCKER_MANIFEST, OCI_INDEX } from '../../src/registry/media-types'
import type { HttpRequest, HttpResponse, Transport } from '../../src/registry/transport'

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

export interface MultiRegistryOptions {
  /** Require Basic credentials (401 + `WWW-Authenticate: Basic` otherwise). */
  basic?: { username: string; password: string }
  /** Leave Docker-Content-Digest out of HEAD answers (as Nexus does). */
  omitHeadDigest?: boolean
  /** Delay every answer, so concurrency shows in `maxInFlight`. */
  delayMs?: number
}

/**
 * An in-memory registry with many repositories behind the Transport seam: manifests by tag and digest per
 * repository, indexes, optional Basic auth; it logs every request and the highest number of requests in flight.
 */
export class MultiRegistry implements Transport {
  private readonly repos = new Map<string, { tags: Map<string, string>; manifests: Map<string, { bytes: Buffer; mediaType: string }> }>()
  readonly requests: Array<{ method: string; repo: string; ref: string; status: number }> = []
  inFlight = 0
  maxInFlight = 0

  constructor(private readonly options: MultiRegistryOptions = {}) {}

  private repo(name: string): { tags: Map<string, string>; manifests: Map<string, { bytes: Buffer; mediaType: string }> } {
    let r = this.repos.get(name)
    if (!r) {
      r = { tags: new Map(), manifests: new Map() }
      this.repos.set(name, r)
    }
    return r
  }

  putManifest(repo: string, tags: string[], body: object, mediaType: string): string {
    const bytes = Buffer.from(JSON.stringify(body, null, 2))
    const digest = sha(bytes)
    const r = this.repo(repo)
    r.manifests.set(digest, { bytes, mediaType })
    for (const t of tags) r.tags.set(t, digest)
    return digest
  }

  /** An image manifest whose config digest is derived from `seed` (content is never fetched by the resolver). */
  putImage(repo: string, tags: string[], seed = `${repo}:${tags.join(',')}`): string {
    return this.putManifest(repo, tags, { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(seed), size: 2 }, layers: [] }, DOCKER_MANIFEST)
  }

  putIndex(repo: string, tags: string[], platforms: Array<{ digest: string; os: string; architecture: string; variant?: string }>): string {
    const manifests = platforms.map((p) => ({
      mediaType: DOCKER_MANIFEST,
      digest: p.digest,
      size: 100,
      platform: { os: p.os, architecture: p.architecture, ...(p.variant && { variant: p.variant }) }
    }))
    return this.putManifest(repo, tags, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, OCI_INDEX)
  }

  /** Manifest requests (the /v2/ ping excluded), optionally by method. */
  count(method?: string): number {
    return this.manifestRequests().filter((r) => !method || r.method === method).length
  }

  manifestRequests(): Array<{ method: string; repo: string; ref: string; status: number }> {
    return this.requests.filter((r) => r.repo !== '')
  }

  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs))
      const res = this.answer(url, req)
      const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(new URL(url).pathname)
      this.requests.push({ method: req.method, repo: m?.[1] ?? '', ref: m?.[2] ?? new URL(url).pathname, status: res.status })
      return res
    } finally {
      this.inFlight--
    }
  }

  private answer(url: string, req: HttpRequest): HttpResponse {
    const error = (status: number, code: string, headers: Record<string, string> = {}): HttpResponse => ({
      status,
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.from(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] })),
      url
    })
    const b = this.options.basic
    if (b && req.headers?.authorization !== `Basic ${Buffer.from(`${b.username}:${b.password}`).toString('base64')}`) {
      return error(401, 'UNAUTHORIZED', { 'www-authenticate': 'Basic realm="multi"' })
    }
    if (new URL(url).pathname === '/v2/') return { status: 200, headers: {}, body: Buffer.from('{}'), url }
    const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(new URL(url).pathname)
    if (!m) return error(404, 'NOT_FOUND')
    const [, name, ref] = m as unknown as [string, string, string]
    const repo = this.repos.get(name)
    if (!repo) return error(404, 'NAME_UNKNOWN')
    const digest = ref.startsWith('sha256:') ? ref : repo.tags.get(ref)
    const manifest = digest ? repo.manifests.get(digest) : undefined
    if (!digest || !manifest) return error(404, 'MANIFEST_UNKNOWN')
    const headers: Record<string, string> = { 'content-type': manifest.mediaType, 'content-length': String(manifest.bytes.length) }
    if (!(req.method === 'HEAD' && this.options.omitHeadDigest)) headers['docker-content-digest'] = digest
    return { status: 200, headers, body: req.method === 'HEAD' ? Buffer.alloc(0) : manifest.bytes, url }
  }
}
