import type { ImageName } from '../reference'
import type { RegistrySession } from './index'

type RegistryLayer = typeof import('./index')
let loading: Promise<RegistryLayer> | undefined

/**
 * The registry layer — and undici with it, ~65 ms to evaluate (bench/results.md) — loaded on first use instead of at
 * startup. Calling it early (while docker builds) takes that load off the critical path; the promise is shared.
 */
export function loadRegistryLayer(): Promise<RegistryLayer> {
  loading ??= import('./index')
  return loading
}

/** openRegistry, loading the registry layer first if it is not loaded yet. */
export async function openRegistryLazily(name: ImageName, env?: NodeJS.ProcessEnv): Promise<RegistrySession> {
  return (await loadRegistryLayer()).openRegistry(name, env)
}
