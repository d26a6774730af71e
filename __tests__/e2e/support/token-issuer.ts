/**
 * A minimal Docker registry token server (the "token" auth scheme of the distribution registry).
 *
 *   GET  /token?service=S&scope=repository:NAME:pull,push[&scope=…]   (optional Basic auth)
 *   POST /token  grant_type=password&username=U&password=P&service=S&scope=…   (OAuth2 form)
 *
 * Valid credentials get every action they ask for, anonymous callers only `pull` (or nothing when
 * `anonymousPull: false`), wrong credentials a 401. Tokens are RS256 JWTs carrying the signing
 * certificate in the `x5c` header; the registry trusts them because the same certificate is its
 * `auth.token.rootcertbundle`.
 */
import { createSign, randomBytes, X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { runOk } from './proc'

/** Requests carrying this header (the support code's own inspections) are kept out of `requests`. */
export const SUPPORT_REQUEST_HEADER = 'x-e2e-support'

export interface TokenAccess {
  type: string
  name: string
  actions: string[]
}

export interface TokenRequestRecord {
  method: string
  /** every scope asked for, as sent (`repository:NAME:pull,push`) */
  scope: string[]
  /** the username presented (Basic auth or OAuth form), whether or not it was accepted */
  user?: string
  /** extras beyond the brief: the HTTP status answered, what was granted, and the client's User-Agent */
  status: number
  granted: TokenAccess[]
  userAgent?: string
}

export interface TokenIssuer {
  /** http://127.0.0.1:PORT */
  url: string
  /** the realm to put in the registry config / WWW-Authenticate: `${url}/token` */
  realm: string
  service: string
  /** value of the `iss` claim */
  issuer: string
  /** one entry per token request from clients (the support code's own fetches are in supportRequests) */
  requests: TokenRequestRecord[]
  supportRequests: TokenRequestRecord[]
  stop(): Promise<void>
}

export interface TokenIssuerOptions {
  service: string
  issuer: string
  keyPem: string
  certPem: string
  /** username → password */
  users: Record<string, string>
  /** anonymous callers get `pull` (default true) or nothing */
  anonymousPull?: boolean
  /** token lifetime in seconds (default 300). Note distribution allows 60 s of clock leeway past `exp`. */
  expiresIn?: number
}

export interface SigningCert {
  keyPath: string
  certPath: string
  keyPem: string
  certPem: string
}

/** Generates an RSA key and a self-signed certificate for it with openssl (key.pem / cert.pem in dir). */
export async function generateSigningCert(dir: string, commonName = 'e2e-token-issuer'): Promise<SigningCert> {
  const keyPath = join(dir, 'token-key.pem')
  const certPath = join(dir, 'token-cert.pem')
  await runOk(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3', '-subj', `/CN=${commonName}`, '-keyout', keyPath, '-out', certPath],
    { timeoutMs: 30_000 }
  )
  const [keyPem, certPem] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')])
  return { keyPath, certPath, keyPem, certPem }
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url')

/** Parses `type:name:actions` (name may itself contain colons, e.g. a port in a registry-scoped name). */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first <= 0 || last <= first) return undefined
  const actions = scope
    .slice(last + 1)
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions }
}

function signJwt(claims: object, keyPem: string, certDerB64: string): string {
  const header = { typ: 'JWT', alg: 'RS256', x5c: [certDerB64] }
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
  const sig = createSign('RSA-SHA256').update(input).sign(keyPem)
  return `${input}.${b64url(sig)}`
}

