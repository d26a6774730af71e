/** `docker buildx`: the argv of a build and what a failed build means. */
import { ActionError } from '../action/errors'
import type { BuilderInfo, BuildSecret, BuildSpec } from './spec'
import { fileFlag, requestFlags } from './cli'

export interface BuildxFiles {
  metadata: string
  iid: string
}

/** The environment variable a `secrets` value travels in (buildx reads it with `--secret id=…,env=…`). */
export function secretEnvName(index: number): string {
  return `PINNED_BUILD_SECRET_${index}`
}

/** The environment that carries the `secrets` values to buildx: never argv, never a file. */
export function secretEnv(secrets: BuildSecret[]): Record<string, string> {
  const env: Record<string, string> = {}
  secrets.forEach((s, i) => {
    if (s.value !== undefined) env[secretEnvName(i)] = s.value
  })
  return env
}

/** One field of a CSV-valued flag (--output, --secret): quoted when it holds a comma or a quote. */
function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * `[type[,type…][platform]:]key=value` (buildx's --annotation syntax) as exporter attributes:
 * `annotation.key=value` (manifest), `annotation-index.key=value`, … — what BuildKit ≥ 0.11 takes in --output, so
 * older buildx versions without --annotation work too.
 */
export function annotationAttributes(annotation: string): string[] {
  const eq = annotation.indexOf('=')
  const key = annotation.slice(0, eq)
  const value = annotation.slice(eq + 1)
  const colon = key.indexOf(':')
  if (colon < 0) return [`annotation.${key}=${value}`]
  const name = key.slice(colon + 1)
  const spec = key.slice(0, colon)
  const platform = /\[[^\]]*\]/.exec(spec)?.[0] ?? ''
  return spec
    .replace(/\[[^\]]*\]/g, '')
    .split(',')
    .map((type) => `annotation-${type}${platform}.${name}=${value}`)
}

/**
 * The argv for `docker buildx build` (without the leading "docker"). Secrets appear by id only: values through
 * the environment (secretEnv), files by path. `load` puts a result that is not pushed into `docker images`.
 */
export function buildxArgv(spec: BuildSpec, builder: Pick<BuilderInfo, 'name'>, files: BuildxFiles, o: { load: boolean }): string[] {
  const argv = ['buildx', 'build', '--builder', builder.name, ...fileFlag(spec), '--metadata-file', files.metadata, '--iidfile', files.iid]
  argv.push(...requestFlags(spec))
  spec.secrets.forEach((s, i) => {
    argv.push('--secret', s.value !== undefined ? `id=${s.id},env=${secretEnvName(i)}` : `id=${s.id},src=${csvField(s.file ?? '')}`)
  })
  for (const ssh of spec.ssh) argv.push('--ssh', ssh)
  for (const c of spec.cacheFrom) argv.push('--cache-from', c)
  for (const c of spec.cacheTo) argv.push('--cache-to', c)
  if (spec.provenance !== undefined) argv.push(`--provenance=${spec.provenance}`)
  if (spec.sbom !== undefined) argv.push(`--sbom=${spec.sbom}`)
  for (const c of spec.buildContexts) argv.push('--build-context', c)
  for (const a of spec.allow ?? []) argv.push('--allow', a)
  for (const a of spec.attests ?? []) argv.push('--attest', a)
  for (const f of spec.noCacheFilters ?? []) argv.push('--no-cache-filter', f)
  if (spec.call) argv.push('--call', spec.call)
  argv.push(...exporterFlags(spec, o.load))
  argv.push(spec.context)
  return argv
}

/** Whether `call` asks for something other than an image (`check`, `outline`, `targets`): no exporter then. */
export function callsNoBuild(call: string | undefined): boolean {
  return call !== undefined && call.split(',')[0]?.trim() !== 'build'
}

/**
 * Where the result goes: the user's `outputs` (annotations joined to the one that pushes), else a push, else the
 * docker engine (`load`). `--load` with a push keeps the image in docker images too.
 */
