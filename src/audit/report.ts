import { code, html, htmlCode, htmlLink, htmlTable, sections, wrappable } from '../action/markdown'
import { BUILD_ATTEMPT_LABEL, BUILD_NUMBER_LABEL, COMMIT_LABEL, OCI_CREATED, OCI_SOURCE } from '../plan/labels'
import type { AuditEntry } from './classify'
import { STATES, type AuditState } from './inputs'

/** The `report` output (entries without what only the summary uses) and one count per state. */
export function toAuditOutputs(entries: readonly AuditEntry[]): Record<string, string> {
  const report = entries.map(({ created: _created, ...e }) => e)
  const counts = Object.fromEntries(STATES.map((s) => [s, String(entries.filter((e) => e.state === s).length)]))
  return { report: JSON.stringify(report), ...counts }
}

/** The entries whose state is in `fail-on`. */
export function failing(entries: readonly AuditEntry[], failOn: readonly AuditState[]): AuditEntry[] {
  return entries.filter((e) => failOn.includes(e.state))
}

/** `sha256:0123456789ab` of a digest (12 hex digits identify it for a reader; the report output has it whole). */
function short(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…')
}

/** Code that may break after every `/`, `@` and `:` (paths and references in a narrow column). */
function breakable(text: string): string {
  return `<code>${text
    .split(/(?<=[/@:])/)
    .map((p) => html(p))
    .join('<wbr>')}</code>`
}

function shortReference(written: string): string {
  return written.replace(/@(sha256:[0-9a-f]{64})$/, (_, d: string) => `@${short(d)}`)
}

/** A repository URL the commit can be linked in: an http(s) `org.opencontainers.image.source`, without `.git`. */
function sourceUrl(source: string | undefined): string | undefined {
  if (!source || !/^https?:\/\/[^\s"<>]+$/.test(source)) return undefined
  return source.replace(/\.git$/, '').replace(/\/+$/, '')
}

function distinct(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))]
}

/** The commit cell: each distinct commit, short, linked into the source repository where the labels name it. */
function commitCell(platformLabels: ReadonlyArray<Record<string, string>>): string {
  const pairs = distinct(platformLabels.map((l) => (l[COMMIT_LABEL] ? `${l[COMMIT_LABEL]}\n${l[OCI_SOURCE] ?? ''}` : undefined)))
  return pairs
    .map((p) => {
      const [sha = '', source] = p.split('\n')
      const repo = sourceUrl(source)
      return htmlLink(htmlCode(sha.slice(0, 12), { wrap: false }), repo && `${repo}/commit/${sha}`)
    })
    .join('<br>')
}

/**
 * The build cell: the run number (and attempt), linked to the commit's checks page where the source repository is
 * known — the labels name the run by number, and that page lists the runs of the commit.
 */
function buildCell(labels: ReadonlyArray<Record<string, string>>): string {
  return distinct(
    labels.map((l) => {
      const n = l[BUILD_NUMBER_LABEL]
      if (!n) return undefined
      const attempt = l[BUILD_ATTEMPT_LABEL] && l[BUILD_ATTEMPT_LABEL] !== '1' ? ` (attempt ${l[BUILD_ATTEMPT_LABEL]})` : ''
      const repo = sourceUrl(l[OCI_SOURCE])
      return htmlLink(html(`#${n}${attempt}`), repo && l[COMMIT_LABEL] ? `${repo}/commit/${l[COMMIT_LABEL]}/checks` : undefined)
    })
  ).join('<br>')
}

/** How long ago, in the largest whole unit: `3 d`, `5 h`, `12 min` (a no-break space keeps number and unit together). */
export function age(created: string | undefined, now: number): string {
  const t = created ? Date.parse(created) : NaN
  if (Number.isNaN(t)) return ''
  const s = Math.max(0, Math.round((now - t) / 1000))
  if (s >= 86_400) return `${Math.floor(s / 86_400)}\u00a0d`
  if (s >= 3600) return `${Math.floor(s / 3600)}\u00a0h`
  if (s >= 60) return `${Math.floor(s / 60)}\u00a0min`
  return `${s}\u00a0s`
}

const WORDS: Record<AuditState, string> = {
  missing: 'missing',
  unknown: 'unknown',
  unpinned: 'unpinned',
  unlabeled: 'unlabeled',
  'other-commit': 'other commit',
  moved: 'moved',
  skipped: 'skipped',
  pinned: 'pinned'
}

function stateCell(e: AuditEntry, fails: boolean): string {
  const word = fails ? `<b>${html(WORDS[e.state])}</b>` : html(WORDS[e.state])
  const moved = e.state === 'moved' && e.tagDigest ? `<br>tag now ${htmlCode(short(e.tagDigest), { wrap: false })}` : ''
  // the registry's words for a missing digest repeat the digest and the image: the report output keeps them
  const reason = e.state === 'missing' ? 'the registry does not hold this digest: a deploy would fail to pull' : e.reason
  const why = reason && e.state !== 'moved' && e.state !== 'pinned' ? `<br><small>${wrappable(reason)}</small>` : ''
  return `${word}${moved}${why}`
}

/**
 * The audit summary: a line of counts, then one table of every reference (file:line, image, state, commit, build,
 * age), the states in `fail-on` first, then by state and place. `now` fixes the clock for the ages.
 */
export function renderAuditSummary(entries: readonly AuditEntry[], failOn: readonly AuditState[], now: number, files: number): string {
  const order = (e: AuditEntry): number => (failOn.includes(e.state) ? 0 : 100) + STATES.indexOf(e.state)
  const sorted = [...entries].sort((a, b) => order(a) - order(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line)
  const failed = failing(entries, failOn)
  const counts = STATES.filter((s) => entries.some((e) => e.state === s)).map((s) => `${entries.filter((e) => e.state === s).length} ${WORDS[s]}`)
  const rows = sorted.map((e) => {
    const labels = Object.values(e.labels) as Array<Record<string, string>>
    const created = distinct(Object.entries(e.labels).map(([p, l]) => l[OCI_CREATED] ?? e.created?.[p]))
    return [
      breakable(`${e.file}:${e.line}`),
      e.reference === null ? '' : breakable(shortReference(e.reference)),
      stateCell(e, failOn.includes(e.state)),
      commitCell(labels),
      buildCell(labels),
      html(distinct(created.map((c) => age(c, now))).join(', '))
    ]
  })
  const s = entries.length === 1 ? '' : 's'
  return sections(
    `### Audit: ${entries.length} reference${s} in ${files} file${files === 1 ? '' : 's'}`,
    counts.join(' · '),
    failed.length > 0
      ? `> [!CAUTION]\n> ${failed.length} fail the step (\`fail-on: ${failOn.join(',')}\`).`
      : failOn.length > 0
        ? `No reference is ${failOn.map((s) => code(s)).join(' or ')}.`
        : undefined,
    entries.length > 0 && htmlTable(['file:line', 'image', 'state', 'commit', 'build', 'age'], rows)
  )
}
