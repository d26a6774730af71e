import { createHash } from 'node:crypto'
import { dockerRegistries } from '../../src/docker/registries'
import type { OpenRegistries } from '../../src/registry'
import { ATTESTATION_ARTIFACT_TYPE, DOCKER_MANIFEST, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/manifest'
import type { HttpRequest, HttpResponse, Transport } from '../../src/registry/transport'

export const REGISTRY = 'reg.example'
export const BASE = `https://${REGISTRY}`
export const REALM = 'https://auth.example/token'

export const digestOf = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

export interface Seen {
  method: string
  url: string
  authorization?: string
  body?: string
  /** For manifest requests: the repository and the tag or digest asked for. */
  repo?: string
  ref?: string
  /** The status answered. */
  status?: number
}

const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/]+)$/

/**
 * The one in-memory registry of the unit tests, behind the Transport seam: any number of repositories (manifests,
 * indexes, blobs), on any registry host, with Basic or Bearer auth and a token service at REALM. `intercept` replaces
 * any answer (faults, quirks), `omitHeadDigest` and `delayMs` imitate registries that leave the header out or answer
 * slowly; `requests` records everything sent, `maxInFlight` the most requests in flight at once.
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
  /** Leave Docker-Content-Digest out of HEAD answers (as Nexus does). */
  omitHeadDigest = false
  /** Answer NAME_UNKNOWN (not MANIFEST_UNKNOWN) for a repository that holds nothing, as distribution does. */
  nameUnknown = false
  /** Blobs readable only in the repositories they were pushed or mounted to (as real registries keep them). */
  blobsPerRepository = false
  /** `repo@digest` of every blob pushed or mounted through the API (and by putBlob / putImage). */
  readonly blobLinks = new Set<string>()
  /** Answer every cross-repository mount with 202 and an upload session, as registries without mount support do. */
  refuseMounts = false
  uploadSessions = 0
  /** Answer the referrers API (OCI 1.1) from the stored manifests' `subject`; false: 404, as registries without it do. */
  referrersApi = true
  /** Delay every answer, so concurrency shows in `maxInFlight`. */
  delayMs = 0
  inFlight = 0
  maxInFlight = 0

  constructor(
    readonly mode: 'anonymous' | 'basic' | 'bearer' = 'anonymous',
    readonly creds?: { username: string; password: string },
    readonly anonymousPull = true
  ) {}

  /** Stores a manifest under its digest and the given tags; returns the digest. */
  putManifest(repo: string, body: object | string, tags: string[] = [], mediaType = OCI_MANIFEST): string {
    const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
    const digest = digestOf(bytes)
    for (const ref of [digest, ...tags]) this.manifests.set(`${repo}@${ref}`, { bytes, mediaType })
    return digest
  }

  /**
   * An image: config blob with labels (and, when `layer` is given, one layer blob) + manifest; returns the digests.
   * Same labels and options, same image. `platform` goes into the config (default linux/amd64); `format: 'docker'`
   * writes Docker v2 media types.
   */
  putImage(
    repo: string,
    labels: Record<string, string>,
    tags: string[],
    opts: {
      platform?: { os: string; architecture: string; variant?: string }
      format?: 'oci' | 'docker'
      layer?: string
      /** More config fields (e.g. `created`): another image with the same labels. */
      extra?: Record<string, unknown>
    } = {}
  ): { digest: string; config: string; layers: string[]; bytes: Buffer; mediaType: string; size: number } {
    const p = opts.platform ?? { os: 'linux', architecture: 'amd64' }
    const docker = opts.format === 'docker'
    const configBytes = imageConfig(labels, p, opts.extra)
    const config = this.putBlob(repo, configBytes)
    const layers = opts.layer === undefined ? [] : [{ digest: this.putBlob(repo, Buffer.from(opts.layer)), size: Buffer.byteLength(opts.layer) }]
    const mediaType = docker ? DOCKER_MANIFEST : OCI_MANIFEST
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip', ...l }))
    })
    const digest = this.putManifest(repo, body, tags, mediaType)
    return { digest, config, layers: layers.map((l) => l.digest), bytes: Buffer.from(body), mediaType, size: Buffer.byteLength(body) }
  }

  /** An index over the given platform manifests (which need not be stored: the resolver never reads them). */
  putIndex(
    repo: string,
    tags: string[],
    platforms: Array<{ digest: string; os: string; architecture: string; variant?: string; size?: number; annotations?: Record<string, string> }>
  ): string {
    const manifests = platforms.map((p) => ({
      mediaType: DOCKER_MANIFEST,
      digest: p.digest,
      // the size of the stored manifest when it is there (a reader may check it), else a stand-in
      size: p.size ?? this.manifests.get(`${repo}@${p.digest}`)?.bytes.length ?? 100,
      platform: { os: p.os, architecture: p.architecture, ...(p.variant && { variant: p.variant }) },
      ...(p.annotations && { annotations: p.annotations })
    }))
    return this.putManifest(repo, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, tags, OCI_INDEX)
  }

  /**
   * What buildx pushes for a multi-platform build with provenance: one image per platform (labels, optionally
   * per-platform overrides) and one `unknown/unknown` attestation manifest per platform, in an OCI index under `tags`.
   */
  putBuildxIndex(
    repo: string,
    tags: string[],
    labels: Record<string, string>,
    opts: { platforms?: string[]; attestations?: string[]; platformLabels?: Record<string, Record<string, string>> } = {}
  ): { digest: string; images: Array<{ platform: string; digest: string; config: string }>; attestations: string[] } {
    const images = (opts.platforms ?? ['linux/amd64', 'linux/arm64']).map((platform) => {
      const [os, architecture, variant] = platform.split('/') as [string, string, string | undefined]
      const p = { os, architecture, ...(variant && { variant }) }
      return { platform, p, ...this.putImage(repo, { ...labels, ...opts.platformLabels?.[platform] }, [], { platform: p }) }
    })
    const predicates = opts.attestations ?? ['https://slsa.dev/provenance/v0.2']
    const attestations = predicates.length === 0 ? [] : images.map((img) =>
      this.putManifest(repo, {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf('{}'), size: 2 },
        layers: predicates.map((t) => ({ mediaType: 'application/vnd.in-toto+json', digest: digestOf(t + img.digest), size: 10, annotations: { 'in-toto.io/predicate-type': t } }))
      })
    )
    const entry = (digest: string, extra: object) => ({ mediaType: OCI_MANIFEST, digest, size: (this.manifests.get(`${repo}@${digest}`) as { bytes: Buffer }).bytes.length, ...extra })
    const manifests = [
      ...images.map((i) => entry(i.digest, { platform: i.p })),
      ...attestations.map((a, n) =>
        entry(a, {
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.digest': (images[n] as { digest: string }).digest, 'vnd.docker.reference.type': 'attestation-manifest' }
        })
      )
    ]
    const digest = this.putManifest(repo, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, tags, OCI_INDEX)
    return { digest, images: images.map(({ platform, digest: d, config }) => ({ platform, digest: d, config })), attestations }
  }

  /**
   * Attestations as OCI 1.1 artifacts, the form newer BuildKit writes: per image an artifact manifest
   * (`artifactType` ATTESTATION_ARTIFACT_TYPE, the empty config, `subject` = the image, one in-toto layer per
   * predicate type). `inIndex`: also listed in the index (entries carrying `artifactType`; `describeEntries: false`
   * leaves the entry a bare descriptor with the image's platform, so only the manifest tells); else reachable only
   * through the referrers API.
   */
  putArtifactIndex(
    repo: string,
    tags: string[],
    labels: Record<string, string>,
    opts: { platforms?: string[]; predicates?: string[]; inIndex?: boolean; describeEntries?: boolean } = {}
  ): { digest: string; images: Array<{ platform: string; digest: string; config: string }>; attestations: string[] } {
    const images = (opts.platforms ?? ['linux/amd64', 'linux/arm64']).map((platform) => {
      const [os, architecture, variant] = platform.split('/') as [string, string, string | undefined]
      const p = { os, architecture, ...(variant && { variant }) }
      return { platform, p, ...this.putImage(repo, labels, [], { platform: p }) }
    })
    const empty = this.putBlob(repo, Buffer.from('{}'))
    const predicates = opts.predicates ?? ['https://slsa.dev/provenance/v1']
    const attestations = images.map((img) =>
      this.putManifest(repo, {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: ATTESTATION_ARTIFACT_TYPE,
        config: { mediaType: OCI_EMPTY, digest: empty, size: 2 },
        layers: predicates.map((t) => ({ mediaType: 'application/vnd.in-toto+json', digest: this.putBlob(repo, Buffer.from(t + img.digest)), size: Buffer.byteLength(t + img.digest), annotations: { 'in-toto.io/predicate-type': t } })),
        subject: { mediaType: img.mediaType, digest: img.digest, size: img.size }
      })
    )
    const size = (d: string): number => (this.manifests.get(`${repo}@${d}`) as { bytes: Buffer }).bytes.length
    const manifests = [
      ...images.map((i) => ({ mediaType: OCI_MANIFEST, digest: i.digest, size: i.size, platform: i.p })),
      ...(opts.inIndex
        ? attestations.map((a, n) =>
            opts.describeEntries === false
              ? { mediaType: OCI_MANIFEST, digest: a, size: size(a), platform: (images[n] as { p: object }).p }
              : { mediaType: OCI_MANIFEST, digest: a, size: size(a), artifactType: ATTESTATION_ARTIFACT_TYPE }
          )
        : [])
    ]
    const digest = this.putManifest(repo, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, tags, OCI_INDEX)
    return { digest, images: images.map(({ platform, digest: d, config }) => ({ platform, digest: d, config })), attestations }
  }

  /** The digest a tag (or digest) of a repository names, if stored. */
  digest(repo: string, ref: string): string | undefined {
    const found = this.manifests.get(`${repo}@${ref}`)
    return found && digestOf(found.bytes)
  }

  /** Manifest requests (no ping, no token, no blob). */
  manifestRequests(): Seen[] {
    return this.requests.filter((r) => r.repo !== undefined)
  }

  /** How many manifest requests were sent, optionally of one method. */
  count(method?: string): number {
    return this.manifestRequests().filter((r) => !method || r.method === method).length
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

  /** The actions a Bearer token grants on a repository (`repository:<repo>:pull,push`, several scopes space-separated). */
  private granted(token: string | undefined, repo: string): string[] {
    const scopes = (token && this.validTokens.get(token)) || ''
    return scopes
      .split(' ')
      .filter((one) => one.startsWith(`repository:${repo}:`))
      .flatMap((one) => one.slice(`repository:${repo}:`.length).split(','))
  }

  private authorized(repo: string | undefined, h: string | undefined, action: 'pull' | 'push' = 'pull', from?: string): boolean {
    if (this.mode === 'anonymous') return true
    if (this.mode === 'basic') return this.basicOk(h)
    const token = h?.startsWith('Bearer ') ? h.slice(7) : undefined
    if (!token || !this.validTokens.has(token)) return false
    if (repo === undefined) return true
    if (!this.granted(token, repo).includes(action)) return false
    return from === undefined || from === repo || this.granted(token, from).includes('pull')
  }

  /** Whether `repo` may read blob `digest` (with blobsPerRepository, only when pushed or mounted there). */
  hasBlob(repo: string, digest: string): boolean {
    return this.blobs.has(digest) && (!this.blobsPerRepository || this.blobLinks.has(`${repo}@${digest}`))
  }

  /** Stores a blob in a repository (content-addressed: the bytes are shared, the link is per repository). */
  putBlob(repo: string, bytes: Buffer): string {
    const digest = digestOf(bytes)
    this.blobs.set(digest, bytes)
    this.blobLinks.add(`${repo}@${digest}`)
    return digest
  }

  /** Requests that write (PUT, POST other than the token service, DELETE). */
  writes(): Seen[] {
    return this.requests.filter((r) => (r.method === 'PUT' || r.method === 'POST' || r.method === 'DELETE') && !r.url.startsWith(REALM))
  }

  async send(rawUrl: string, req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(rawUrl)
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    const manifest = MANIFEST_PATH.exec(url.pathname)
    const body = req.body === undefined ? undefined : Buffer.from(req.body)
    const seen: Seen = {
      method: req.method,
      url: rawUrl,
      ...(headers.authorization && { authorization: headers.authorization }),
      ...(body && body.length > 0 && { body: body.toString('utf8') }),
      ...(manifest && { repo: manifest[1], ref: manifest[2] })
    }
    this.requests.push(seen)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs))
      const res = { ...(this.intercept?.(url, req) ?? this.route(url, req, headers, body)), url: rawUrl }
      seen.status = res.status
      return res
    } finally {
      this.inFlight--
    }
  }

  private error(status: number, code: string, message: string): HttpResponse {
    return this.json(status, { errors: [{ code, message }] })
  }

  private route(url: URL, req: HttpRequest, headers: Record<string, string>, body: Buffer | undefined): HttpResponse {
    const authorization = headers.authorization
    if (url.origin === new URL(REALM).origin) {
      const form = req.method === 'POST' ? new URLSearchParams(body?.toString('utf8')) : undefined
      const scope = form ? form.get('scope') : url.searchParams.getAll('scope').join(' ')
      const anonymous = !authorization && req.method !== 'POST'
      if (anonymous && !this.anonymousPull) return this.json(401, { details: 'anonymous denied' })
      if (authorization && !this.basicOk(authorization)) return this.json(401, { details: 'bad credentials' })
      if (form && form.get('refresh_token') !== this.creds?.password) return this.json(401, { details: 'bad refresh token' })
      const token = `tok-${++this.tokensIssued}`
      // anonymous callers get pull only, as real token services do
      const granted = anonymous ? (scope ?? '').split(' ').map((one) => one.replace(/:pull,push$|:push$/, ':pull')).join(' ') : (scope ?? '')
      this.validTokens.set(token, granted)
      return this.json(200, { [this.tokenField]: token, ...(this.expiresIn !== undefined && { expires_in: this.expiresIn }) })
    }
    if (url.pathname === '/v2/') return this.authorized(undefined, authorization) || this.mode === 'anonymous' ? this.json(200, {}) : this.challenge()
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(url.pathname)
    if (upload) return this.routeUpload(url, req, authorization, body, upload[1] as string, upload[2] as string)
    const referrers = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(url.pathname)
    if (referrers) return this.routeReferrers(referrers[1] as string, referrers[2] as string, authorization)
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname)
    if (!m) return this.json(404, { errors: [{ code: 'NOT_FOUND', message: 'no route' }] })
    const [, repo, kind, ref] = m as unknown as [string, string, string, string]
    const writing = req.method === 'PUT' || req.method === 'DELETE'
    if (!this.authorized(repo, authorization, writing ? 'push' : 'pull')) {
      return this.challenge(writing ? `repository:${repo}:pull,push` : `repository:${repo}:pull`)
    }
    if (kind === 'manifests' && req.method === 'PUT') return this.storeManifest(repo, ref, headers['content-type'] ?? '', body ?? Buffer.alloc(0))
    if (kind === 'manifests') {
      const found = this.manifests.get(`${repo}@${ref}`)
      if (!found) {
        const unknownName = this.nameUnknown && ![...this.manifests.keys()].some((k) => k.startsWith(`${repo}@`))
        const error = unknownName ? { code: 'NAME_UNKNOWN', message: 'name unknown' } : { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }
        return this.json(404, { errors: [error] })
      }
      const headers: Record<string, string> = { 'content-type': found.mediaType, 'content-length': String(found.bytes.length) }
      if (!(req.method === 'HEAD' && this.omitHeadDigest)) headers['docker-content-digest'] = digestOf(found.bytes)
      return { status: 200, headers, body: req.method === 'HEAD' ? Buffer.alloc(0) : found.bytes, url: '' }
    }
    const blob = this.hasBlob(repo, ref) ? this.blobs.get(ref) : undefined
    if (!blob) return req.method === 'HEAD' ? { status: 404, headers: {}, body: Buffer.alloc(0), url: '' } : this.error(404, 'BLOB_UNKNOWN', 'blob unknown')
    const blobHeaders = { 'content-type': 'application/octet-stream', 'content-length': String(blob.length), 'docker-content-digest': ref }
    return { status: 200, headers: blobHeaders, body: req.method === 'HEAD' ? Buffer.alloc(0) : blob, url: '' }
  }

  /** GET …/referrers/<digest>: the stored manifests of the repository whose `subject` is that digest, as an index. */
  private routeReferrers(repo: string, digest: string, authorization: string | undefined): HttpResponse {
    if (!this.authorized(repo, authorization)) return this.challenge(`repository:${repo}:pull`)
    if (!this.referrersApi) return this.error(404, 'NOT_FOUND', 'no route')
    const held = new Map<string, Buffer>()
    for (const [key, { bytes }] of this.manifests) if (key.startsWith(`${repo}@`)) held.set(digestOf(bytes), bytes)
    const manifests = [...held].flatMap(([d, bytes]) => {
      const m = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; artifactType?: string; config?: { mediaType?: string }; subject?: { digest?: string } }
      if (m.subject?.digest !== digest) return []
      return [{ mediaType: m.mediaType ?? OCI_MANIFEST, digest: d, size: bytes.length, artifactType: m.artifactType ?? m.config?.mediaType }]
    })
    return this.json(200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, { 'content-type': OCI_INDEX })
  }

  /** POST …/blobs/uploads/ (with ?mount=&from=: a cross-repository mount) and PUT …/blobs/uploads/<id>?digest=. */
  private routeUpload(url: URL, req: HttpRequest, authorization: string | undefined, body: Buffer | undefined, repo: string, id: string): HttpResponse {
    const mount = url.searchParams.get('mount')
    const from = url.searchParams.get('from') ?? undefined
    if (!this.authorized(repo, authorization, 'push', mount ? from : undefined)) {
      return this.challenge(`repository:${repo}:pull,push${mount && from ? ` repository:${from}:pull` : ''}`)
    }
    if (req.method === 'POST') {
      if (mount && from && !this.refuseMounts && this.hasBlob(from, mount)) {
        this.blobLinks.add(`${repo}@${mount}`)
        return { status: 201, headers: { location: `/v2/${repo}/blobs/${mount}`, 'docker-content-digest': mount }, body: Buffer.alloc(0), url: '' }
      }
      const session = `session-${++this.uploadSessions}`
      return { status: 202, headers: { location: `/v2/${repo}/blobs/uploads/${session}`, 'docker-upload-uuid': session }, body: Buffer.alloc(0), url: '' }
    }
    if (req.method === 'PUT' && id) {
      const digest = url.searchParams.get('digest') ?? ''
      const bytes = body ?? Buffer.alloc(0)
      if (digestOf(bytes) !== digest) return this.error(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content')
      this.putBlob(repo, bytes)
      return { status: 201, headers: { location: `/v2/${repo}/blobs/${digest}`, 'docker-content-digest': digest }, body: Buffer.alloc(0), url: '' }
    }
    return this.error(405, 'UNSUPPORTED', 'unsupported upload request')
  }

  /** A manifest PUT, checked as distribution checks it: what it references must be in the repository already. */
  private storeManifest(repo: string, ref: string, mediaType: string, bytes: Buffer): HttpResponse {
    const digest = digestOf(bytes)
    if (ref.startsWith('sha256:') && ref !== digest) return this.error(400, 'DIGEST_INVALID', 'manifest digest did not match')
    let parsed: { manifests?: Array<{ digest: string }>; config?: { digest: string }; layers?: Array<{ digest: string }> }
    try {
      parsed = JSON.parse(bytes.toString('utf8')) as typeof parsed
    } catch {
      return this.error(400, 'MANIFEST_INVALID', 'manifest invalid')
    }
    for (const child of parsed.manifests ?? []) {
      if (!this.manifests.has(`${repo}@${child.digest}`)) return this.error(400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${child.digest}`)
    }
    for (const blob of [...(parsed.config ? [parsed.config] : []), ...(parsed.layers ?? [])]) {
      if (!this.hasBlob(repo, blob.digest)) return this.error(400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${blob.digest}`)
    }
    this.putManifest(repo, bytes.toString('utf8'), ref.startsWith('sha256:') ? [] : [ref], mediaType)
    return { status: 201, headers: { location: `/v2/${repo}/manifests/${digest}`, 'docker-content-digest': digest }, body: Buffer.alloc(0), url: '' }
  }
}

/** The config blob putImage stores: its digest is the image ID a classic docker engine gives the same image. */
export function imageConfig(
  labels: Record<string, string>,
  platform: { os: string; architecture: string; variant?: string } = { os: 'linux', architecture: 'amd64' },
  extra: Record<string, unknown> = {}
): Buffer {
  return Buffer.from(JSON.stringify({ architecture: platform.architecture, os: platform.os, ...(platform.variant && { variant: platform.variant }), config: { Labels: labels }, ...extra }))
}

/**
 * The seam every action opens registries through (Deps.openRegistries), over the FakeRegistry: the real factory,
 * client and auth stack, with credentials found exactly as the actions find them (docker's from the env given, the
 * `login` credentials first).
 */
export function fakeRegistries(registry: FakeRegistry): OpenRegistries {
  return async (access) => dockerRegistries(access, registry)
}
