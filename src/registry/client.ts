import { mountScope, pullScope, pushScope, type RegistryAuth } from './auth'
import { BudgetExceededError, budgetHint, formatSeconds, REGISTRY_TIMEOUT_INPUT } from './budget'
import { isSha256Digest, matchesDigest, sha256Digest } from './digest'
import { confirmsByHead, headFacts, headUnsupported, isSchema1, SCHEMA1_HINT, type HeadFacts } from './confirm'
import { INCONSISTENT_HINT, RegistryError, describeStatus, errorDetail } from './errors'
import { isIndex, MANIFEST_ACCEPT, OCI_INDEX, parseJsonBytes, type Descriptor, type ImageIndex } from './manifest'
import { formatPlatform, pickPlatformEntry, platformEntries, type Platform } from './platform'
import type { HttpRequest, HttpResponse, Transport } from './transport'

export { RegistryError } from './errors'

export interface Manifest {
  /** `sha256:` of exactly `bytes`. */
  digest: string
  /** The body's own `mediaType`, else the Content-Type header. */
  mediaType: string
  bytes: Buffer
}

/** What a HEAD says about a manifest (confirm.ts reads the registries' quirks); unconfirmed: a HEAD has no body to hash. */
export type Head = HeadFacts

export interface DescriptorOptions {
  /**
   * true: confirm by GET by digest (the bytes hashed and kept), for a caller that reads the manifest next. false
   * (default): by HEAD by digest where the registry's answer allows (cheaper, and not a pull on Docker Hub).
   */
  verified?: boolean
  /** When the reference names an index: the manifest of this platform inside it (the index is fetched and hashed). */
  platform?: Platform
}

export interface Resolved {
  digest: string
  /** As the registry reported it ('' when it did not say). */
  mediaType: string
  /** How the digest was confirmed by digest: 'head' (a HEAD by digest answered it), 'get' (served by digest, hashed). */
  source: 'head' | 'get'
  /** With `platform`, when the reference named an index: the index (`digest` is then its platform manifest's). */
  index?: { digest: string; platforms: string[] }
}

/** The index has no manifest for the platform asked for; `platforms` lists the ones it has. */
export class PlatformNotFoundError extends RegistryError {
  constructor(
    readonly where: string,
    readonly platform: Platform,
    readonly platforms: string[]
  ) {
    super(`${where} is an index without ${formatPlatform(platform)} (it has ${platforms.join(', ') || 'no platform entries'})`)
    this.name = 'PlatformNotFoundError'
  }
}

export interface ClientOptions {
  registry: string
  repository: string
  /** API base URL, e.g. `https://ghcr.io` (see registryBase). */
  base: string
  transport: Transport
  auth: RegistryAuth
  /** Ask for push access too (`repository:<name>:pull,push`): needed to PUT manifests and mount or upload blobs. */
  push?: boolean
}

/** What a manifest PUT stored, as far as the answer says: a later read-back is what proves it. */
export interface PutResult {
  /** `sha256:` of the bytes sent (the registry's Docker-Content-Digest, when it sent one, agrees). */
  digest: string
  /** The Location the registry answered with, if any. */
  location?: string
}

/** A cross-repository mount's answer: mounted (201), or refused with an upload session opened instead (202). */
export type MountResult = { mounted: true } | { mounted: false; location: string }

const MAX_REDIRECTS = 5
/** The manifest size the OCI distribution spec asks every registry to accept; 413 above a registry's own limit. */
export const MANIFEST_SIZE_FLOOR = 4 * 1048576

function mediaTypeOf(res: HttpResponse): string {
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { mediaType?: unknown }
    if (typeof parsed.mediaType === 'string' && parsed.mediaType) return parsed.mediaType
  } catch {
    // not JSON: the caller's parser will say so
  }
  return res.headers['content-type']?.split(';')[0]?.trim() ?? ''
}

/**
 * An OCI distribution client for one repository. Every request carries the repository's authorization (pull scope;
 * pull and push for a client made with `push`, plus pull of the source repository for a mount); a 401 re-challenges
 * once. Manifests are hashed byte for byte: a digest this client returns from a GET is always the hash of the bytes
 * received, and one the registry named itself (or, by tag without a header, confirmed by digest): never a digest the
 * registry does not hold. A manifest it has fetched is kept by digest (content-addressed, so it cannot change), so
 * asking for it again costs no request.
 */
