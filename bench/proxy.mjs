// A delay proxy for the latency rows: an HTTP reverse proxy on loopback in front of the bench registry that holds
// every request for a fixed time before forwarding it, so that each round trip costs what it costs to a distant
// registry. Every client (ours, crane, regctl, buildx, docker) is given the proxy's address as the registry, so all of
// them pay the same price per request. The Host header is passed on unchanged, so the Location URLs the registry
// builds (upload sessions) point back at the proxy. It also counts the requests it forwards.
import http from 'node:http'
import { onCleanup } from './lib.mjs'

/**
 * Starts a proxy to `upstream` (`http://127.0.0.1:PORT`) on a free loopback port. `delayMs` can be changed between
 * runs (`proxy.delayMs = 20`); `proxy.count()` / `proxy.reset()` read and clear the request counter, `proxy.log`
 * holds `METHOD path` of each request since the last reset.
 */
export async function startDelayProxy(upstream) {
  const target = new URL(upstream)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const state = { delayMs: 0, log: [] }
  const server = http.createServer((req, res) => {
    state.log.push(`${req.method} ${req.url.split('?')[0]}`)
    setTimeout(() => {
      const out = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (up) => {
          res.writeHead(up.statusCode, up.rawHeaders)
          up.pipe(res)
        }
      )
      out.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`delay proxy: ${e.message}`)
      })
      req.pipe(out)
    }, state.delayMs)
  })
  server.keepAliveTimeout = 30_000
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address()
  const stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections?.()
      server.close(() => resolve())
      agent.destroy()
    })
  onCleanup(stop)
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    get delayMs() {
      return state.delayMs
    },
    set delayMs(v) {
      state.delayMs = v
    },
    count: () => state.log.length,
    requests: () => [...state.log],
    reset: () => {
      state.log = []
    },
    stop
  }
}

/** The registry as clients behind the proxy see it: same storage and wipe(), the proxy's host and URL. */
export function behindProxy(reg, proxy) {
  return { ...reg, host: proxy.host, url: proxy.url, proxy }
}
