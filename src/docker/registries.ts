import { createRegistryFactory, RegistryBudget, withCredentials, type RegistryAccess, type RegistryFactory, type Transport } from '../registry'
import { dockerKeychain } from './config'

/**
 * Registries as every action opens them (the OpenRegistries seam): docker's credentials from `access.env` (its
 * config.json and credential helpers), the `login` credentials first for their registry, every request under the
 * `access.budgetMs` budget. `transport` replaces the undici stack (the unit tests' FakeRegistry).
 */
export function dockerRegistries(access: RegistryAccess, transport?: Transport): RegistryFactory {
  const docker = dockerKeychain(access.env)
  const credentials = access.login ? withCredentials(access.login.registry, access.login.credentials, docker) : docker
  return createRegistryFactory({ env: access.env, credentials, budget: new RegistryBudget(access.budgetMs), ...(transport && { transport }) })
}
