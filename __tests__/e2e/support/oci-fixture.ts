/**
 * Images and image indexes pushed straight through the registry API (no docker, no buildx), shaped like
 * what BuildKit pushes: per-platform image manifests whose configs carry `git-commit`/`build-number`
 * labels, and an OCI index with one `unknown/unknown` attestation manifest per platform
 * (`vnd.docker.reference.type: attestation-manifest`, `vnd.docker.reference.digest: <platform manifest>`).
 * For the index read-back and merge tests (issues 9 and 10) and their faults.
 *
 * Content is deterministic for the same options (same salt → same digests), so idempotency can be tested;
 * give a different `salt` for a different image.
 */
import { gzipSync } from 'node:zlib'
import { request } from './http'
import { registryAuthHeader, sha256 } from './inspect'
import type { TestRegistry } from './registry'

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json'
} as const

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  annotations?: Record<string, string>
}

export interface TestImage {
  /** the manifest's descriptor (platform set) */
  descriptor: Descriptor & { platform: Platform }
  digest: string
  manifest: Buffer
  config: { digest: string; size: number; body: Buffer }
  layer: { digest: string; size: number }
  labels: Record<string, string>
}

export interface TestIndex {
  /** index digest (what the tag points at) */
  digest: string
  mediaType: string
  body: Buffer
  tag: string | undefined
  /** one per platform, in index order */
  platforms: TestImage[]
  /** one per platform (same order), each pointing at its platform manifest */
  attestations: Array<{ descriptor: Descriptor; digest: string; manifest: Buffer; for: string }>
}

/** `os/arch[/variant]` */
export const platformString = (p: Platform): string => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`

/** A one-file ustar archive (what a layer is, uncompressed). */
export function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512)
  header.write(name, 0, 100, 'utf8')
  header.write('0000644\0', 100, 'ascii') // mode
  header.write('0000000\0', 108, 'ascii') // uid
  header.write('0000000\0', 116, 'ascii') // gid
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii')
  header.write('00000000000\0', 136, 'ascii') // mtime 0: deterministic
  header.write('        ', 148, 'ascii') // checksum placeholder
  header.write('0', 156, 'ascii') // regular file
  header.write('ustar\0', 257, 'ascii')
  header.write('00', 263, 'ascii')
  let sum = 0
  for (const b of header) sum += b
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512)
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)])
}

async function auth(reg: TestRegistry, repo: string): Promise<Record<string, string>> {
  const a = await registryAuthHeader(reg, repo, ['pull', 'push'])
  return a ? { authorization: a } : {}
}

/** Uploads a blob (POST + PUT ?digest=), unless the registry already has it; returns its descriptor parts. */
export async function uploadBlob(reg: TestRegistry, repo: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes)
  const headers = await auth(reg, repo)
  const head = await request(`${reg.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD', headers })
  if (head.status === 200) return { digest, size: bytes.length }
  const start = await request(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { ...headers, 'content-length': '0' } })
  if (start.status !== 202 || !start.headers.location) throw new Error(`POST blob upload ${repo} answered ${start.status}: ${start.body.toString('utf8')}`)
  const loc = new URL(start.headers.location, reg.url)
  loc.searchParams.set('digest', digest)
  const put = await request(loc.toString(), {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
    body: bytes
  })
  if (put.status !== 201) throw new Error(`PUT blob ${repo}@${digest} answered ${put.status}: ${put.body.toString('utf8')}`)
  return { digest, size: bytes.length }
}

