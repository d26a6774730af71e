/**
 * A streaming HTTP reverse proxy on 127.0.0.1:0 in front of a registry, for fault injection.
 * Requests pass through faithfully (bodies streamed both ways; Location and a WWW-Authenticate realm
 * are rewritten only when they point at the upstream host) until a rule matches; a matching rule
 * applies its fault `times` times (default 1).
 *
 * A second listener ("other host", reached as http://localhost:PORT while the proxy is 127.0.0.1:PORT)
 * stands in for blob storage behind a registry redirect (S3/CDN): `{ redirectTo: 'other-host' }`
 * turns a successful blob GET into a 307 there, and the other host records whether the client sent it
 * an Authorization header (it must not: credentials are for the registry only).
 *
 * Faults for the reliability suite (issue 14) and the index/merge paths (issues 9, 10): a tampering
 * mirror (`appendNewline` on manifests by tag, see tamperingMirror()), PUTs answered 201 that store
 * nothing (`acceptWithoutStoring`), refused blob mounts (`refuseMount`), requests that are accepted and
 * never answered (`hang`, see hungRegistry()), and a token realm pointing elsewhere (setRealm(), e.g. at a
 * startHungServer()). `timeline` records when each request arrived, was answered and was closed, so a
 * test can assert a client's time to fail.
 */
