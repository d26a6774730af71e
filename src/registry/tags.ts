import type { RegistryClient } from './client'
import { RegistryError } from './errors'

export interface TagState {
  tag: string
  /** Where the tag points, confirmed by digest (confirm.ts). */
  digest: string
}

/**
 * Where each tag points, every digest confirmed by digest (confirm.ts), for a read-back after a push. The manifest is
 * read by the `claimed` digest (hashed: the proof, kept by the client) side by side with a HEAD per tag: a tag whose
 * HEAD names the claim is confirmed by that read; one that names another digest (the tag moved), by a GET of that
 * digest; a HEAD that names none, by the GET of the tag (hashed, then confirmed). A claim the registry does not hold
 * (404) is the caller's to judge from the tags; any other failure of its read fails here. Nothing claimed: the first
 * tag names the digest the others are compared with. `missing(tag, error)`: what to throw for a tag the registry does
 * not serve (default: its error).
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
  const proof = client.manifest(claimed).catch((error: unknown) => {
    if (error instanceof RegistryError && error.status === 404) return undefined
    throw error
  })
  // awaited by every tag below; marked handled so a tag failing first leaves no unhandled rejection behind
  proof.catch(() => undefined)
  const state = async (tag: string): Promise<TagState> => {
    const head = await client.head(tag)
    const held = await proof
    if (head?.digest === undefined) return { tag, digest: (await client.manifest(tag)).digest }
    if (held && head.digest === held.digest && (head.size === undefined || head.size === held.bytes.length)) return { tag, digest: held.digest }
    return { tag, digest: (await client.confirmHead(tag, { ...head, digest: head.digest }, true)).digest }
  }
  return Promise.all(
    tags.map((tag) =>
      state(tag).catch((error: unknown) => {
        throw missing(tag, error)
      })
    )
  )
}
