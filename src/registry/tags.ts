import type { RegistryClient } from './client'

export interface TagState {
  tag: string
  /** Where the tag points, confirmed by digest (confirm.ts). */
  digest: string
}

/**
 * Where each tag points, every digest confirmed by digest (confirm.ts), for a read-back after a push. The manifest is
 * read by the `claimed` digest (hashed: the proof, kept by the client) side by side with a HEAD per tag: a tag whose
 * HEAD names the claim is confirmed by that read; a HEAD that names no digest, by the GET of the tag (hashed, then
 * confirmed); one that names another digest (the tag moved), or a claim that could not be read, is resolved afresh by
 * client.descriptor, whose errors name the tag. Nothing claimed: the first tag names the digest the others are
 * compared with. `missing(tag, error)`: what to throw for a tag the registry does not serve (default: its error).
 */
export async function tagStates(
  client: RegistryClient,
  tags: readonly string[],
  claimed?: string,
  missing: (tag: string, error: unknown) => unknown = (_tag, error) => error
): Promise<TagState[]> {
  const [first, ...rest] = tags
  if (!claimed) {
    if (first === undefined) return []
    const found = await client.descriptor(first, { verified: true }).catch((error: unknown) => {
      throw missing(first, error)
    })
    return [{ tag: first, digest: found.digest }, ...(await tagStates(client, rest, found.digest, missing))]
  }
  const proof = client.manifest(claimed).then(
    (m) => m,
    () => undefined
  )
  const state = async (tag: string): Promise<TagState> => {
    const head = await client.head(tag)
    const held = await proof
    if (head?.digest === undefined) return { tag, digest: (await client.manifest(tag)).digest }
    if (held && head.digest === held.digest && (head.size === undefined || head.size === held.bytes.length)) return { tag, digest: held.digest }
    return { tag, digest: (await client.descriptor(tag, { verified: true })).digest }
  }
  return Promise.all(
    tags.map((tag) =>
      state(tag).catch((error: unknown) => {
        throw missing(tag, error)
      })
    )
  )
}
