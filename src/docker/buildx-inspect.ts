/** What `docker buildx inspect` says about a builder. */
export interface BuildxBuilderInfo {
  name: string
  driver: string
  /** Its nodes' platforms, in the order listed (the builder's own first). */
  platforms: string[]
}

/** Parses `docker buildx inspect [name]` (text: `--format` arrived only in later buildx versions). */
export function parseBuildxInspect(text: string): BuildxBuilderInfo | undefined {
  const field = (name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim()
  const name = field('Name')
  const driver = field('Driver')
  if (!name || !driver) return undefined
  const platforms: string[] = []
  for (const m of text.matchAll(/^Platforms:[ \t]*(.*)$/gm)) {
    for (const p of (m[1] ?? '').split(',')) {
      const t = p.trim().replace(/\*$/, '')
      if (t && !platforms.includes(t)) platforms.push(t)
    }
  }
  return { name, driver, platforms }
}