function exporterFlags(spec: BuildSpec, load: boolean): string[] {
  if (callsNoBuild(spec.call)) return []
  const annotations = spec.annotations.flatMap(annotationAttributes).map(csvField)
  const argv: string[] = []
  if (spec.outputs?.length) {
    for (const out of spec.outputs) argv.push('--output', out.pushes && annotations.length ? [out.text, ...annotations].join(',') : out.text)
    if (load) argv.push('--load')
    return argv
  }
  if (spec.push) argv.push(...(annotations.length ? ['--output', ['type=image', 'push=true', ...annotations].join(',')] : ['--push']))
  if (load) argv.push(...(annotations.length && !spec.push ? ['--output', ['type=docker', ...annotations].join(',')] : ['--load']))
  return argv
}

function lastLines(text: string, n = 10): string {
  return text.trim().split(/\r?\n/).slice(-n).join('\n')
}

const SETUP_BUILDX =
  "add docker/setup-buildx-action before this step (it creates a docker-container builder) and pass its 'name' output as 'builder'"

/** A failed `docker buildx build`: names the builder, its driver and the fix, from what buildx printed. */
export function buildxFailure(builder: BuilderInfo, spec: BuildSpec, exitCode: number, output: string): ActionError {
  const on = `builder '${builder.name}' (driver ${builder.driver})`
  const detail = lastLines(output)
  const fail = (what: string, hint: string): ActionError => new ActionError(`docker buildx build failed on ${on}: ${what}:\n${detail}`, hint)
  if (/multiple platforms feature is currently not supported|docker exporter does not currently support exporting manifest lists|multi-platform build is not supported/i.test(output)) {
    return fail(
      `the ${builder.driver} driver cannot build several platforms (${spec.platforms.join(', ')}) into one image`,
      `${SETUP_BUILDX}, or enable the containerd image store in the docker engine`
    )
  }
  if (/attestation.* not supported|provenance.* not supported|sbom.* not supported/i.test(output)) {
    return fail(`the ${builder.driver} driver cannot attach attestations (provenance/SBOM)`, `set 'provenance: false' and 'sbom: false', or ${SETUP_BUILDX}`)
  }
  if (/unknown flag: --(call|attest|no-cache-filter|allow)\b/.test(output)) {
    const flag = /unknown flag: --([a-z-]+)/.exec(output)?.[1] ?? ''
    const input = { call: 'call', attest: 'attests', 'no-cache-filter': 'no-cache-filters', allow: 'allow' }[flag] ?? flag
    return fail(`this buildx has no --${flag} (input '${input}')`, `use a newer buildx (docker/setup-buildx-action installs one; --call needs buildx 0.15 or later), or remove '${input}'`)
  }
  if (/cache export feature is currently not supported|cache export.*not supported/i.test(output)) {
    return fail(`the ${builder.driver} driver cannot export a cache ('cache-to')`, `${SETUP_BUILDX}, or use 'cache-to: type=inline'`)
  }
  if (/secret .*(not found|required)|secret \S+: not found/i.test(output)) {
    return fail(
      'a secret the Dockerfile mounts was not given',
      "add it to 'secrets' (id=value) or 'secret-files' (id=path) with the id of its RUN --mount=type=secret,id=<id>, or mark the mount required=false"
    )
  }
  const pushing = /failed to push|pushing layers|exporting to image|failed to (do request|authorize|fetch oauth token)|unexpected status/i.test(output)
  if (spec.push && /unauthorized|denied|authentication required|forbidden|status: 40[13]\b|\b40[13] (Unauthorized|Forbidden)/i.test(output) && pushing) {
    return fail(
      'the registry refused the push (not logged in, or no write access)',
      "log in to the image's registry before this step (docker/login-action, or the 'username'/'password' inputs); the builder gets the credentials from the step's docker config"
    )
  }
  if (spec.push && pushing) {
    return fail(
      `pushing the image failed (exit code ${exitCode}); some of the tags may already point to the new image`,
      "check that the registry in 'image' is reachable from the builder and accepts pushes, then re-run the job"
    )
  }
  if (/failed to (dial|connect)|connection refused|no such host|error during connect|is the docker daemon running|builder .* (not found|unreachable)/i.test(output)) {
    return fail(
      'the builder could not be reached',
      `check that builder '${builder.name}' is running (docker buildx inspect --bootstrap ${builder.name}); ${SETUP_BUILDX}`
    )
  }
  return new ActionError(
    `docker buildx build failed on ${on} with exit code ${exitCode}:\n${detail}`,
    "fix the Dockerfile or build context; the full build log is in the 'docker buildx build' group above"
  )
}
