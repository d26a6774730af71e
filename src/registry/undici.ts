/**
 * The four pieces of undici the transport uses, each from its own module: undici's index loads every feature it has
 * (fetch, WebSocket, caches, mocks, proxy agents, …) at every start. Types are undici's own declarations.
 */
import type * as Undici from 'undici'
import AgentModule from 'undici/lib/dispatcher/agent.js'
import DispatcherModule from 'undici/lib/dispatcher/dispatcher.js'
import RetryHandlerModule from 'undici/lib/handler/retry-handler.js'
import requestModule from 'undici/lib/api/api-request.js'

export const Agent = AgentModule as typeof Undici.Agent
export const DispatcherBase = DispatcherModule as typeof Undici.Dispatcher
export const RetryHandler = RetryHandlerModule as typeof Undici.RetryHandler

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Undici.Dispatcher }

/** undici's `request(url, options)`: the same API function, called on the given dispatcher. */
export function request(url: string, options: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const u = new URL(url)
  const { dispatcher, ...rest } = options
  const call = requestModule as (this: Undici.Dispatcher, opts: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>
  return call.call(dispatcher, { ...rest, origin: u.origin, path: `${u.pathname}${u.search}` })
}