import { createHash, randomBytes } from 'node:crypto'
import { Agent, createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { TestRegistry } from './registry'

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { dropHeaders: string[] }
  | { setHeaders: Record<string, string> }
  /**
   * Artifactory's manifest answers: Docker-Content-Digest moved to X-Checksum-Sha256 (bare hex) and, on a HEAD,
   * Content-Type application/octet-stream. Passes through anything without the header.
   */
  | { artifactoryHeaders: true }
  | { reset: true }
  | { delayMs: number }
  | { corruptBody: true }
  | { redirectTo?: 'other-host' }
  /**
   * A caching proxy / broken mirror: a 2xx GET gets `\n` appended (Content-Length fixed) and loses
   * Docker-Content-Digest; a 2xx HEAD loses the header and announces the longer length. Anything else
   * passes through and does not use the rule up.
   */
  | { appendNewline: true }
  /** Answers 201 with a plausible Docker-Content-Digest and Location but never forwards the request. */
  | { acceptWithoutStoring: true }
  /**
   * On `POST …/blobs/uploads/?mount=…&from=…`: forwards without `mount`/`from`, so the registry opens an
   * ordinary upload session (202 + Location), which is how a registry refuses a cross-repository mount.
   * Requests without `mount` pass through and do not use the rule up.
   */
  | { refuseMount: true }
  /** Accepts the request and never answers (until the client gives up or the proxy stops). */
  | { hang: true }

export interface FaultRule {
  /** matched case-insensitively; any method when omitted */
  method?: string
  /** tested against the request path including its query string, e.g. /v2/foo/manifests/latest */
  path: RegExp
  /**
   * tested against the User-Agent header ('' when absent): e.g. /^pinned-build-action/ for the action's own requests
   * only, so docker's push through the same proxy stays clean
   */
  userAgent?: RegExp
  /**
   * The rule applies only when the Accept header does NOT match (tested against '' when absent): a registry that
   * answers differently when a media type is missing from Accept (ACR: MANIFEST_UNKNOWN for an index without the OCI
   * types; Quay: schema 1 without the Docker types)
   */
  unlessAccept?: RegExp
  fault: Fault
  /** default 1; Infinity allowed */
  times?: number
}

export interface ProxiedRequest {
  method: string
  /** request path with query; requests to the other host are prefixed `/other-host/` */
  path: string
  /** status sent to the client (0 when the connection was reset before any status) */
  status: number
  /** whether the request carried an Authorization header */
  authorization: boolean
  /** its User-Agent ('' when absent): `pinned-build-action…` for the action's read-back, `docker/…` for the engine */
  userAgent: string
  /**
   * which fault was applied: 'status:503', 'dropHeaders:a,b', 'setHeaders:a,b', 'reset', 'delay:100', 'corruptBody',
   * 'redirect:other-host', 'appendNewline', 'acceptWithoutStoring', 'refuseMount', 'hang'
   */
  fault?: string
}

/** When a request arrived and ended, in Date.now() milliseconds (one entry per entry of `requests`). */
export interface TimedRequest {
  request: ProxiedRequest
  receivedAt: number
  /** the response was sent completely */
  respondedAt?: number
  /** the response stream closed: after respondedAt normally; for a hung request, when the client gave up or the proxy stopped */
  closedAt?: number
}

export interface FaultProxy {
  /** '127.0.0.1:PORT' */
  host: string
  /** 'http://127.0.0.1:PORT' */
  url: string
  requests: ProxiedRequest[]
  addRule(r: FaultRule): void
  clear(): void
  stop(): Promise<void>
  /** extras: the upstream it forwards to, the other host's base URL (http://localhost:PORT), rules left */
  upstream: string
  otherHostUrl: string
  pendingRules(): number
  /** arrival and end times of every request, in the order of `requests` */
  timeline: TimedRequest[]
  /** requests accepted and not answered yet because of a `hang` fault */
  hanging(): number
  /**
   * Replaces the realm of every WWW-Authenticate challenge sent to clients (undefined: back to normal),
   * e.g. setRealm(hung.url + "/token") for a token service that never answers.
   */
  setRealm(realm: string | undefined): void
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'])

type FaultKind =
  | 'status'
  | 'dropHeaders'
  | 'setHeaders'
  | 'artifactoryHeaders'
  | 'reset'
  | 'delay'
  | 'corruptBody'
  | 'redirect'
  | 'appendNewline'
  | 'acceptWithoutStoring'
  | 'refuseMount'
  | 'hang'

function describe(f: Fault): { kind: FaultKind; label: string } {
  if ('status' in f) return { kind: 'status', label: `status:${f.status}` }
  if ('dropHeaders' in f) return { kind: 'dropHeaders', label: `dropHeaders:${f.dropHeaders.join(',')}` }
  if ('setHeaders' in f) return { kind: 'setHeaders', label: `setHeaders:${Object.keys(f.setHeaders).join(',')}` }
  if ('artifactoryHeaders' in f) return { kind: 'artifactoryHeaders', label: 'artifactoryHeaders' }
  if ('reset' in f) return { kind: 'reset', label: 'reset' }
  if ('delayMs' in f) return { kind: 'delay', label: `delay:${f.delayMs}` }
  if ('corruptBody' in f) return { kind: 'corruptBody', label: 'corruptBody' }
  if ('appendNewline' in f) return { kind: 'appendNewline', label: 'appendNewline' }
  if ('acceptWithoutStoring' in f) return { kind: 'acceptWithoutStoring', label: 'acceptWithoutStoring' }
  if ('refuseMount' in f) return { kind: 'refuseMount', label: 'refuseMount' }
  if ('hang' in f) return { kind: 'hang', label: 'hang' }
  return { kind: 'redirect', label: 'redirect:other-host' }
}

/**
 * Changes a body without changing its length. JSON bodies keep parsing: one hex digit of the last
 * 64-hex run (a digest) is changed, so a client must verify the digest to notice. Anything else gets
 * its middle byte inverted.
 */
export function corrupt(body: Buffer): Buffer {
  const out = Buffer.from(body)
  if (out.length === 0) return out
  const text = out.toString('latin1')
  const runs = [...text.matchAll(/[0-9a-f]{64}/g)]
  const last = runs[runs.length - 1]
  if (last?.index !== undefined) {
    const i = last.index + 10
    out[i] = out[i] === 0x30 ? 0x31 : 0x30 // '0' ↔ '1' (anything else becomes '0')
    return out
  }
  const mid = out.length >> 1
  out[mid] = (out[mid] ?? 0) ^ 0xff
  return out
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/**
 * A rule path for `/v2/<repo>/manifests/<ref>`: ref 'tag' matches any tag (never a digest), 'digest'
 * any digest, anything else that exact reference; repo undefined matches every repository.
 */
export function manifestPath(repo: string | undefined, ref: 'tag' | 'digest' | string): RegExp {
  const name = repo === undefined ? '[^?]+?' : escapeRegExp(repo)
  const r = ref === 'tag' ? '[\\w][\\w.-]{0,127}' : ref === 'digest' ? '[A-Za-z0-9_+.-]+:[0-9a-fA-F]{32,}' : escapeRegExp(ref)
  return new RegExp(`^/v2/${name}/manifests/${r}(\\?.*)?$`)
}

/**
 * Rules for a tampering mirror (issue 14, F3): GETs of manifests by tag get `\n` appended and lose
 * Docker-Content-Digest; with `heads` (default true) HEADs by tag lose the header too. Manifests by digest
 * are left alone, so a digest hashed from the tampered body is one the registry answers 404 for.
 */
export function tamperingMirror(opts: { repo?: string; heads?: boolean; times?: number } = {}): FaultRule[] {
  const path = manifestPath(opts.repo, 'tag')
  const times = opts.times ?? Infinity
  const rules: FaultRule[] = [{ method: 'GET', path, fault: { appendNewline: true }, times }]
  if (opts.heads !== false) rules.push({ method: 'HEAD', path, fault: { appendNewline: true }, times })
  return rules
}

/** A status fault with a distribution-shaped JSON error body (`{"errors":[{code,message}]}`). */
export function registryError(status: number, code: string, message: string, headers: Record<string, string> = {}): Fault {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] })
  return { status, body, headers: { 'content-type': 'application/json', ...headers } }
}

