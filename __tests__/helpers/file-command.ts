/**
 * Parses a file-command file (GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV) like the runner:
 * `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks; blank lines are skipped.
 * Throws on a heredoc without its closing delimiter, or a line that is neither form (the runner fails the step).
 */
export function parseFileCommand(content: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = content.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const eq = line.indexOf('=')
    const hd = line.indexOf('<<')
    if (hd > 0 && (eq < 0 || hd < eq)) {
      const name = line.slice(0, hd)
      const delimiter = line.slice(hd + 2)
      if (delimiter === '') throw new Error(`invalid file command: empty delimiter in line ${i + 1}: ${line}`)
      const value: string[] = []
      let closed = false
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true
          break
        }
        value.push(lines[i] ?? '')
      }
      if (!closed) throw new Error(`invalid file command: delimiter ${JSON.stringify(delimiter)} for ${name} not found`)
      out[name] = value.join('\n')
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1)
    } else {
      throw new Error(`invalid file command in line ${i + 1}: ${JSON.stringify(line)}`)
    }
  }
  return out
}