/** PUTs a manifest under `ref` (a tag or its digest); returns the digest (checked against Docker-Content-Digest). */
export async function putManifest(reg: TestRegistry, repo: string, ref: string, body: Buffer, mediaType: string): Promise<string> {
  const r = await request(`${reg.url}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { ...(await auth(reg, repo)), 'content-type': mediaType, 'content-length': String(body.length) },
    body
  })
  if (r.status !== 201) throw new Error(`PUT manifest ${repo}:${ref} answered ${r.status}: ${r.body.toString('utf8')}`)
  const digest = sha256(body)
  const reported = r.headers['docker-content-digest']
  if (reported && reported !== digest) throw new Error(`registry reports manifest digest ${reported}, body hashes to ${digest}`)
  return digest
}

/**
 * PUTs an OCI image index referencing existing manifests of `repo` under `tag` (a multi-arch tag);
 * returns the index digest (checked against the registry's Docker-Content-Digest).
 */
export async function pushIndex(
  reg: TestRegistry,
  repo: string,
  tag: string,
  manifests: Array<{ digest: string; size: number; mediaType: string; platform: { os: string; architecture: string } }>
): Promise<string> {
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }, null, 2))
  return putManifest(reg, repo, tag, body, MEDIA.ociIndex)
}

export interface TestImageOptions {
  platform?: Platform
  /** config labels; default git-commit = 40×'0'… (see pushTestIndex) and build-number = '1' */
  labels?: Record<string, string>
  /** 'oci' (default) or 'docker' (Docker v2 schema 2 media types) */
  format?: 'oci' | 'docker'
  /** makes the layer (and so every digest) different for a different salt */
  salt?: string
}

/**
 * Pushes one single-platform image (layer, config with labels, manifest) to `repo`, tagged `tag` when given
 * (else pushed by digest only). The layer is a gzipped one-file tar, so `docker pull` accepts it.
 */
export async function pushTestImage(reg: TestRegistry, repo: string, tag: string | undefined, opts: TestImageOptions = {}): Promise<TestImage> {
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' }
  const docker = opts.format === 'docker'
  const labels = opts.labels ?? { 'git-commit': '0'.repeat(40), 'build-number': '1' }
  const tar = tarOneFile('hello.txt', Buffer.from(`${platformString(platform)} ${opts.salt ?? ''}\n`))
  const gz = gzipSync(tar, { level: 9 })
  gz[9] = 3 // OS byte of the gzip header: fixed, so the layer digest does not depend on the machine
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      created: '2024-01-01T00:00:00Z',
      config: { Labels: labels },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'e2e support pushTestImage' }]
    })
  )
  const [layerDesc, configDesc] = await Promise.all([uploadBlob(reg, repo, gz), uploadBlob(reg, repo, config)])
  const mediaType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: docker ? MEDIA.dockerConfig : MEDIA.ociConfig, ...configDesc },
      layers: [{ mediaType: docker ? MEDIA.dockerLayer : MEDIA.ociLayer, ...layerDesc }]
    })
  )
  const digest = await putManifest(reg, repo, tag ?? sha256(manifest), manifest, mediaType)
  return {
    descriptor: { mediaType, digest, size: manifest.length, platform },
    digest,
    manifest,
    config: { ...configDesc, body: config },
    layer: layerDesc,
    labels
  }
}

export interface TestIndexOptions {
  /** default linux/amd64 and linux/arm64 */
  platforms?: Platform[]
  /** one attestation manifest per platform (default true; OCI only) */
  attestations?: boolean
  /** labels of every platform's config; default git-commit = `commit`, build-number = `buildNumber` */
  labels?: Record<string, string>
  /** per-platform label overrides, keyed by `os/arch[/variant]` (e.g. a different git-commit on one platform) */
  platformLabels?: Record<string, Record<string, string>>
  commit?: string
  buildNumber?: string
  /** 'oci' (default: OCI index) or 'docker' (manifest list; no attestations) */
  format?: 'oci' | 'docker'
  /** index-level annotations (OCI only) */
  annotations?: Record<string, string>
  salt?: string
}

/**
 * Pushes what a buildx multi-platform push with provenance holds: 2 platform manifests + 2 `unknown/unknown`
 * attestation manifests in one OCI index, tagged `tag` (or by digest only when undefined). Children are
 * pushed by digest only, as buildx does.
 */
export async function pushTestIndex(reg: TestRegistry, repo: string, tag: string | undefined, opts: TestIndexOptions = {}): Promise<TestIndex> {
  const docker = opts.format === 'docker'
  const withAttestations = opts.attestations ?? !docker
  if (docker && withAttestations) throw new Error('pushTestIndex: attestation manifests need the OCI format')
  const platforms = opts.platforms ?? [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' }
  ]
  const base = opts.labels ?? { 'git-commit': opts.commit ?? '0'.repeat(40), 'build-number': opts.buildNumber ?? '1' }
  const images: TestImage[] = []
  for (const platform of platforms) {
    const labels = { ...base, ...opts.platformLabels?.[platformString(platform)] }
    images.push(await pushTestImage(reg, repo, undefined, { platform, labels, format: opts.format, salt: opts.salt }))
  }
  const attestations: TestIndex['attestations'] = []
  if (withAttestations) {
    const emptyConfig = await uploadBlob(reg, repo, Buffer.from('{}'))
    for (const img of images) {
      const statement = Buffer.from(
        JSON.stringify({
          _type: 'https://in-toto.io/Statement/v0.1',
          predicateType: 'https://slsa.dev/provenance/v0.2',
          subject: [{ name: '_', digest: { sha256: img.digest.slice('sha256:'.length) } }],
          predicate: { builder: { id: 'e2e-support' }, buildType: 'e2e', invocation: { parameters: { salt: opts.salt ?? '' } } }
        })
      )
      const layer = await uploadBlob(reg, repo, statement)
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA.ociManifest,
          config: { mediaType: MEDIA.ociConfig, ...emptyConfig },
          layers: [{ mediaType: MEDIA.inToto, ...layer, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }]
        })
      )
      const digest = await putManifest(reg, repo, sha256(manifest), manifest, MEDIA.ociManifest)
      attestations.push({
        descriptor: {
          mediaType: MEDIA.ociManifest,
          digest,
          size: manifest.length,
          platform: { architecture: 'unknown', os: 'unknown' },
          annotations: { 'vnd.docker.reference.digest': img.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
        },
        digest,
        manifest,
        for: img.digest
      })
    }
  }
  const mediaType = docker ? MEDIA.dockerList : MEDIA.ociIndex
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: [...images.map((i) => i.descriptor), ...attestations.map((a) => a.descriptor)],
      ...(opts.annotations && !docker ? { annotations: opts.annotations } : {})
    })
  )
  const digest = await putManifest(reg, repo, tag ?? sha256(body), body, mediaType)
  return { digest, mediaType, body, tag, platforms: images, attestations }
}
