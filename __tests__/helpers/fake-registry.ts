import { createHash } from 'node:crypto'
import type { HttpRequest, HttpResponse, Transport } from '../../src/registry/transport'
import { DOCKER_MANIFEST } from '../../src/registry/media-types'

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** An in-memory registry behind the Transport seam: manifests by tag and digest, blobs by digest. */
export class FakeRegistry implements Transport {
  readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>()
  readonly tags = new Map<string, string>()
  readonly blobs = new Map<string, Buffer>()
  readonly requests: Array<{ method: string; url: string }> = []

  /** Stores an image (config with labels + manifest) under tags; returns the manifest digest. */
  putImage(tags: string[], labels: Record<string, string>): string {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: labels } }))
    const configDigest = sha(config)
    this.blobs.set(configDigest, config)
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.length }, layers: [] })
    )
    const digest = sha(manifest)
    this.manifests.set(digest, { bytes: manifest, mediaType: DOCKER_MANIFEST })
    for (const t of tags) this.tags.set(t, digest)
    return digest
  }

  async send(url: string, req: HttpRequest): Promise<HttpResponse> {
    this.requests.push({ method: req.method, url })
    const path = new URL(url).pathname
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path)
    const notFound = (): HttpResponse => ({ status: 404, headers: {}, body: Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'), url })
    if (!m) return notFound()
    const [, , kind, ref] = m as unknown as [string, string, string, string]
    if (kind === 'blobs') {
      const blob = this.blobs.get(ref)
      return blob ? { status: 200, headers: {}, body: blob, url } : notFound()
    }
    const digest = ref.startsWith('sha256:') ? ref : this.tags.get(ref)
    const manifest = digest ? this.manifests.get(digest) : undefined
    if (!digest || !manifest) return notFound()
    const headers = { 'content-type': manifest.mediaType, 'docker-content-digest': digest, 'content-length': String(manifest.bytes.length) }
    return { status: 200, headers, body: req.method === 'HEAD' ? Buffer.alloc(0) : manifest.bytes, url }
  }
}
