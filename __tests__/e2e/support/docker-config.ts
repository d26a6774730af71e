/**
 * Docker client configuration for tests: config.json files in throwaway DOCKER_CONFIG dirs,
 * `docker login` into them, and fake credential helpers (docker-credential-<name>) that log every call.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runOk } from './proc'
import type { TestRegistry } from './registry'

/** Writes <dir>/config.json (creating dir) and returns its path. */
export function writeDockerConfig(dir: string, cfg: object): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'config.json')
  writeFileSync(path, `${JSON.stringify(cfg, null, 2)}\n`, { mode: 0o600 })
  return path
}

/**
 * `docker --config <configDir> login --username U --password-stdin HOST` with the registry's credentials
 * (argv array, password on stdin). For an anonymous registry there is nothing to log in with: it only
 * makes sure <configDir>/config.json exists.
 */
export async function dockerLogin(reg: TestRegistry, configDir: string): Promise<void> {
  mkdirSync(configDir, { recursive: true })
  if (reg.username === undefined || reg.password === undefined) {
    if (!existsSync(join(configDir, 'config.json'))) writeDockerConfig(configDir, {})
    return
  }
  await runOk('docker', ['--config', configDir, 'login', '--username', reg.username, '--password-stdin', reg.host], {
    input: `${reg.password}\n`,
    timeoutMs: 60_000
  })
}

/** Path of the log a credential helper written by writeCredentialHelper appends to. */
export function credentialHelperLogPath(binDir: string, name: string): string {
  return join(binDir, `docker-credential-${name}.log`)
}

/** The calls a credential helper received so far, one `<action> <payload>` line each (e.g. `get 127.0.0.1:5000`). */
export function readCredentialHelperLog(binDir: string, name: string): string[] {
  const path = credentialHelperLogPath(binDir, name)
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
}

/**
 * Writes an executable `<binDir>/docker-credential-<name>` (a bash script, no other dependency) and
 * returns its path. It implements the credential-helper protocol:
 *   get   – server URL on stdin → {"ServerURL","Username","Secret"} on stdout; an unknown server prints
 *           "credentials not found in native keychain" and exits 1 (what the real helpers do).
 *           Servers are matched exactly as given in `creds` (add several keys to accept variants).
 *   list  – {"<server>": "<username>", …}
 *   store / erase – accepted (exit 0) and logged, nothing is persisted.
 * Each call appends `<action> <stdin on one line>` to credentialHelperLogPath(binDir, name);
 * `store` payloads are logged without their secret.
 * Put binDir first on PATH (runAction's env.PATH) and set "credsStore"/"credHelpers" in config.json.
 */
export function writeCredentialHelper(binDir: string, name: string, creds: Record<string, { Username: string; Secret: string }>): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`invalid credential helper name: ${name}`)
  mkdirSync(binDir, { recursive: true })
  const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  const cases = Object.entries(creds)
    .map(([server, c]) => `  ${sq(server)}) printf '%s\\n' ${sq(JSON.stringify({ ServerURL: server, Username: c.Username, Secret: c.Secret }))} ;;`)
    .join('\n')
  const list = JSON.stringify(Object.fromEntries(Object.entries(creds).map(([server, c]) => [server, c.Username])))
  const logPath = credentialHelperLogPath(binDir, name)
  const script = `#!/bin/bash
# docker credential helper written by __tests__/e2e/support/docker-config.ts (test fixture)
set -u
log=${sq(logPath)}
action="\${1:-}"
input="$(cat)"
oneline="$(printf '%s' "$input" | tr '\\n' ' ')"
case "$action" in
  store) printf '%s %s\\n' "$action" "$(printf '%s' "$oneline" | sed -E 's/"Secret" *: *"([^"\\\\]|\\\\.)*"/"Secret":"***"/')" >> "$log" ;;
  *) printf '%s %s\\n' "$action" "$oneline" >> "$log" ;;
esac
case "$action" in
  get)
    case "$input" in
${cases.replace(/^/gm, '  ')}
    *) echo "credentials not found in native keychain"; exit 1 ;;
    esac ;;
  list) printf '%s\\n' ${sq(list)} ;;
  store|erase) exit 0 ;;
  *) echo "unknown action: $action" >&2; exit 1 ;;
esac
`
  const path = join(binDir, `docker-credential-${name}`)
  writeFileSync(path, script, { mode: 0o755 })
  chmodSync(path, 0o755)
  appendFileSync(logPath, '')
  return path
}