export class RegistryClient {
  readonly base: string
  readonly registry: string
  readonly repository: string
  private readonly scope: string
  /** Manifests the registry served (or confirmed) under their digest: content-addressed, so never asked again. */
  private readonly fetched = new Map<string, Manifest>()
  /** GETs by digest sent (fetch), answered or failed. */
  private readonly fetchingByDigest = new Map<string, Promise<Manifest>>()
  /** HEADs by digest sent (confirmDigest), answered or failed: one per digest and client, however many answers name it. */
  private readonly headsByDigest = new Map<string, Promise<HttpResponse>>()
  /** The registry answered a HEAD with 405/501: every later question is a GET. */
  private headless = false

  constructor(private readonly options: ClientOptions) {
    this.registry = options.registry
    this.repository = options.repository
    this.base = options.base
    this.scope = options.push ? pushScope(options.repository) : pullScope(options.repository)
  }

  /**
   * Gets ready for the first real request ahead of it: pings the registry (`/v2/`: learns its auth challenge and opens
   * a connection), then looks up the credentials and, on a token registry, fetches this repository's token (kept
   * until it expires). Never fails by itself: a failure is remembered (the ping) or met again (a token), and the first
   * request that needs it fails with its error.
   */
  async warmUp(): Promise<void> {
    await this.options.auth.authorization(this.scope).catch(() => undefined)
  }

  private where(ref?: string): string {
    const name = `${this.registry}/${this.repository}`
    return ref === undefined ? name : ref.includes(':') ? `${name}@${ref}` : `${name}:${ref}`
  }

