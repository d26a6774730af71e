/**
 * What a builder is asked to build and which builder it is: the words builder.ts (which tool builds) and buildx.ts
 * (the buildx argv) share, so that neither has to import the other's.
 */
import type { BuildRequest } from './cli'

/** A build secret: its value (from `secrets`, passed through the environment) or a file (from `secret-files`). */
export interface BuildSecret {
  id: string
  value?: string
  file?: string
  /** The input it came from when not `secrets`/`secret-files`: `secret-envs`, or `github-token` (the Git context's). */
  input?: 'secret-envs' | 'github-token'
}

/** One `outputs` entry: buildx's `--output` as written, with what the action must know of it. */
export interface BuildOutput {
  /** As written (CSV: `type=image,name=…,push=true`). */
  text: string
  /** `image`, `registry`, `docker`, `oci`, `tar`, `local`, `cacheonly`. */
  type: string
  /** Whether it pushes to a registry (`type=registry`, or `type=image` with `push=true`). */
  pushes: boolean
  /** `push-by-digest=true`: no tag is pushed; the repositories get the image by digest only. */
  byDigest: boolean
  /** The repositories its `name=` lists (may be empty: then the tags name them). */
  names: string[]
}

/** What only BuildKit can do; every list is empty and every option undefined when not asked for. */
export interface BuildKitOptions {
  /** Requested platforms (`os/arch[/variant]`, deduplicated, in order); empty: the builder's own. */
  platforms: string[]
  secrets: BuildSecret[]
  /** `default` or `id=path[,path]`. */
  ssh: string[]
  cacheFrom: string[]
  cacheTo: string[]
  /** As written (`false` turns the attestation off); undefined leaves buildx's default. */
  provenance?: string
  sbom?: string
  /** `name=path|url`. */
  buildContexts: string[]
  /** `[type:]key=value` (type: manifest, index, manifest-descriptor, index-descriptor). */
  annotations: string[]
  /** `allow`: extra privileged entitlements (network.host, security.insecure). */
  allow?: string[]
  /** `attests`: `--attest` parameters (type=sbom,generator=…). */
  attests?: string[]
  /** `no-cache-filters`: stages not to take from the cache. */
  noCacheFilters?: string[]
  /** `call`: the frontend method (`check`, `outline`, `targets`, `build`). */
  call?: string
  /** `outputs`: buildx exporters as given; empty: the action's own (push, or load). */
  outputs?: BuildOutput[]
  /** `load`: true puts the image into the docker engine (`--load`); undefined: when not pushed and loadable. */
  load?: boolean
}

/** What to build and where it goes: BuildRequest plus what only BuildKit can do. */
export interface BuildSpec extends Omit<BuildRequest, 'platforms'>, BuildKitOptions {
  /** Push every tag (the builder itself on buildx; `docker push` on the legacy path). */
  push: boolean
  /** Values to show as *** where the build command line is printed (secret-looking build-arg values). */
  redact: string[]
}

export type BuilderTool = 'buildx' | 'docker build'

/** Which builder builds: `{ tool: 'docker build', name: 'docker', driver: 'legacy' }` without buildx. */
export interface BuilderInfo {
  tool: BuilderTool
  /** The buildx builder name (`default` for the engine's own), or 'docker' on the legacy path. */
  name: string
  /** `docker`, `docker-container`, `remote`, `kubernetes`, …; 'legacy' without buildx. */
  driver: string
  /** The platforms the builder reports it can build, its own first (empty when unknown). */
  platforms: string[]
}
