/**
 * What a test file starts and must stop again: a cleanup scope that remembers every registry, proxy, workspace and
 * temp dir it hands out, and the one registry + workspace a whole file of builder tests shares.
 */
import { afterAll, beforeAll } from '@jest/globals'
import { startFaultProxy, type FaultProxy } from './fault-proxy'
import { makeTempDir, removeDir } from './proc'
import { startRegistry, type AuthMode, type StartedRegistry, type StartRegistryOptions, type TestRegistry } from './registry'
import { cleanupActionRuns } from './run-action'
import { DEFAULT_DOCKERFILE, makeWorkspace, type Workspace } from './workspace'

export interface CleanupScope {
  /** registers `stop` to run at close(); returns what it was given */
  track<T extends { stop(): Promise<unknown> }>(resource: T): T
  /** runs `fn` at close() */
  defer(fn: () => Promise<unknown>): void
  /** a fresh temp dir, removed at close() */
  tempDir(prefix: string): Promise<string>
  /** a started registry (an auth mode or the full options), stopped at close() */
  registry(opts: AuthMode | StartRegistryOptions): Promise<StartedRegistry>
  /** a fault proxy in front of `upstream`, stopped at close() */
  proxy(upstream: TestRegistry): Promise<FaultProxy>
  /** makeWorkspace(opts), removed at close() */
  workspace(opts?: Parameters<typeof makeWorkspace>[0]): Promise<Workspace>
  /**
   * Stops everything, newest first (a proxy before the registry behind it), each failure ignored so that the rest
   * still goes; then removes the temp dirs. Call it from the file's afterAll.
   */
  close(): Promise<void>
}

/**
 * A cleanup scope for one test file. Its methods are plain closures, so `const { tempDir, registry } = scope` works.
 * It registers no hook itself: the file's afterAll calls close() where it belongs among the file's other clean-ups.
 */
export function cleanupScope(): CleanupScope {
  const cleanups: Array<() => Promise<unknown>> = []
  const tempDirs: string[] = []
  const track = <T extends { stop(): Promise<unknown> }>(resource: T): T => {
    cleanups.push(() => resource.stop())
    return resource
  }
  return {
    track,
    defer: (fn) => {
      cleanups.push(fn)
    },
    tempDir: async (prefix) => {
      const d = await makeTempDir(prefix)
      tempDirs.push(d)
      return d
    },
    registry: async (opts) => track(await startRegistry(typeof opts === 'string' ? { auth: opts } : opts)),
    proxy: async (upstream) => track(await startFaultProxy(upstream)),
    workspace: async (opts) => {
      const ws = await makeWorkspace(opts)
      cleanups.push(ws.cleanup)
      return ws
    },
    close: async () => {
      for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined)
      await Promise.all(tempDirs.splice(0).map((d) => removeDir(d)))
    }
  }
}

/** The registry and workspace of sharedRegistryAndWorkspace(), readable once its beforeAll has run. */
export interface SharedRegistryAndWorkspace {
  readonly reg: StartedRegistry
  readonly ws: Workspace
}

/**
 * One anonymous registry and one `FROM scratch` workspace for every test of the file: started in beforeAll, stopped
 * (with the action runs' leftovers) in afterAll. Builder tests push to their own repositories in it, so sharing is safe
 * and saves a registry start per test.
 */
export function sharedRegistryAndWorkspace(): SharedRegistryAndWorkspace {
  let reg: StartedRegistry | undefined
  let ws: Workspace | undefined
  beforeAll(async () => {
    ;[reg, ws] = await Promise.all([startRegistry({ auth: 'anonymous' }), makeWorkspace({ dockerfile: DEFAULT_DOCKERFILE })])
  })
  afterAll(async () => {
    await Promise.all([reg?.stop(), ws?.cleanup(), cleanupActionRuns()])
  })
  const notYet = (what: string): never => {
    throw new Error(`sharedRegistryAndWorkspace: the ${what} is not started (its beforeAll failed or this runs outside a test)`)
  }
  return {
    get reg() {
      return reg ?? notYet('registry')
    },
    get ws() {
      return ws ?? notYet('workspace')
    }
  }
}
