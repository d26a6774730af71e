import { accessSync, constants, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Where the docker CLI looks for plugins after the config's own `cli-plugins` (docker/cli's defaultSystemPluginDirs). */
const SYSTEM_PLUGIN_DIRS = ['/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins']

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

function extraDirs(configDir: string): string[] {
  try {
    const config = JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { cliPluginsExtraDirs?: unknown }
    return Array.isArray(config.cliPluginsExtraDirs) ? config.cliPluginsExtraDirs.filter((d): d is string => typeof d === 'string') : []
  } catch {
    return []
  }
}

/**
 * The docker-buildx plugin binary the docker CLI would run for `docker buildx`, found in the directories docker
 * searches, in its order: config.json's cliPluginsExtraDirs, `$DOCKER_CONFIG/cli-plugins`, the system plugin dirs.
 * Running it directly (buildx's standalone mode, same flags and environment) skips one docker CLI process per call.
 * Undefined when none is there: the caller then asks `docker buildx`, which also covers plugin setups we do not know.
 */
export function findBuildxPlugin(env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform === 'win32') return undefined
  const configDir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker')
  for (const dir of [...extraDirs(configDir), path.join(configDir, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS]) {
    const file = path.join(dir, 'docker-buildx')
    if (executable(file)) return file
  }
  return undefined
}
