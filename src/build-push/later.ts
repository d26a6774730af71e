/**
 * What a run needs only once its plan stands: the registry layer (undici) for the read-back, and deploy-file pinning
 * (yaml, glob). Loaded on first use (loadLater) instead of at start, like the GitHub room (github/load.ts): a build
 * with push loads it while docker builds, a build with 'files' before building (to fail early on a broken file),
 * `push: false` never.
 */
import { dockerKeychain } from '../docker/config'
import { openRegistry, RegistryBudget, type RegistrySession } from '../registry'
import type { ImageName } from '../registry/reference'

export { pinBuiltImage, prepareBuildPins } from './pins'

/** The read-back's session, with the credentials docker uses in `env`, under a budget of `budgetMs` (default 60 s). */
export function openDockerRegistry(name: ImageName, env: NodeJS.ProcessEnv, budgetMs?: number): RegistrySession {
  return openRegistry(name, { env, credentials: dockerKeychain(env), budget: new RegistryBudget(budgetMs) })
}
