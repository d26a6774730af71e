import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { InputError } from '../action/errors'
import { parseLines, parseList, type InputReader } from '../action/inputs'
import { maskSecrets } from '../action/secrets'
import type { BuildKitOptions, BuildSecret } from '../docker/spec'

/**
 * What the BuildKit-only inputs ask for: each option read from the input of its name in kebab-case (`secrets` from
 * `secrets` then `secret-files`). Values of `secrets` are masked as soon as they are read.
 */
export interface BuilderInputs extends BuildKitOptions {
  /** `builder`: the buildx builder to use (else BUILDX_BUILDER, else the current one). */
  builder?: string
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/
const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x64: 'amd64', aarch64: 'arm64', armhf: 'arm/v7', i386: '386', i686: '386' }

/** `platforms`: comma- or newline-separated `os/arch[/variant]`, lower case, as BuildKit names them. */
export function parsePlatforms(raw: string): string[] {
  const platforms = parseList(raw)
  for (const p of platforms) {
    const arch = p.split('/')[1] ?? p
    const alias = ARCH_ALIASES[arch.toLowerCase()]
    if (PLATFORM.test(p) && !alias) continue
    const hint = !p.includes('/')
      ? `write os/arch, e.g. linux/${ARCH_ALIASES[p.toLowerCase()] ?? p.toLowerCase()}`
      : alias
        ? `BuildKit names this architecture '${alias}': write linux/${alias}`
        : 'write each platform as os/arch[/variant] in lower case, e.g. linux/amd64, linux/arm64, linux/arm/v7'
    throw new InputError('platforms', `'${p}' is not a platform (os/arch[/variant])`, hint)
  }
  return platforms
}

const SECRET_ID = /^[A-Za-z0-9_.-]+$/

/**
 * `secrets`: `id=value` per line. Values are masked before anything else happens, and no error ever quotes a line
 * (a malformed line may be the secret itself).
 */
export function parseSecrets(raw: string): BuildSecret[] {
  maskSecrets(raw)
  const out: BuildSecret[] = []
  const lines = raw.split(/\r?\n/)
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    const eq = line.indexOf('=')
    const id = eq > 0 ? line.slice(0, eq).trim() : ''
    if (!id || !SECRET_ID.test(id)) {
      throw new InputError(
        'secrets',
        `line ${i + 1} is not id=value (the line is not shown: it may hold the secret)`,
        'write one secret per line as id=value, where id is what the Dockerfile mounts (RUN --mount=type=secret,id=<id>); use letters, digits, . _ -'
      )
    }
    out.push({ id, value: line.slice(eq + 1) })
  })
  return unique('secrets', out)
}

/** `secret-files`: `id=path` per line, the path relative to the workspace; the file must exist. */
export function parseSecretFiles(raw: string, cwd: string): BuildSecret[] {
  const out: BuildSecret[] = []
  for (const line of parseLines(raw)) {
    const eq = line.indexOf('=')
    const id = eq > 0 ? line.slice(0, eq).trim() : ''
    const file = eq > 0 ? line.slice(eq + 1).trim() : ''
    if (!id || !SECRET_ID.test(id) || !file) {
      throw new InputError('secret-files', `'${line}' is not id=path`, 'write one secret file per line as id=path (the path relative to the workspace)')
    }
    const abs = path.resolve(cwd, file)
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      throw new InputError('secret-files', `secret '${id}': file '${file}' not found (looked for ${abs})`, 'write the file in an earlier step, or fix the path')
    }
    out.push({ id, file: abs })
  }
  return unique('secret-files', out)
}

function unique(input: string, secrets: BuildSecret[]): BuildSecret[] {
  const seen = new Set<string>()
  for (const s of secrets) {
    if (seen.has(s.id)) throw new InputError(input, `secret id '${s.id}' is given twice`, 'give each secret its own id')
    seen.add(s.id)
  }
  return secrets
}

