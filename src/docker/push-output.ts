import { isSha256Digest } from '../registry/digest'

/**
 * `docker push` prints one line per pushed tag: `<tag>: digest: sha256:<hex> size: <n>`.
 * Returns what it says for `tag`, or {} when docker printed no such line (then the registry read-back alone decides).
 */
export function parsePushDigest(output: string, tag: string): { digest?: string; size?: number } {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const line = new RegExp(`^${escaped}: digest: (sha256:\\S+) size: (\\d+)\\s*$`, 'm')
  const match = line.exec(output.replace(/\r/g, ''))
  if (!match || !isSha256Digest(match[1] as string)) return {}
  return { digest: match[1], size: Number(match[2]) }
}
