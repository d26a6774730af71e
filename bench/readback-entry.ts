// Bench-only entry (bundled by bench/run.mjs into a temp dir, never committed as a bundle): reads one tag back from
// its registry exactly as the action does (same transport, auth and client) after a push (HEAD tag → GET manifest by digest, hashed → GET config blob,
// hashed), with the Transport wrapped so every HTTP request is counted. Prints one JSON line.
// usage: node readback.js <registry>/<repository>:<tag>
import { parseReference } from '../src/reference'
import { RegistryAuth } from '../src/registry/auth'
import { RegistryClient } from '../src/registry/client'
import { authsCredentials, readDockerConfig } from '../src/registry/docker-config'
import { readBack } from '../src/registry/readback'
import { defaultTransport, preloadRegistry } from '../src/registry'
import type { HttpRequest, HttpResponse, Transport } from '../src/registry/transport'

interface Seen {
  method: string
  path: string
  status: number
  authorized: boolean
}

class CountingTransport implements Transport {
  readonly seen: Seen[] = []
  constructor(private readonly inner: Transport) {}
  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    const res = await this.inner.send(url, req)
    const u = new URL(url)
    this.seen.push({ method: req.method, path: u.pathname, status: res.status, authorized: !!req.headers?.authorization })
    return res
  }
}

const ref = parseReference(process.argv[2] ?? '')
const inner = defaultTransport()
const transport = new CountingTransport(inner)
const credentials = authsCredentials(readDockerConfig(), ref.registry)
const auth = new RegistryAuth({ registry: ref.registry, repository: ref.repository, credentials, transport })
const client = new RegistryClient({ registry: ref.registry, repository: ref.repository, transport, auth })
try {
  // `ms` is the read-back itself, with the HTTP modules loaded (the action loads them while docker builds);
  // the process's wall time, measured outside, includes everything
  await preloadRegistry(ref)
  const started = performance.now()
  const held = await readBack(client, [{ tag: ref.tag ?? 'latest' }])
  const ms = performance.now() - started
  // "after auth": not the /v2/ ping, not a token fetch (another path than /v2/<repo>/…), not a request answered 401
  const afterAuth = transport.seen.filter((s) => s.path.startsWith(`/v2/${ref.repository}/`) && s.status !== 401)
  console.log(JSON.stringify({ digest: held.digest, ms, requests: transport.seen, total: transport.seen.length, afterAuth: afterAuth.length }))
} finally {
  await inner.close()
}
