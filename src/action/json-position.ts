/**
 * Where a text stops being JSON, without quoting it. V8's JSON.parse errors quote the text around the fault (on
 * Node 22+ without a position), and in a docker config.json that text can be part of a credential, so an error
 * about such a file says "line L, column C" from this scanner and nothing else.
 */

/** The offset of the first character that makes `text` invalid JSON (text.length when it ends too early), or undefined when valid. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++
  }
  const fail = (): never => {
    throw i
  }
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length
    else fail()
  }
  const string = (): void => {
    i++ // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return
      }
      if (c < 0x20) fail()
      if (c === 0x5c) {
        i++
        const e = text[i]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail()
          i += 5
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++
        else fail()
      } else i++
    }
    fail()
  }
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (!m || m[0] === '-' || m[0] === '') fail()
    i += (m as RegExpExecArray)[0].length
  }
  /** The members of `{…}` or `[…]` (at the opener), comma-separated up to `close`. */
  const members = (close: string, member: () => void): void => {
    i++
    ws()
    if (text[i] === close) {
      i++
      return
    }
    for (;;) {
      member()
      ws()
      if (text[i] === ',') i++
      else if (text[i] === close) {
        i++
        return
      } else fail()
    }
  }
  const value = (depth: number): void => {
    if (depth > 512) fail()
    ws()
    const c = text[i]
    if (c === '{') {
      return members('}', () => {
        ws()
        if (text[i] !== '"') fail()
        string()
        ws()
        if (text[i] !== ':') fail()
        i++
        value(depth + 1)
      })
    }
    if (c === '[') return members(']', () => value(depth + 1))
    if (c === '"') return string()
    if (c === 't') return literal('true')
    if (c === 'f') return literal('false')
    if (c === 'n') return literal('null')
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number()
    fail()
  }
  try {
    value(0)
    ws()
    return i < text.length ? i : undefined
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, text.length)
    throw at
  }
}

/** `line L, column C` (1-based) of an offset in `text`. */
export function linePosition(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 }
}

/**
 * JSON.parse, but a syntax error says only where (`line 4, column 15`), never what is there: the caller's file may
 * hold secrets. Throws a SyntaxError with that message.
 */
export function parseJsonQuietly<T>(text: string): T {
  try {
    return JSON.parse(text) as T
  } catch {
    const offset = jsonErrorOffset(text) ?? 0
    const { line, column } = linePosition(text, offset)
    throw new SyntaxError(offset >= text.length ? `it ends too early (line ${line}, column ${column})` : `syntax error at line ${line}, column ${column}`)
  }
}
