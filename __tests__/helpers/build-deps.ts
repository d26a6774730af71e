import type { Docker } from '../../src/docker/cli'
import type { Deps } from '../../src/build-push/main'
import { fakeRegistries, type FakeRegistry } from './fake-registry'

/** The commit every in-process build run is on. */
export const SHA = '0123456789abcdef0123456789abcdef01234567'

/** The build action's seams for an in-process run in `cwd`: inputs by name, a fixed run context (plus `env`). */
export function buildDeps(cwd: string, inputs: Record<string, string>, docker: Docker, registry: FakeRegistry, env: Record<string, string> = {}): Deps {
  return {
    docker,
    readInput: (name) => inputs[name] ?? '',
    env: { GITHUB_SHA: SHA, GITHUB_RUN_NUMBER: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'acme/demo', ...env },
    cwd,
    openRegistries: fakeRegistries(registry)
  }
}