/** 429 TOOMANYREQUESTS with Retry-After (seconds, or an HTTP date). */
export const tooManyRequests = (retryAfter = '1'): Fault =>
  registryError(429, 'TOOMANYREQUESTS', 'too many requests (injected)', { 'retry-after': retryAfter })

/** 503 UNAVAILABLE, with Retry-After when given. */
export const unavailable = (retryAfter?: string): Fault =>
  registryError(503, 'UNAVAILABLE', 'service unavailable (injected)', retryAfter === undefined ? {} : { 'retry-after': retryAfter })

/** 404 MANIFEST_UNKNOWN as the distribution registry sends it. */
export const manifestUnknown = (): Fault => registryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown')

/**
 * A registry that accepts connections and never answers: by default only the `/v2/` ping hangs;
 * `all: true` hangs every request; `userAgent` hangs only requests whose User-Agent matches (e.g.
 * /^pinned-build-action/: the action's, while docker's push goes through). Add it with `proxy.addRule(hungRegistry())`.
 */
export function hungRegistry(opts: { all?: boolean; userAgent?: RegExp } = {}): FaultRule {
  return { path: opts.all ? /^/ : /^\/v2\/?(\?.*)?$/, fault: { hang: true }, times: Infinity, ...(opts.userAgent && { userAgent: opts.userAgent }) }
}

/** Where acceptWithoutStoring says the content went, and the digest it claims. */
function fakeCreated(path: string, body: Buffer): { digest: string; location: string } {
  const u = new URL(path, 'http://x')
  const digest = u.searchParams.get('digest') ?? u.searchParams.get('mount') ?? `sha256:${createHash('sha256').update(body).digest('hex')}`
  const m = /^\/v2\/(.+?)\/(manifests|blobs)\//.exec(u.pathname)
  const name = m?.[1] ?? 'unknown'
  return { digest, location: `/v2/${name}/${m?.[2] === 'manifests' ? 'manifests' : 'blobs'}/${digest}` }
}

function upstreamHostOf(upstream: TestRegistry | string): string {
  if (typeof upstream !== 'string') return upstream.host
  return /^https?:\/\//i.test(upstream) ? new URL(upstream).host : upstream.replace(/\/+$/, '')
}

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function copyHeaders(src: IncomingMessage, skip: (name: string) => boolean = () => false): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const [k, v] of Object.entries(src.headersDistinct)) {
    if (v === undefined || HOP_BY_HOP.has(k) || skip(k)) continue
    out[k] = v.length === 1 ? v[0] : v
  }
  return out
}