  private async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.options.transport.send(url, req)
    } catch (error) {
      const path = new URL(url).pathname
      if (error instanceof BudgetExceededError) {
        throw new RegistryError(
          `registry ${this.registry} did not answer ${req.method} ${path} within the ${formatSeconds(error.budgetMs)} ${REGISTRY_TIMEOUT_INPUT}`,
          budgetHint(this.registry)
        )
      }
      throw new RegistryError(
        `registry ${this.registry} could not be reached (${req.method} ${path}): ${(error as Error).message}`,
        `check that ${this.registry} is reachable from the runner; transient failures were already retried`
      )
    }
  }

  /** Sends with the repository's authorization; on a 401 answers the new challenge once and resends. */
  private async authed(url: string, req: HttpRequest, scope: string = this.scope): Promise<HttpResponse> {
    const withAuth = (authorization: string | undefined): HttpRequest => ({
      ...req,
      headers: { ...req.headers, ...(authorization && { authorization }) }
    })
    const sent = await this.options.auth.authorization(scope)
    const res = await this.send(url, withAuth(sent))
    if (res.status !== 401) return res
    const next = await this.options.auth.rechallenge(scope, res.headers['www-authenticate'], sent)
    return next ? this.send(url, withAuth(next)) : res
  }

  private fail(res: HttpResponse, what: string, write = false): never {
    const { code } = errorDetail(res)
    const status = describeStatus(res)
    if (write && (res.status === 401 || res.status === 403)) {
      throw new RegistryError(
        `registry ${this.registry} refused to write ${what} to ${this.repository} (${status})`,
        `make sure the credentials for ${this.registry} may push to ${this.repository} (GHCR: 'permissions: packages: write' for GITHUB_TOKEN; or the 'username'/'password' inputs)`,
        res.status,
        code
      )
    }
    if (write && res.status >= 400 && res.status < 500 && res.status !== 404 && res.status !== 429) {
      throw new RegistryError(`registry ${this.registry} rejected ${what} for ${this.repository} (${status})`, undefined, res.status, code)
    }
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        `registry ${this.registry} refused to read ${what} (${status})`,
        `make sure the runner is logged in to ${this.registry} with read access to ${this.repository} (docker/login-action, or the 'username'/'password' inputs)`,
        res.status,
        code
      )
    }
    if (res.status === 404) {
      throw new RegistryError(`${what} was not found in ${this.where()} (${status})`, undefined, 404, code)
    }
    if (res.status === 429) {
      throw new RegistryError(
        `registry ${this.registry} is rate limiting requests for ${what} (${status})`,
        'wait and re-run the job, or authenticate: registries give anonymous clients lower limits',
        429,
        code
      )
    }
    throw new RegistryError(
      `registry ${this.registry} did not serve ${what} (${status})`,
      res.status >= 500 ? 'the registry is failing; re-run the job later' : undefined,
      res.status,
      code
    )
  }

  private manifestUrl(ref: string): string {
    return `${this.base}/v2/${this.repository}/manifests/${ref}`
  }

  /**
   * HEAD a manifest: what the registry says about it, without the body (not a pull on Docker Hub). Unconfirmed by
   * itself (see confirm.ts). undefined when the registry does not implement HEAD (405, 501): it is not asked again.
   */
  async head(ref: string): Promise<Head | undefined> {
    if (this.headless) return undefined
    const res = await this.authed(this.manifestUrl(ref), { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } })
    if (headUnsupported(res.status)) {
      this.headless = true
      return undefined
    }
    if (res.status !== 200) this.fail(res, `manifest ${ref}`)
    const facts = headFacts(res)
    if (isSchema1(facts.mediaType)) this.schema1(ref)
    return facts
  }

  private schema1(ref: string): never {
    throw new RegistryError(
      `registry ${this.registry} answered ${this.where(ref)} with a Docker schema 1 manifest, although every current manifest type was asked for; schema 1 is not supported`,
      SCHEMA1_HINT
    )
  }

  /**
   * GET a manifest by tag or digest, digest computed from the bytes received. Inconsistent data is an error: a
   * Docker-Content-Digest header that disagrees with the bytes, or bytes that do not hash to the digest asked for.
   * By tag, the digest is then confirmed by digest (confirm.ts) before it is returned.
   */
  async manifest(ref: string): Promise<Manifest> {
    const m = await this.fetch(ref)
    if (!ref.includes(':')) await this.confirm(ref, m)
    return m
  }

  /**
   * The GET behind manifest(): by digest it is the proof itself (kept in `fetched`; one GET however many ask at once,
   * and a failure stands for the client's life: the transport has retried what was worth retrying); by tag it still
   * needs confirming.
   */
  private fetch(ref: string): Promise<Manifest> {
    const known = this.fetched.get(ref)
    if (known) return Promise.resolve(known)
    if (!ref.includes(':')) return this.get(ref)
    let pending = this.fetchingByDigest.get(ref)
    if (!pending) {
      pending = this.get(ref)
      this.fetchingByDigest.set(ref, pending)
    }
    return pending
  }

  private async get(ref: string): Promise<Manifest> {
    const res = await this.authed(this.manifestUrl(ref), { method: 'GET', headers: { accept: MANIFEST_ACCEPT } })
    if (res.status !== 200) this.fail(res, `manifest ${ref}`)
    const digest = sha256Digest(res.body)
    const header = res.headers['docker-content-digest']?.trim()
    if (header && header !== digest) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data for ${this.where(ref)}: Docker-Content-Digest says ${header} but the manifest bytes hash to ${digest}`,
        INCONSISTENT_HINT
      )
    }
    const mediaType = mediaTypeOf(res)
    if (isSchema1(mediaType, res.body)) this.schema1(ref)
    const byDigest = ref.includes(':')
    if (byDigest && ref !== digest) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data: the manifest served for ${this.where(ref)} hashes to ${digest}`,
        INCONSISTENT_HINT
      )
    }
    const manifest = { digest, mediaType, bytes: res.body }
    if (byDigest) this.fetched.set(digest, manifest)
    return manifest
  }

  /**
   * Confirms by digest (confirm.ts) what an answer by `ref` (a tag) named: `digest`, of `size` bytes when known. Nothing
   * to do when the registry already served it by digest. Else a HEAD by digest answering the same digest and size;
   * a GET by digest, hashed, when `get` (the caller reads the bytes next anyway) or when the HEAD cannot say (no
   * digest header, as on ECR; not implemented). A 404 means the registry holds no manifest under that digest: the
   * answer by tag was altered on the way, or the tag moved while it was read: a failure, never that digest.
   */
  private async confirmDigest(ref: string, digest: string, size: number | undefined, get: boolean): Promise<{ mediaType: string; source: 'head' | 'get' }> {
    const known = this.fetched.get(digest)
    if (!known && !get && !this.headless) {
      const res = await this.headByDigest(digest)
      if (res.status === 404) this.notHeld(ref, digest, res)
      if (headUnsupported(res.status)) this.headless = true
      else if (res.status !== 200) this.fail(res, `manifest ${digest}`)
      else {
        const facts = headFacts(res)
        if (isSchema1(facts.mediaType)) this.schema1(digest)
        const verdict = confirmsByHead(digest, facts, size)
        if (typeof verdict === 'string') throw new RegistryError(`registry ${this.registry} returned inconsistent data for ${this.where(ref)}: ${verdict}`, INCONSISTENT_HINT)
        if (verdict === true) return { mediaType: facts.mediaType as string, source: 'head' }
      }
    }
    let m = known
    if (!m) {
      try {
        m = await this.fetch(digest)
      } catch (error) {
        if (error instanceof RegistryError && error.status === 404 && digest !== ref) this.notHeld(ref, digest, undefined, /\((HTTP 404[^)]*)\)$/.exec(error.message)?.[1])
        throw error
      }
    }
    if (size !== undefined && m.bytes.length !== size) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data for ${this.where(ref)}: its answer gives ${digest} a size of ${size} bytes, the manifest served by digest has ${m.bytes.length}`,
        INCONSISTENT_HINT
      )
    }
    return { mediaType: m.mediaType, source: 'get' }
  }

  /** One HEAD by digest however many answers by tag name that digest at once (several tags of one image). */
  private headByDigest(digest: string): Promise<HttpResponse> {
    let pending = this.headsByDigest.get(digest)
    if (!pending) {
      pending = this.authed(this.manifestUrl(digest), { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } })
      this.headsByDigest.set(digest, pending)
    }
    return pending
  }

  /**
   * Confirms by digest (confirm.ts) the digest a HEAD by `ref` (a tag) named, as descriptor() does after its own HEAD:
   * no request when the registry already served it by digest; else a HEAD by digest, or with `get` a GET by digest
   * (hashed, kept). A 404 fails, naming the tag and the digest it was answered with.
   */
  async confirmHead(ref: string, head: Head & { digest: string }, get = false): Promise<Resolved> {
    const confirmed = await this.confirmDigest(ref, head.digest, head.size, get)
    return { digest: head.digest, mediaType: confirmed.mediaType, source: confirmed.source }
  }

  private notHeld(ref: string, digest: string, res?: HttpResponse, got = 'HTTP 404'): never {
    throw new RegistryError(
      `registry ${this.registry} answered ${this.where(ref)} with ${digest}, but holds no manifest under that digest (${res ? `HEAD by digest: ${describeStatus(res)}` : `GET by digest: ${got}`}): the answer was altered on the way, or the tag moved while it was read`,
      INCONSISTENT_HINT
    )
  }

  /** A manifest fetched by tag is the registry's only once confirmed by digest; then it is kept like one fetched by digest. */
  private async confirm(ref: string, m: Manifest, get = false): Promise<void> {
    if (this.fetched.has(m.digest)) return
    await this.confirmDigest(ref, m.digest, m.bytes.length, get)
    this.fetched.set(m.digest, m)
  }

  /** GET an index by tag or digest (hash-verified) and parse it. */
  async index(ref: string): Promise<ImageIndex> {
    const m = await this.manifest(ref)
    try {
      const index = JSON.parse(m.bytes.toString('utf8')) as ImageIndex
      if (!Array.isArray(index.manifests)) throw new Error('no manifests array')
      return index
    } catch (e) {
      throw new RegistryError(`index ${m.digest} of ${this.where()} is not a valid image index: ${(e as Error).message}`)
    }
  }

  /**
   * What a tag or digest names, every digest confirmed by digest (confirm.ts), with as few requests as that allows:
   * by tag, a HEAD says which digest to confirm (GET by tag and hash when it names none, or HEAD is not implemented);
   * then a HEAD by digest, or with `verified` a GET by digest (hashed, and kept: the caller's manifest() of it costs
   * nothing). By digest: one HEAD answering that digest, or with `verified` the GET. The one resolution every action
   * uses: the build's read-back, resolve and merge.
   */
  async descriptor(ref: string, options: DescriptorOptions = {}): Promise<Resolved> {
    const found = await this.find(ref, options)
    if (!options.platform || !isIndex(found.mediaType)) return found
    const index = await this.index(found.digest)
    const platforms = platformEntries(index).map((m) => formatPlatform(m.platform))
    const entry = pickPlatformEntry(index, options.platform)
    if (!entry || !isSha256Digest(entry.digest)) throw new PlatformNotFoundError(this.where(ref), options.platform, platforms)
    // the index (hashed) names the entry; that the registry holds it is confirmed by digest like any other digest
    const child = await this.confirmDigest(`${found.digest} (${formatPlatform(options.platform)})`, entry.digest, typeof entry.size === 'number' ? entry.size : undefined, false)
    return { digest: entry.digest, mediaType: entry.mediaType || child.mediaType, source: found.source, index: { digest: found.digest, platforms } }
  }

  private async find(ref: string, { verified = false, platform }: DescriptorOptions): Promise<Resolved> {
    if (ref.includes(':')) {
      const known = this.fetched.get(ref)
      if (known) return { digest: ref, mediaType: known.mediaType, source: 'get' }
      const head = verified ? undefined : await this.head(ref)
      if (head) {
        const verdict = confirmsByHead(ref, head)
        if (typeof verdict === 'string') throw new RegistryError(`registry ${this.registry} returned inconsistent data: ${verdict}`, INCONSISTENT_HINT)
        if (verdict === true) return { digest: ref, mediaType: head.mediaType as string, source: 'head' }
      }
      const m = await this.fetch(ref)
      return { digest: m.digest, mediaType: m.mediaType, source: 'get' }
    }
    const head = await this.head(ref)
    if (head?.digest) {
      // an index read for its platform is fetched by digest anyway: that GET is the confirmation
      const confirmed = await this.confirmDigest(ref, head.digest, head.size, verified || (platform !== undefined && isIndex(head.mediaType)))
      return { digest: head.digest, mediaType: confirmed.mediaType, source: confirmed.source }
    }
    // no HEAD, or one naming no digest: the bytes by tag, hashed, then confirmed by digest (a registry whose HEAD by
    // tag names no digest will not name it by digest either: the GET by digest is the one answer)
    const m = await this.fetch(ref)
    await this.confirm(ref, m, verified || head !== undefined)
    return { digest: m.digest, mediaType: m.mediaType, source: 'get' }
  }

  /**
   * PUT a manifest under a tag or its digest. Answered 201 (any 2xx is taken as accepted); a Docker-Content-Digest
   * in the answer that is not the hash of the bytes sent is inconsistent data. An accepted PUT is not proof that the
   * registry stored it (a proxy may answer for it): read it back by digest.
   */
  async putManifest(ref: string, bytes: Buffer, mediaType: string): Promise<PutResult> {
    const digest = sha256Digest(bytes)
    if (ref.includes(':') && ref !== digest) throw new RegistryError(`manifest bytes hash to ${digest}, not to the digest ${ref} they were to be stored under`)
    const res = await this.authed(this.manifestUrl(ref), { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes })
    if (res.status === 413) {
      throw new RegistryError(
        `registry ${this.registry} rejected manifest ${ref} for ${this.repository} as too large (${describeStatus(res)}): it is ${bytes.length} bytes (${(bytes.length / 1048576).toFixed(2)} MiB), over the registry's manifest size limit`,
        `the OCI distribution spec asks registries to accept manifests of at least ${MANIFEST_SIZE_FLOOR / 1048576} MiB; make the manifest smaller (fewer platforms or annotations), or ask the registry operator for its limit`,
        413,
        errorDetail(res).code
      )
    }
    if (res.status < 200 || res.status >= 300) this.fail(res, `manifest ${ref}`, true)
    const header = res.headers['docker-content-digest']?.trim()
    if (header && header !== digest) {
      throw new RegistryError(
        `registry ${this.registry} answered the PUT of ${this.where(ref)} with Docker-Content-Digest ${header}, but the bytes sent hash to ${digest}`,
        INCONSISTENT_HINT
      )
    }
    return { digest, ...(res.headers.location && { location: res.headers.location }) }
  }

  /**
   * Mounts a blob of repository `from` (same registry) into this one: `POST /v2/<name>/blobs/uploads/?mount=&from=`.
   * 201: mounted. 202: the registry declined and opened an upload session instead (its Location), which the caller
   * may fill (uploadBlob) or abandon. Repeating a mount is harmless, so it is retried like an idempotent request.
   */
  async mountBlob(digest: string, from: string): Promise<MountResult> {
    if (!isSha256Digest(digest)) throw new RegistryError(`cannot mount '${digest}': not a sha256 digest`)
    const query = new URLSearchParams({ mount: digest, from })
    const url = `${this.base}/v2/${this.repository}/blobs/uploads/?${query.toString()}`
    const res = await this.authed(url, { method: 'POST', headers: { 'content-length': '0' }, idempotent: true }, mountScope(this.repository, from))
    if (res.status === 201) return { mounted: true }
    if (res.status === 202 && res.headers.location) return { mounted: false, location: res.headers.location }
    return this.fail(res, `blob ${digest} (mounted from ${from})`, true)
  }

  /** Whether this repository holds a blob (HEAD; a redirect to storage counts as held). */
  async blobExists(digest: string): Promise<boolean> {
    const res = await this.authed(`${this.base}/v2/${this.repository}/blobs/${digest}`, { method: 'HEAD' })
    if (res.status === 200 || (res.status >= 300 && res.status < 400 && res.headers.location)) return true
    if (res.status === 404) return false
    return this.fail(res, `blob ${digest}`)
  }

  /**
   * Completes an upload session (a `location` from mountBlob's 202, or from starting an upload) with the whole blob in
   * one PUT (`?digest=`). The registry checks the digest; the answer's Docker-Content-Digest must agree.
   */
  async uploadBlob(location: string, bytes: Buffer, digest: string): Promise<void> {
    if (!matchesDigest(digest, bytes)) throw new RegistryError(`blob bytes hash to ${sha256Digest(bytes)}, not to ${digest}`)
    const url = new URL(location, `${this.base}/v2/${this.repository}/blobs/uploads/`)
    if (url.origin !== new URL(this.base).origin) {
      throw new RegistryError(`registry ${this.registry} opened an upload session on another host (${url.origin}); not sending credentials there`)
    }
    url.searchParams.set('digest', digest)
    const res = await this.authed(url.toString(), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes
    })
    if (res.status < 200 || res.status >= 300) this.fail(res, `blob ${digest}`, true)
    const header = res.headers['docker-content-digest']?.trim()
    if (header && header !== digest) {
      throw new RegistryError(`registry ${this.registry} stored blob ${digest} as ${header}`, INCONSISTENT_HINT)
    }
  }

  /**
   * The OCI 1.1 referrers of a manifest (`GET /v2/<name>/referrers/<digest>`): descriptors of the artifacts whose
   * `subject` it is. A registry without the API answers 404: none. The answer is not content-addressed, so a referrer
   * is believed only once read by digest (hashed).
   */
  async referrers(digest: string): Promise<Descriptor[]> {
    if (!isSha256Digest(digest)) throw new RegistryError(`cannot ask for the referrers of '${digest}': not a sha256 digest`)
    const res = await this.authed(`${this.base}/v2/${this.repository}/referrers/${digest}`, { method: 'GET', headers: { accept: OCI_INDEX } })
    if (res.status === 404) return []
    if (res.status !== 200) this.fail(res, `the referrers of ${digest}`)
    const parsed = parseJsonBytes<Partial<ImageIndex>>(res.body, `the referrers of ${digest} in ${this.where()}`)
    return Array.isArray(parsed.manifests) ? parsed.manifests : []
  }

  /** GET a blob, following redirects (Authorization only ever goes to the registry's own origin), hash-verified. */
  async blob(digest: string): Promise<Buffer> {
    const origin = new URL(this.base).origin
    let url = `${this.base}/v2/${this.repository}/blobs/${digest}`
    let res = await this.authed(url, { method: 'GET' })
    for (let hops = 0; res.status >= 300 && res.status < 400 && res.headers.location; hops++) {
      if (hops >= MAX_REDIRECTS) throw new RegistryError(`too many redirects fetching blob ${digest} from ${this.registry}`)
      const next = new URL(res.headers.location, url)
      url = next.toString()
      res = next.origin === origin ? await this.authed(url, { method: 'GET' }) : await this.send(url, { method: 'GET' })
    }
    if (res.status !== 200) this.fail(res, `blob ${digest}`)
    if (!matchesDigest(digest, res.body)) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data: blob ${digest} hashes to ${sha256Digest(res.body)}`,
        INCONSISTENT_HINT
      )
    }
    return res.body
  }
}
