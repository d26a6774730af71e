import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { cut, InputError } from '../action/errors'
import { parseBoolean, parseLines, parseList, type InputReader } from '../action/inputs'
import { maskSecrets } from '../action/secrets'
import type { BuildRequest } from '../docker/cli'
import type { BuildKitOptions, BuildOutput, BuildSecret } from '../docker/spec'

/**
 * What the BuildKit-only inputs ask for: each option read from the input of its name in kebab-case (`secrets` from
 * `secrets` then `secret-files`). Values of `secrets` are masked as soon as they are read.
 */
export interface BuilderInputs extends BuildKitOptions, Pick<BuildRequest, 'addHosts' | 'network' | 'shmSize' | 'ulimits' | 'cgroupParent'> {
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

/**
 * `secret-envs`: `id=ENV_NAME` per line (comma-separated too, as build-push-action reads it): the secret's value is
 * the step's environment variable, masked as soon as it is read and handed on like a `secrets` value.
 */
export function parseSecretEnvs(raw: string, env: NodeJS.ProcessEnv): BuildSecret[] {
  const out: BuildSecret[] = []
  for (const entry of parseList(raw)) {
    const eq = entry.indexOf('=')
    const id = eq > 0 ? entry.slice(0, eq).trim() : ''
    const name = eq > 0 ? entry.slice(eq + 1).trim() : ''
    if (!id || !SECRET_ID.test(id) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InputError('secret-envs', `'${cut(entry)}' is not id=ENV_NAME`, 'write one secret per line as id=NAME, where NAME is an environment variable of this step (env: NAME: ${{ secrets.… }})')
    }
    const value = env[name]
    if (value === undefined) {
      throw new InputError('secret-envs', `secret '${id}': environment variable ${name} is not set`, `set it on this step: env: { ${name}: \${{ secrets.… }} }`)
    }
    if (value) core.setSecret(value)
    out.push({ id, value, input: 'secret-envs' })
  }
  return out
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

/** `add-hosts`: `host:ip` (or `host=ip`), comma- or newline-separated, as `--add-host` takes them. */
export function parseAddHosts(raw: string): string[] {
  const hosts = parseList(raw)
  for (const h of hosts) {
    if (!/^[A-Za-z0-9_.-]+[:=]\S+$/.test(h)) throw new InputError('add-hosts', `'${cut(h)}' is not host:ip`, 'write each as host:ip (e.g. docker:10.180.0.1), comma- or newline-separated')
  }
  return hosts
}

/** `ulimit`: `name=soft[:hard]` per line (`nofile=1024:1024`). */
export function parseUlimits(raw: string): string[] {
  const lines = parseLines(raw)
  for (const l of lines) {
    if (!/^[a-z]+=-?\d+(:-?\d+)?$/.test(l)) throw new InputError('ulimit', `'${cut(l)}' is not name=soft[:hard]`, 'write one limit per line, e.g. nofile=1024:1024')
  }
  return lines
}

/** One word or value without spaces (network, shm-size, cgroup-parent, call). */
function word(input: string, raw: string, shape: RegExp, hint: string): string | undefined {
  const v = raw.trim()
  if (v === '') return undefined
  if (!shape.test(v)) throw new InputError(input, `'${cut(v)}' is not valid`, hint)
  return v
}

/** The CSV fields of one `--output` (quoted fields may hold commas: `"name=a,b"`). */
function csvFields(text: string): string[] {
  const fields: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '"') {
      if (quoted && text[i + 1] === '"') {
        cur += '"'
        i++
      } else quoted = !quoted
    } else if (c === ',' && !quoted) {
      fields.push(cur.trim())
      cur = ''
    } else cur += c
  }
  fields.push(cur.trim())
  return fields.filter(Boolean)
}

const EXPORTERS = ['image', 'registry', 'docker', 'oci', 'tar', 'local', 'cacheonly']

/**
 * `outputs`: buildx exporters, one per line, as build-push-action takes them. What pushes (`type=registry`, or
 * `type=image,push=true`, with or without `push-by-digest=true`) goes through the read-back; what does not is
 * passed on as written. A line without `type=` is buildx's shorthand: `-` (a tar on stdout, which a step cannot
 * use: refused) or a directory (`type=local`).
 */