/** `ssh`: `default`, or `id` / `id=path[,path…]` per line (agent sockets or keys). */
export function parseSsh(raw: string): string[] {
  const lines = parseLines(raw)
  for (const line of lines) {
    if (!/^[A-Za-z0-9_.-]+(=.+)?$/.test(line)) {
      throw new InputError('ssh', `'${line}' is not default or id=path`, "write 'default' (the runner's SSH agent) or id=path to a key or agent socket, one per line")
    }
  }
  return lines
}

function keyValueLines(input: string, raw: string, shape: string, hint: string): string[] {
  const lines = parseLines(raw)
  for (const line of lines) {
    if (!/^[^=\s][^=]*=/.test(line)) throw new InputError(input, `'${line}' is not ${shape}`, hint)
  }
  return lines
}

const ANNOTATION_TYPES = ['manifest', 'index', 'manifest-descriptor', 'index-descriptor']

/** `annotations`: `[type[,type…][platform]:]key=value` as buildx's --annotation takes them. */
export function parseAnnotations(raw: string): string[] {
  const lines = keyValueLines('annotations', raw, 'key=value', 'write one OCI annotation per line as key=value, or index:key=value for the image index')
  for (const line of lines) {
    const key = line.slice(0, line.indexOf('='))
    const colon = key.indexOf(':')
    if (colon < 0) continue
    const types = key.slice(0, colon).replace(/\[[^\]]*\]/g, '').split(',')
    const unknown = types.find((t) => !ANNOTATION_TYPES.includes(t))
    if (unknown !== undefined) {
      throw new InputError('annotations', `'${line}': unknown annotation level '${unknown}'`, `prefix the key with one of ${ANNOTATION_TYPES.join(', ')} (or none: manifest)`)
    }
  }
  return lines
}

/** Booleans and attestation options are passed to buildx as written; only empty means "buildx's default". */
function optional(raw: string): string | undefined {
  return raw.trim() === '' ? undefined : raw.trim()
}

export function readBuilderInputs(read: InputReader, cwd: string): BuilderInputs {
  const builder = optional(read('builder'))
  if (builder !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(builder)) {
    throw new InputError('builder', `'${builder}' is not a buildx builder name`, 'set it to a name `docker buildx ls` lists, e.g. the name output of docker/setup-buildx-action')
  }
  const provenance = optional(read('provenance'))
  const sbom = optional(read('sbom'))
  return {
    ...(builder && { builder }),
    platforms: parsePlatforms(read('platforms')),
    secrets: [...parseSecrets(read('secrets')), ...parseSecretFiles(read('secret-files'), cwd)],
    ssh: parseSsh(read('ssh')),
    cacheFrom: parseLines(read('cache-from')),
    cacheTo: parseLines(read('cache-to')),
    ...(provenance && { provenance }),
    ...(sbom && { sbom }),
    buildContexts: keyValueLines('build-contexts', read('build-contexts'), 'name=path|url', 'write one per line as name=path, name=docker-image://ref or name=https://…'),
    annotations: parseAnnotations(read('annotations'))
  }
}

/**
 * The inputs only BuildKit (buildx) can honour, with the value that asks for it: on the legacy builder each is an
 * error naming the input. A single platform is not among them (docker build takes --platform), nor `false` for
 * provenance/sbom (the legacy builder makes no attestations anyway).
 */
export function buildkitOnly(b: BuilderInputs): string[] {
  const used: string[] = []
  if (b.builder) used.push('builder')
  if (b.platforms.length > 1) used.push('platforms')
  if (b.secrets.some((s) => s.value !== undefined)) used.push('secrets')
  if (b.secrets.some((s) => s.file !== undefined)) used.push('secret-files')
  if (b.ssh.length) used.push('ssh')
  if (b.cacheFrom.length) used.push('cache-from')
  if (b.cacheTo.length) used.push('cache-to')
  if (b.provenance && b.provenance !== 'false') used.push('provenance')
  if (b.sbom && b.sbom !== 'false') used.push('sbom')
  if (b.buildContexts.length) used.push('build-contexts')
  if (b.annotations.length) used.push('annotations')
  return used
}
