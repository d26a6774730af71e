import * as core from '@actions/core'
import { existsSync, rmSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../action/errors'
import { cleanupOnExit } from '../action/exit-cleanup'
import { DOCKER_HUB } from '../registry/reference'
import { STEP_CONFIG_PREFIX, STEP_CONFIG_STATE } from './step-config'
import type { Docker } from './cli'
import { dockerConfigPath, findKey, type DockerConfigFile } from './config'

/** A docker login that lasts for this step only: a private DOCKER_CONFIG directory, removed by `cleanup()`. */
export interface StepLogin {
  configDir: string
  /** The environment with DOCKER_CONFIG pointing at the private directory (for the registry client). */
  env: NodeJS.ProcessEnv
  /** docker with that DOCKER_CONFIG on every call. */
  docker: Docker
  cleanup(): Promise<void>
}

/** Directories of a docker config dir that hold CLI plugins, buildx builders and contexts: kept visible. */
const CARRIED_DIRS = ['cli-plugins', 'buildx', 'contexts']

/**
 * The config.json for the private directory: the user's own settings and other registries' inline credentials
 * (so base-image pulls from elsewhere keep working), without anything that would route `registry`'s credentials
 * elsewhere: its auths/credHelpers entries and credsStore (docker login would otherwise write into the user's
 * keychain and outlive the step).
 */
export function privateConfig(source: DockerConfigFile & Record<string, unknown>, registry: string): Record<string, unknown> {
  const config: Record<string, unknown> = { ...source, auths: without(source.auths ?? {}, registry) }
  delete config.credsStore
  if (source.credHelpers) config.credHelpers = without(source.credHelpers, registry)
  return config
}

/** A copy of config.json entries without any key docker would match to `registry`. */
function without<T>(entries: Record<string, T>, registry: string): Record<string, T> {
  const out = { ...entries }
  for (let key = findKey(out, registry); key !== undefined; key = findKey(out, registry)) delete out[key]
  return out
}

async function readSourceConfig(file: string): Promise<DockerConfigFile & Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DockerConfigFile & Record<string, unknown>
  } catch {
    return {}
  }
}

/**
 * Logs docker in to `registry` with the `username`/`password` inputs for this step only, so that the push and the
 * read-back use the same credentials and nothing is left on the runner. The password is masked before docker runs
 * and goes to docker on stdin.
 */
export async function loginForStep(
  docker: Docker,
  registry: string,
  username: string,
  password: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<StepLogin> {
  core.setSecret(password)
  const root = env.RUNNER_TEMP && existsSync(env.RUNNER_TEMP) ? env.RUNNER_TEMP : os.tmpdir()
  const configDir = await mkdtemp(path.join(root, STEP_CONFIG_PREFIX))
  // Gone however the step ends: the finally of the caller (cleanup), a signal or any exit (cleanupOnExit), and a
  // SIGKILL (the post step, which finds the directory through the saved state). Saved before docker writes into it.
  core.saveState(STEP_CONFIG_STATE, configDir)
  const release = cleanupOnExit(() => rmSync(configDir, { recursive: true, force: true }))
  const cleanup = async (): Promise<void> => {
    await rm(configDir, { recursive: true, force: true })
    release()
  }
  try {
    await chmod(configDir, 0o700)
    const sourceFile = dockerConfigPath(env)
    const sourceDir = path.dirname(sourceFile)
    await writeFile(path.join(configDir, 'config.json'), JSON.stringify(privateConfig(await readSourceConfig(sourceFile), registry), null, 2), { mode: 0o600 })
    for (const dir of CARRIED_DIRS) {
      if (existsSync(path.join(sourceDir, dir))) await symlink(path.join(sourceDir, dir), path.join(configDir, dir))
    }
    const stepDocker = docker.withEnv({ DOCKER_CONFIG: configDir })
    await stepDocker.login(registry === DOCKER_HUB ? undefined : registry, username, password)
    core.info(`Logged in to ${registry} as ${username} for this step (private DOCKER_CONFIG, removed when the step ends)`)
    return { configDir, env: { ...env, DOCKER_CONFIG: configDir }, docker: stepDocker, cleanup }
  } catch (error) {
    await cleanup()
    if (error instanceof ActionError) throw error
    throw new ActionError(`could not prepare a docker login for ${registry}: ${(error as Error).message}`, 'check that the runner temp directory is writable')
  }
}