/** Path of the file a stuck credential helper appends its process ids to (one per line). */
export function credentialHelperPidsPath(binDir: string, name: string): string {
  return join(binDir, `docker-credential-${name}.pids`)
}

/** The process ids a stuck helper recorded (the script itself, and its child for the waiting kind). */
export function readCredentialHelperPids(binDir: string, name: string): number[] {
  const path = credentialHelperPidsPath(binDir, name)
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number)
}

/** Those of `pids` still running (a zombie waiting to be reaped counts as gone). */
export function alivePids(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0)
    } catch {
      return false
    }
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : ''
    return !/^\d+ \(.*\) [ZX] /s.test(stat)
  })
}

function writeStuckHelper(binDir: string, name: string, body: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`invalid credential helper name: ${name}`)
  mkdirSync(binDir, { recursive: true })
  const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  const script = `#!/bin/sh
# stuck docker credential helper written by __tests__/e2e/support/docker-config.ts (test fixture)
echo $$ >> ${sq(credentialHelperPidsPath(binDir, name))}
input="$(cat)"
printf '%s %s\\n' "\${1:-}" "$(printf '%s' "$input" | tr '\\n' ' ')" >> ${sq(credentialHelperLogPath(binDir, name))}
${body}
`
  const path = join(binDir, `docker-credential-${name}`)
  writeFileSync(path, script, { mode: 0o755 })
  chmodSync(path, 0o755)
  appendFileSync(credentialHelperLogPath(binDir, name), '')
  writeFileSync(credentialHelperPidsPath(binDir, name), '')
  return path
}

/**
 * A helper whose wrapper script waits on a child (issue 14, F4), the way wrapper scripts such as
 * docker-credential-gcloud do: `sleep <seconds> & wait`. The sleep (a grandchild of the caller) holds the
 * stdout/stderr pipes, so killing only the script does not end the caller's read: the whole process group
 * has to go. Both pids land in credentialHelperPidsPath(). Never answers; default 300 s.
 */
export function writeWaitingCredentialHelper(binDir: string, name: string, opts: { seconds?: number } = {}): string {
  const seconds = Math.max(1, Math.floor(opts.seconds ?? 300))
  return writeStuckHelper(
    binDir,
    name,
    `sleep ${seconds} &
echo $! >> '${credentialHelperPidsPath(binDir, name).replace(/'/g, `'\\''`)}'
wait
exit 1`
  )
}

/**
 * A helper that never answers: the script itself blocks (it becomes the sleep, so the direct child is
 * the sleeper). `ignoreSigterm` makes it survive SIGTERM, so only SIGKILL ends it.
 */
export function writeHangingCredentialHelper(binDir: string, name: string, opts: { ignoreSigterm?: boolean } = {}): string {
  return writeStuckHelper(binDir, name, `${opts.ignoreSigterm ? "trap '' TERM\n" : ''}exec sleep 2147483647`)
}

/**
 * Writes <dir>/config.json that is NOT valid JSON: `auths.<host>.auth` holds base64(`user:password`) without
 * quotes, as a hand-edited config might (issue 14: an error must not quote part of the credential).
 * Returns the path and the base64 value.
 */
export function writeInvalidDockerConfig(dir: string, host: string, username: string, password: string): { path: string; auth: string } {
  mkdirSync(dir, { recursive: true })
  const auth = Buffer.from(`${username}:${password}`, 'utf8').toString('base64')
  const path = join(dir, 'config.json')
  writeFileSync(path, `{\n  "auths": {\n    ${JSON.stringify(host)}: {\n      "auth": ${auth}\n    }\n  }\n}\n`, { mode: 0o600 })
  return { path, auth }
}
