import { createHash } from 'node:crypto'

/** `sha256:` and 64 lowercase hex: the one digest form registries use for images, and the only one we verify. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/

export function isSha256Digest(value: string): boolean {
  return SHA256_DIGEST.test(value)
}

/** `sha256:<hex>` of exactly these bytes. Never hash re-serialised JSON: registries digest the bytes they store. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** True when `bytes` hash to `digest`. Only sha256 is supported (the only algorithm registries use for images). */
export function matchesDigest(digest: string, bytes: Uint8Array): boolean {
  return digest.startsWith('sha256:') && sha256Digest(bytes) === digest
}
