/**
 * A TCP server on 127.0.0.1:0 that accepts connections, reads what arrives, and never answers: a hung
 * registry or token service at the socket level (the fault proxy's `hang` fault hangs after the request
 * has been read; this one does not even speak HTTP back). Every connection is recorded with its times,
 * so a test can assert how long a client waited before it gave up.
 */
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface HungConnection {
  receivedAt: number
  /** the first line the client sent, e.g. 'GET /token?service=… HTTP/1.1' ('' until it arrives) */
  requestLine: string
  /** when the client closed the connection (undefined while it is still waiting) */
  closedAt?: number
}

export interface HungServer {
  /** '127.0.0.1:PORT' */
  host: string
  /** 'http://127.0.0.1:PORT' */
  url: string
  connections: HungConnection[]
  /** connections the clients have not closed yet */
  open(): number
  stop(): Promise<void>
}

export async function startHungServer(): Promise<HungServer> {
  const connections: HungConnection[] = []
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    const c: HungConnection = { receivedAt: Date.now(), requestLine: '' }
    connections.push(c)
    sockets.add(socket)
    let head = ''
    socket.on('data', (d: Buffer) => {
      if (c.requestLine !== '' || head.length > 8192) return
      head += d.toString('latin1')
      const nl = head.indexOf('\r\n')
      if (nl >= 0) c.requestLine = head.slice(0, nl)
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      c.closedAt = Date.now()
      sockets.delete(socket)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  let stopped = false
  return {
    host,
    url: `http://${host}`,
    connections,
    open: () => sockets.size,
    async stop() {
      if (stopped) return
      stopped = true
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