function resetSocket(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else socket.destroy()
}

export async function startFaultProxy(upstream: TestRegistry | string): Promise<FaultProxy> {
  const upstreamHost = upstreamHostOf(upstream)
  const colon = upstreamHost.lastIndexOf(':')
  const upstreamHostname = colon > 0 ? upstreamHost.slice(0, colon).replace(/^\[|\]$/g, '') : upstreamHost
  const upstreamPort = colon > 0 ? Number(upstreamHost.slice(colon + 1)) : 80
  const agent = new Agent({ keepAlive: true, maxSockets: 32 })
  const requests: ProxiedRequest[] = []
  const rules: Array<{ rule: FaultRule; remaining: number }> = []
  /** redirect tickets: other-host path → what to fetch upstream */
  const tickets = new Map<string, { path: string; authorization?: string }>()
  const timeline: TimedRequest[] = []
  const hung = new Set<ServerResponse>()
  let realmOverride: string | undefined
  let proxyHost = ''
  let otherHostUrl = ''

  const take = (method: string, path: string, userAgent: string, accept = ''): { rule: { rule: FaultRule; remaining: number }; fault: Fault } | undefined => {
    for (const r of rules) {
      if (r.remaining <= 0) continue
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue
      r.rule.path.lastIndex = 0
      if (!r.rule.path.test(path)) continue
      if (r.rule.userAgent) {
        r.rule.userAgent.lastIndex = 0
        if (!r.rule.userAgent.test(userAgent)) continue
      }
      if (r.rule.unlessAccept) {
        r.rule.unlessAccept.lastIndex = 0
        if (r.rule.unlessAccept.test(accept)) continue
      }
      r.remaining--
      return { rule: r, fault: r.rule.fault }
    }
    return undefined
  }

  const upstreamPrefix = `http://${upstreamHost}`
  const rewrite = (v: string): string =>
    v.toLowerCase().startsWith(upstreamPrefix.toLowerCase()) && /^($|[/?#])/.test(v.slice(upstreamPrefix.length))
      ? `http://${proxyHost}${v.slice(upstreamPrefix.length)}`
      : v
  const rewriteChallenge = (v: string): string =>
    v.replace(/(realm\s*=\s*")([^"]*)(")/i, (_m, a: string, realm: string, b: string) => `${a}${realmOverride ?? rewrite(realm)}${b}`)

  const forward = (
    req: IncomingMessage,
    path: string,
    headers: OutgoingHttpHeaders,
    onResponse: (upres: IncomingMessage) => void,
    onError: (err: Error) => void
  ): void => {
    const upreq = httpRequest({ host: upstreamHostname, port: upstreamPort, method: req.method, path, headers, agent }, onResponse)
    upreq.on('error', onError)
    req.on('close', () => {
      if (!req.complete) upreq.destroy()
    })
    req.pipe(upreq)
  }

  const sendError = (res: ServerResponse, status: number, message: string): void => {
    if (res.headersSent) {
      resetSocket(res.socket)
      return
    }
    const body = JSON.stringify({ errors: [{ code: 'PROXY_ERROR', message }] })
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase()
    const path = req.url ?? '/'
    const record: ProxiedRequest = { method, path, status: 0, authorization: req.headers.authorization !== undefined, userAgent: req.headers['user-agent'] ?? '' }
    requests.push(record)
    const timed: TimedRequest = { request: record, receivedAt: Date.now() }
    timeline.push(timed)
    res.on('finish', () => (timed.respondedAt = Date.now()))
    res.on('close', () => (timed.closedAt = Date.now()))
    const taken = take(method, path, req.headers['user-agent'] ?? '', req.headers.accept ?? '')
    const fault = taken?.fault
    const kind = fault ? describe(fault) : undefined
    if (kind) record.fault = kind.label

    if (fault && 'status' in fault) {
      req.resume()
      const body = fault.body ?? JSON.stringify({ errors: [{ code: 'INJECTED_FAULT', message: `fault proxy injected status ${fault.status}` }] })
      const headers: Record<string, string> = {
        'content-type': fault.body === undefined ? 'application/json' : 'text/plain; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        ...fault.headers
      }
      record.status = fault.status
      res.writeHead(fault.status, headers)
      res.end(body)
      return
    }
    if (fault && 'hang' in fault) {
      req.resume()
      hung.add(res)
      res.on('close', () => hung.delete(res))
      return
    }
    if (fault && 'acceptWithoutStoring' in fault) {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const { digest, location } = fakeCreated(path, Buffer.concat(chunks))
        record.status = 201
        res.writeHead(201, { 'docker-content-digest': digest, location: `http://${proxyHost}${location}`, 'content-length': '0' })
        res.end()
      })
      return
    }
    let upstreamPath = path
    if (fault && 'refuseMount' in fault) {
      const u = new URL(path, 'http://x')
      if (method === 'POST' && u.searchParams.has('mount')) {
        u.searchParams.delete('mount')
        u.searchParams.delete('from')
        upstreamPath = `${u.pathname}${u.search}`
      } else {
        if (taken) taken.rule.remaining++
        delete record.fault
      }
    }
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, Math.max(0, fault.delayMs)))

    const reqHeaders = copyHeaders(req)
    reqHeaders.host = upstreamHost
    forward(
      req,
      upstreamPath,
      reqHeaders,
      (upres) => {
        const status = upres.statusCode ?? 502
        const headers = copyHeaders(upres)
        for (const name of ['location', 'content-location']) {
          const v = headers[name]
          if (typeof v === 'string') headers[name] = rewrite(v)
        }
        const wa = headers['www-authenticate']
        if (wa !== undefined) headers['www-authenticate'] = Array.isArray(wa) ? wa.map(rewriteChallenge) : rewriteChallenge(String(wa))

        if (fault && 'dropHeaders' in fault) for (const h of fault.dropHeaders) delete headers[h.toLowerCase()]
        if (fault && 'setHeaders' in fault) for (const [h, v] of Object.entries(fault.setHeaders)) headers[h.toLowerCase()] = v
        if (fault && 'artifactoryHeaders' in fault) {
          const digest = headers['docker-content-digest']
          if (typeof digest === 'string' && digest.startsWith('sha256:')) {
            delete headers['docker-content-digest']
            headers['x-checksum-sha256'] = digest.slice('sha256:'.length)
            if (method === 'HEAD') headers['content-type'] = 'application/octet-stream'
          }
        }

        if (kind?.kind === 'redirect') {
          if (method === 'GET' && status >= 200 && status < 300) {
            upres.resume()
            const ticket = randomBytes(12).toString('hex')
            tickets.set(ticket, { path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) })
            const target = `${otherHostUrl}/other-host${path}${path.includes('?') ? '&' : '?'}ticket=${ticket}`
            record.status = 307
            res.writeHead(307, { location: target, 'content-length': '0' })
            res.end()
            return
          }
          // only a successful GET is redirected (like a registry with redirecting storage): give the use back
          if (taken) taken.rule.remaining++
          delete record.fault
        }

        if (kind?.kind === 'reset') {
          const hasBody = method !== 'HEAD' && status !== 204 && status !== 304 && headers['content-length'] !== '0'
          if (!hasBody) {
            upres.resume()
            resetSocket(req.socket)
            return
          }
          record.status = status
          res.writeHead(status, headers)
          let done = false
          const cut = (chunk?: Buffer): void => {
            if (done) return
            done = true
            upres.destroy()
            const part = chunk && chunk.length > 1 ? chunk.subarray(0, chunk.length >> 1) : Buffer.alloc(0)
            if (part.length > 0) res.write(part, () => resetSocket(res.socket))
            else {
              res.flushHeaders()
              setImmediate(() => resetSocket(res.socket))
            }
          }
          upres.once('data', (c: Buffer) => cut(c))
          upres.once('end', () => cut())
          return
        }

        if (kind?.kind === 'appendNewline') {
          if (status < 200 || status >= 300 || (method !== 'GET' && method !== 'HEAD')) {
            if (taken) taken.rule.remaining++
            delete record.fault
          } else {
            delete headers['docker-content-digest']
            if (method === 'HEAD') {
              const len = Number(headers['content-length'])
              if (Number.isFinite(len)) headers['content-length'] = String(len + 1)
              upres.resume()
              record.status = status
              res.writeHead(status, headers)
              res.end()
              return
            }
            const chunks: Buffer[] = []
            upres.on('data', (c: Buffer) => chunks.push(c))
            upres.on('end', () => {
              const body = Buffer.concat([...chunks, Buffer.from('\n')])
              headers['content-length'] = String(body.length)
              record.status = status
              res.writeHead(status, headers)
              res.end(body)
            })
            upres.on('error', () => resetSocket(res.socket))
            return
          }
        }

        if (kind?.kind === 'corruptBody') {
          const chunks: Buffer[] = []
          upres.on('data', (c: Buffer) => chunks.push(c))
          upres.on('end', () => {
            record.status = status
            res.writeHead(status, headers)
            res.end(corrupt(Buffer.concat(chunks)))
          })
          upres.on('error', () => resetSocket(res.socket))
          return
        }

        record.status = status
        res.writeHead(status, headers)
        upres.pipe(res)
        upres.on('error', () => resetSocket(res.socket))
        res.on('close', () => {
          if (!res.writableFinished) upres.destroy()
        })
      },
      (err) => {
        record.status = 502
        sendError(res, 502, `upstream ${upstreamHost}: ${err.message}`)
      }
    )
  }

  const handleOther = (req: IncomingMessage, res: ServerResponse): void => {
    const method = (req.method ?? 'GET').toUpperCase()
    const path = req.url ?? '/'
    const record: ProxiedRequest = { method, path, status: 0, authorization: req.headers.authorization !== undefined, userAgent: req.headers['user-agent'] ?? '' }
    requests.push(record)
    req.resume()
    const u = new URL(path, 'http://other-host')
    const ticket = tickets.get(u.searchParams.get('ticket') ?? '')
    if (!ticket || (method !== 'GET' && method !== 'HEAD')) {
      record.status = 404
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' })
      res.end('not found')
      return
    }
    const headers: OutgoingHttpHeaders = { host: upstreamHost, ...(ticket.authorization ? { authorization: ticket.authorization } : {}) }
    const upreq = httpRequest({ host: upstreamHostname, port: upstreamPort, method, path: ticket.path, headers, agent }, (upres) => {
      record.status = upres.statusCode ?? 502
      const out: OutgoingHttpHeaders = {}
      for (const h of ['content-type', 'content-length', 'etag', 'last-modified', 'accept-ranges']) {
        const v = upres.headers[h]
        if (v !== undefined) out[h] = v
      }
      res.writeHead(record.status, out)
      upres.pipe(res)
    })
    upreq.on('error', (err) => {
      record.status = 502
      sendError(res, 502, err.message)
    })
    upreq.end()
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, 500, String(err)))
  })
  const other = createServer(handleOther)
  for (const s of [server, other]) {
    s.keepAliveTimeout = 5000
    s.requestTimeout = 0 // docker streams large blob uploads through us
  }
  const [port, otherPort] = await Promise.all([listen(server), listen(other)])
  proxyHost = `127.0.0.1:${port}`
  otherHostUrl = `http://localhost:${otherPort}`

  let stopped = false
  return {
    host: proxyHost,
    url: `http://${proxyHost}`,
    upstream: upstreamHost,
    otherHostUrl,
    requests,
    addRule(r: FaultRule) {
      rules.push({ rule: r, remaining: r.times ?? 1 })
    },
    clear() {
      rules.length = 0
    },
    pendingRules: () => rules.filter((r) => r.remaining > 0).length,
    timeline,
    hanging: () => hung.size,
    setRealm(realm: string | undefined) {
      realmOverride = realm
    },
    async stop() {
      if (stopped) return
      stopped = true
      await Promise.all(
        [server, other].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve())
              s.closeAllConnections()
            })
        )
      )
      for (const res of hung) resetSocket(res.socket)
      hung.clear()
      agent.destroy()
      tickets.clear()
    }
  }
}
