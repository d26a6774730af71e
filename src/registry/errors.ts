import type { HttpResponse } from './transport'

/**
 * A registry said no, or said something we cannot trust. `status` and `code` are the registry's, when it gave them;
 * `hint` says how to fix it. The registry room's own error: the action layer (action/errors.ts describeError) shows
 * it to the user as it shows its own, message then fix.
 */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly status?: number,
    readonly code?: string
  ) {
    super(message)
    this.name = 'RegistryError'
  }

  /** The message as shown to the user: cause first, then the fix. */
  describe(): string {
    return this.hint ? `${this.message}\nFix: ${this.hint}` : this.message
  }
}

/** Longest value an error quotes whole. */
export const QUOTE_LIMIT = 128

/**
 * A value as an error quotes it: whole up to QUOTE_LIMIT characters, else its first 20 and '…', so a runaway
 * template or a pasted file cannot flood the log (and the message says how long the value was where that matters).
 */
export function cut(value: string, limit = QUOTE_LIMIT): string {
  return value.length > limit ? `${value.slice(0, 20)}…` : value
}

/** The fix for "the registry returned inconsistent data". */
export const INCONSISTENT_HINT =
  'retry the job; if it persists, report it to the registry operator (a proxy or cache in between may be serving stale or altered data)'

const MAX_TEXT = 300

/**
 * The registry's own words from an error body: `CODE: message` pairs from the distribution error JSON
 * (`{"errors":[{"code","message","detail"}]}`), else the body as trimmed one-line text, else `HTTP <status>`.
 */
export function errorDetail(res: Pick<HttpResponse, 'status' | 'body'>): { text: string; code?: string } {
  const raw = res.body.toString('utf8').trim()
  try {
    const parsed = JSON.parse(raw) as { errors?: Array<{ code?: unknown; message?: unknown }> }
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const parts = parsed.errors.map((e) =>
        [e?.code, e?.message].filter((x): x is string => typeof x === 'string' && x !== '').join(': ')
      )
      const text = oneLine(parts.filter(Boolean).join('; '))
      const code = typeof parsed.errors[0]?.code === 'string' ? parsed.errors[0].code : undefined
      if (text) return { text, ...(code && { code }) }
    }
  } catch {
    // not JSON: fall through to text
  }
  // an HTML error page says more in its text than in its markup
  const text = oneLine(/^<(!doctype|html)/i.test(raw) ? raw.replace(/<[^>]*>/g, ' ') : raw)
  return { text: text || `HTTP ${res.status}` }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}…` : flat
}

/** " after N retries" when the transport retried, else "". */
export function afterRetries(res: Pick<HttpResponse, 'retries'>): string {
  const n = res.retries ?? 0
  return n > 0 ? ` after ${n} ${n === 1 ? 'retry' : 'retries'}` : ''
}

/** `HTTP <status>[ after N retries][: <registry's words>]` — the words left out when the body said nothing. */
export function describeStatus(res: Pick<HttpResponse, 'status' | 'body' | 'retries'>): string {
  const { text } = errorDetail(res)
  const head = `HTTP ${res.status}${afterRetries(res)}`
  return text === `HTTP ${res.status}` ? head : `${head}: ${text}`
}