function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header) return undefined
  const m = /^Basic\s+(\S+)\s*$/i.exec(header)
  if (!m?.[1]) return undefined
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return { user: decoded, pass: '' }
  return { user: decoded.slice(0, i), pass: decoded.slice(i + 1) }
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    const b = c as Buffer
    size += b.length
    if (size > limit) throw new Error('request body too large')
    chunks.push(b)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function startTokenIssuer(opts: TokenIssuerOptions): Promise<TokenIssuer> {
  const expiresIn = opts.expiresIn ?? 300
  const anonymousPull = opts.anonymousPull ?? true
  const certDerB64 = new X509Certificate(opts.certPem).raw.toString('base64')
  const requests: TokenRequestRecord[] = []
  const supportRequests: TokenRequestRecord[] = []

  const grant = (scopes: string[], authenticated: boolean): TokenAccess[] => {
    const out: TokenAccess[] = []
    for (const s of scopes) {
      const a = parseScope(s)
      if (!a) continue
      const actions = authenticated ? a.actions : anonymousPull ? a.actions.filter((x) => x === 'pull') : []
      if (actions.length === 0) continue
      const existing = out.find((o) => o.type === a.type && o.name === a.name)
      if (existing) existing.actions = [...new Set([...existing.actions, ...actions])]
      else out.push({ type: a.type, name: a.name, actions })
    }
    return out
  }

  const issue = (subject: string, access: TokenAccess[]): { token: string; expires_in: number; issued_at: string } => {
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      iss: opts.issuer,
      sub: subject,
      aud: opts.service,
      exp: now + expiresIn,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(16).toString('hex'),
      access
    }
    return { token: signJwt(claims, opts.keyPem, certDerB64), expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }
  }

  const send = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void => {
    const data = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)), ...headers })
    res.end(data)
  }
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1')
    const record: TokenRequestRecord = { method: req.method ?? 'GET', scope: [], status: 0, granted: [] }
    if (req.headers['user-agent']) record.userAgent = req.headers['user-agent']
    ;(req.headers[SUPPORT_REQUEST_HEADER] ? supportRequests : requests).push(record)
    const finish = (status: number, body: object, headers?: Record<string, string>): void => {
      record.status = status
      send(res, status, body, headers)
    }

    if (u.pathname !== '/token') {
      finish(404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] })
      return
    }
    const checkService = (service: string | null): boolean => {
      if (service && service !== opts.service) {
        finish(400, { errors: [{ code: 'DENIED', message: `unknown service ${service}` }] })
        return false
      }
      return true
    }
    const verify = (user: string, pass: string): boolean => Object.hasOwn(opts.users, user) && opts.users[user] === pass

    if (req.method === 'GET') {
      record.scope = u.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter((x) => x !== ''))
      if (!checkService(u.searchParams.get('service'))) return
      const basic = parseBasic(req.headers.authorization)
      if (basic) {
        record.user = basic.user
        if (!verify(basic.user, basic.pass)) {
          finish(401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password', detail: null }] }, {
            'www-authenticate': `Basic realm="${opts.service}"`
          })
          return
        }
      }
      record.granted = grant(record.scope, basic !== undefined)
      const t = issue(basic?.user ?? '', record.granted)
      finish(200, { token: t.token, access_token: t.token, expires_in: t.expires_in, issued_at: t.issued_at })
      return
    }

    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req))
      record.scope = form.getAll('scope').flatMap((s) => s.split(' ').filter((x) => x !== ''))
      if (!checkService(form.get('service'))) return
      const grantType = form.get('grant_type')
      if (grantType !== 'password') {
        finish(400, { error: 'unsupported_grant_type', error_description: `grant_type ${grantType ?? '(none)'} is not supported` })
        return
      }
      const user = form.get('username') ?? ''
      record.user = user
      if (!verify(user, form.get('password') ?? '')) {
        finish(401, { error: 'invalid_grant', error_description: 'invalid username or password' })
        return
      }
      record.granted = grant(record.scope, true)
      const t = issue(user, record.granted)
      finish(200, { access_token: t.token, token_type: 'Bearer', expires_in: t.expires_in, issued_at: t.issued_at, scope: record.scope.join(' ') })
      return
    }

    finish(405, { errors: [{ code: 'UNSUPPORTED', message: 'method not allowed' }] }, { allow: 'GET, POST' })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(err) })
      else res.destroy()
    })
  })
  server.keepAliveTimeout = 2000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  let stopped = false
  return {
    url,
    realm: `${url}/token`,
    service: opts.service,
    issuer: opts.issuer,
    requests,
    supportRequests,
    async stop() {
      if (stopped) return
      stopped = true
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}