export function parseOutputs(raw: string): BuildOutput[] {
  const outs = parseLines(raw).map((text): BuildOutput => {
    const attrs = new Map<string, string>()
    for (const f of csvFields(text)) {
      const eq = f.indexOf('=')
      attrs.set((eq < 0 ? f : f.slice(0, eq)).trim().toLowerCase(), eq < 0 ? '' : f.slice(eq + 1).trim())
    }
    const type = attrs.get('type') ?? (text === '-' ? '-' : attrs.size === 1 && !text.includes('=') ? 'local' : '')
    if (!EXPORTERS.includes(type)) {
      throw new InputError('outputs', `'${cut(text)}' has no known type (${EXPORTERS.join(', ')})`, 'write each output as type=<exporter>,… e.g. type=local,dest=out or type=image,push=true')
    }
    const truthy = (k: string): boolean => ['true', '1'].includes((attrs.get(k) ?? '').toLowerCase())
    const pushes = type === 'registry' || (type === 'image' && truthy('push'))
    const names = (attrs.get('name') ?? '').split(',').map((n) => n.trim()).filter(Boolean)
    return { text: type === 'local' && !attrs.has('type') ? `type=local,dest=${text}` : text, type, pushes, byDigest: pushes && truthy('push-by-digest'), names }
  })
  if (outs.filter((o) => o.pushes).length > 1) {
    throw new InputError('outputs', 'lists more than one output that pushes', "push once (type=image,push=true or type=registry) and list every repository in 'tags' or the output's name=")
  }
  return outs
}

/** Booleans and attestation options are passed to buildx as written; only empty means "buildx's default". */
function optional(raw: string): string | undefined {
  return raw.trim() === '' ? undefined : raw.trim()
}

export function readBuilderInputs(read: InputReader, cwd: string, env: NodeJS.ProcessEnv = {}): BuilderInputs {
  const builder = optional(read('builder'))
  if (builder !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(builder)) {
    throw new InputError('builder', `'${builder}' is not a buildx builder name`, 'set it to a name `docker buildx ls` lists, e.g. the name output of docker/setup-buildx-action')
  }
  const provenance = optional(read('provenance'))
  const sbom = optional(read('sbom'))
  return {
    ...(builder && { builder }),
    platforms: parsePlatforms(read('platforms')),
    secrets: unique('secret-envs', [...parseSecrets(read('secrets')), ...parseSecretFiles(read('secret-files'), cwd), ...parseSecretEnvs(read('secret-envs'), env)]),
    ssh: parseSsh(read('ssh')),
    cacheFrom: parseLines(read('cache-from')),
    cacheTo: parseLines(read('cache-to')),
    ...(provenance && { provenance }),
    ...(sbom && { sbom }),
    buildContexts: keyValueLines('build-contexts', read('build-contexts'), 'name=path|url', 'write one per line as name=path, name=docker-image://ref or name=https://…'),
    annotations: parseAnnotations(read('annotations')),
    addHosts: parseAddHosts(read('add-hosts')),
    ...optionalWord('network', word('network', read('network'), /^[a-z0-9_.:-]+$/i, 'set it to default, none or host')),
    ...optionalWord('shmSize', word('shm-size', read('shm-size'), /^\d+(\.\d+)?[bkmg]?$/i, 'write a size such as 2g or 512m')),
    ulimits: parseUlimits(read('ulimit')),
    ...optionalWord('cgroupParent', word('cgroup-parent', read('cgroup-parent'), /^\S+$/, 'write one cgroup path without spaces')),
    allow: parseList(read('allow')),
    attests: keyValueLines('attests', read('attests'), 'type=…', 'write one attestation per line, e.g. type=sbom,generator=image or type=provenance,mode=max'),
    noCacheFilters: parseList(read('no-cache-filters')),
    ...optionalWord('call', word('call', read('call'), /^[a-z][a-z.]*(,[a-z]+=[A-Za-z0-9]+)*$/, 'set it to build, check, outline or targets (e.g. check)')),
    outputs: parseOutputs(read('outputs')),
    ...loadInput(read('load'))
  }
}

function optionalWord<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>)
}

/** `load`: unset leaves the action's default (a result that is not pushed is loaded when it can be). */
function loadInput(raw: string): { load?: boolean } {
  return raw === '' ? {} : { load: parseBoolean('load', raw, false) }
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
  if (b.secrets.some((s) => s.value !== undefined && s.input === undefined)) used.push('secrets')
  if (b.secrets.some((s) => s.input === 'secret-envs')) used.push('secret-envs')
  if (b.secrets.some((s) => s.file !== undefined)) used.push('secret-files')
  if (b.ssh.length) used.push('ssh')
  if (b.cacheFrom.length) used.push('cache-from')
  if (b.cacheTo.length) used.push('cache-to')
  if (b.provenance && b.provenance !== 'false') used.push('provenance')
  if (b.sbom && b.sbom !== 'false') used.push('sbom')
  if (b.buildContexts.length) used.push('build-contexts')
  if (b.annotations.length) used.push('annotations')
  if (b.allow?.length) used.push('allow')
  if (b.attests?.length) used.push('attests')
  if (b.noCacheFilters?.length) used.push('no-cache-filters')
  if (b.call) used.push('call')
  if (b.outputs?.length) used.push('outputs')
  return used
}
