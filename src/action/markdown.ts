/** Markdown for job summaries: every value that comes from a user, a registry or a file goes through these. */

/** Escapes text for a markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>')
}

/** Inline code that survives backticks inside the value. */
export function code(text: string): string {
  const ticks = '`'.repeat((text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length + 1), 1))
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${cell(text)}${ticks.length > 1 ? ' ' : ''}${ticks}`
}

/** A link when the URL is known, else the text alone. */
export function link(text: string, url: string | undefined): string {
  return url ? `[${text}](${url})` : text
}

/** A code fence longer than any backtick run inside the text. */
export function fence(text: string): string {
  const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0)
  return '`'.repeat(Math.max(3, longest + 1))
}
