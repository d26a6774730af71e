// Bench-only entry (bundled by bench/run.mjs into a temp dir, never committed as a bundle): reads one tag back from
// its registry exactly as the action does after a push (HEAD tag → GET manifest by digest, hashed → GET config blob,
// hashed) through the same registry factory, auth and transport settings as the actions' OpenRegistries seam, with the transport wrapped
// so every HTTP request is counted. Prints one JSON line.
// usage: node readback.js <registry>/<repository>:<tag>
import { readBack } from '../src/build-push/readback'
import { dockerKeychain } from '../src/docker/config'
import { createRegistryFactory, logRetry } from '../src/registry'
import { parseReference } from '../src/registry/reference'
import { UndiciTransport, type HttpRequest, type HttpResponse, type Transport } from '../src/registry/transport'

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
    this.seen.push({ method: req.method, path: new URL(url).pathname, status: res.status, authorized: !!req.headers?.authorization })
    return res
  }
}

const ref = parseReference(process.argv[2] ?? '')
// the transport the registry factory creates by default (same timeout, retry policy and retry logging)
const inner = new UndiciTransport({ timeoutMs: Number(process.env.REGISTRY_TIMEOUT_MS) || 30_000, retry: {}, onRetry: logRetry })
const transport = new CountingTransport(inner)
const factory = createRegistryFactory({ env: process.env, transport, credentials: dockerKeychain(process.env) })
try {
  const started = performance.now()
  const held = await readBack(factory.client(ref), [{ tag: ref.tag ?? 'latest' }])
  const ms = performance.now() - started
  // "after auth": not the /v2/ ping, not a token fetch (another path than /v2/<repo>/…), not a request answered 401
  const afterAuth = transport.seen.filter((s) => s.path.startsWith(`/v2/${ref.repository}/`) && s.status !== 401)
  console.log(JSON.stringify({ digest: held.digest, ms, requests: transport.seen, total: transport.seen.length, afterAuth: afterAuth.length }))
} finally {
  await factory.close()
  await inner.close()
}
