/** One challenge of a `WWW-Authenticate` header, e.g. `Bearer realm="…",service="…",scope="…"`. */
export interface Challenge {
  scheme: string
  params: Record<string, string>
}

/**
 * Parses a WWW-Authenticate value (RFC 7235): several challenges, each a scheme followed by comma-separated
 * `key=value` or `key="quoted, value"` parameters. Scheme and parameter names are case-insensitive (lower-cased here).
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = []
  let i = 0
  const n = header.length
  const skip = (re: RegExp): void => {
    while (i < n && re.test(header[i] as string)) i++
  }
  while (i < n) {
    skip(/[\s,]/)
    const start = i
    skip(/[^\s,=]/)
    const token = header.slice(start, i)
    if (!token) break
    // a scheme is a token not followed by '='
    let j = i
    while (j < n && header[j] === ' ') j++
    if (header[j] === '=' && challenges.length > 0) {
      i = start
    } else {
      challenges.push({ scheme: token.toLowerCase(), params: {} })
    }
    const current = challenges[challenges.length - 1]
    if (!current) break
    // parameters until the next scheme token
    for (;;) {
      skip(/[\s,]/)
      const keyStart = i
      skip(/[^\s,=]/)
      const key = header.slice(keyStart, i)
      let k = i
      while (k < n && header[k] === ' ') k++
      if (!key || header[k] !== '=') {
        i = keyStart
        break
      }
      i = k + 1
      while (i < n && header[i] === ' ') i++
      let value = ''
      if (header[i] === '"') {
        i++
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++
          value += header[i]
          i++
        }
        i++
      } else {
        const vs = i
        skip(/[^,]/)
        value = header.slice(vs, i).trim()
      }
      current.params[key.toLowerCase()] = value
    }
  }
  return challenges
}
