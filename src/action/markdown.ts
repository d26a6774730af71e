/**
 * Markdown for job summaries: every value that comes from a user, a registry or a file goes through these.
 *
 * GitHub renders summaries as GitHub-flavoured markdown with raw HTML allowed (sanitised). What keeps a value
 * literal differs by place:
 *  - prose: `code()` (a code span: backslashes and `<` are literal inside it, only backtick runs need care);
 *  - tables: `htmlTable()` with `htmlCode()` cells. A markdown table cannot hold a line break, and inside it `|`
 *    must be written `\|` even in a code span; an HTML table with entity-escaped text holds any value as it is,
 *    and its cells can offer line-break points (`<wbr>`) so long values wrap instead of widening the page;
 *  - something to copy: `codeBlock()` (a fenced block: GitHub gives it a copy button and copies it verbatim).
 * Sections are joined with `sections()`: a heading right after an HTML block (`</details>`, `</table>`) without a
 * blank line is swallowed into the block and shows as a literal `####`.
 */

/** Escapes text for a markdown table cell (plain text, not code). */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>')
}

/**
 * Plain text in prose, shown as it is: every ASCII punctuation character backslash-escaped (CommonMark allows that
 * for all of them), so `*`, `_`, `<b>`, `[x](y)` or `&amp;` are not read as markup; line breaks become spaces.
 */
export function text(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&')
}

/** The delimiter for a code span or fence: longer than any backtick run inside the text. */
function ticks(text: string, min: number): string {
  const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0)
  return '`'.repeat(Math.max(min, longest + 1))
}

/**
 * Inline code in prose that shows `text` exactly: backslashes, `<`, `&` and `|` are literal in a code span; backtick
 * runs get a longer delimiter; a space pad is added when the text starts or ends with a backtick or a space (the
 * renderer strips one space from each side when both are there). Line breaks become spaces: for values that may
 * hold them, use htmlCode() in an htmlTable().
 */
export function code(text: string): string {
  const t = ticks(text, 1)
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : ''
  return `${t}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${t}`
}

/** A link when the URL is known, else the text alone (markdown). */
export function link(text: string, url: string | undefined): string {
  return url ? `[${text}](${url})` : text
}

/** A code fence longer than any backtick run inside the text. */
export function fence(text: string): string {
  return ticks(text, 3)
}

/** A fenced code block (GitHub shows a copy button that copies `text` exactly). */
export function codeBlock(text: string, lang = 'text'): string {
  const f = fence(text)
  return `${f}${lang}\n${text}\n${f}`
}

/**
 * Text as HTML: `&`, `<`, `>` and quotes as entities; line breaks as character references, so a value with a blank
 * line in it cannot end the HTML block it sits in (after which the rest would be read as markdown).
 */
export function html(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
}

/** Runs of visible characters at least this long get line-break points (`<wbr>`, which adds no text). */
const WRAP_RUN = 48

/**
 * HTML for text that may be long and unbroken (digests, URLs): escaped, with `<wbr>` break points inside runs of
 * WRAP_RUN characters or more: after `/ @ : . - _ ? & =`, and every 16 characters in a piece still longer than that
 * (hex digests), so a table cell can wrap it. Selecting or copying the text gives it back exactly (`<wbr>` has no
 * text). Where a sanitiser drops `<wbr>`, the value is unchanged and the table scrolls instead.
 */
export function wrappable(text: string): string {
  return text
    .split(/(\s+)/)
    .map((part) => {
      if (part.length < WRAP_RUN || /^\s+$/.test(part)) return html(part)
      const pieces = part.match(/[^/@:.\-_?&=]*[/@:.\-_?&=]*/g)?.filter((p) => p !== '') ?? [part]
      return pieces.map((p) => (p.length > 24 ? (p.match(/.{1,16}/gs) ?? [p]) : [p]).map(html).join('<wbr>')).join('<wbr>')
    })
    .join('')
}

/** Inline code as HTML (for htmlTable cells): the value exactly; `wrap` adds break points for long values. */
export function htmlCode(text: string, { wrap = true }: { wrap?: boolean } = {}): string {
  return `<code>${wrap ? wrappable(text) : html(text)}</code>`
}

/** An HTML link around already-rendered HTML when the URL is known, else the HTML alone. */
export function htmlLink(inner: string, url: string | undefined): string {
  return url ? `<a href="${html(url)}">${inner}</a>` : inner
}

/**
 * An HTML table: `headers` are plain text, `rows` are cells of already-rendered HTML (use html(), htmlCode(),
 * htmlLink()). One line per row and no blank line inside: the markdown renderer passes the block through whole.
 */
export function htmlTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const head = `<thead><tr>${headers.map((h) => `<th>${html(h)}</th>`).join('')}</tr></thead>`
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
  return ['<table>', head, '<tbody>', ...body, '</tbody>', '</table>'].join('\n')
}

/**
 * Joins summary sections with one blank line between them (and a final newline), whatever each ends or starts
 * with, so no section is swallowed by an HTML block before it. Empty sections are left out.
 */
export function sections(...parts: ReadonlyArray<string | undefined | false>): string {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.replace(/^\n+|\s+$/g, ''))
  return kept.length > 0 ? `${kept.join('\n\n')}\n` : ''
}
