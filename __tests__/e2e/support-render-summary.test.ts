/**
 * Self-test of support/render-summary.ts: a summary shaped like today's (with the faults issue 12 lists) and
 * one shaped the way it should be, rendered as GitHub renders markdown and measured in headless Chromium.
 * The checks must tell them apart; if this file fails, browser checks elsewhere say nothing about the action.
 */
import { describe, expect, test } from '@jest/globals'
import { readFile, stat } from 'node:fs/promises'
import { browserTest, markdownToHtml, renderSummary } from './support/render-summary'

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`
const PINNED = `ghcr.io/acme/api@${DIGEST}`
// one unbreakable word, as a reference without a hyphen is: a table cell cannot wrap it
const PINNED_LONG = `ghcr.io/acmecorp/paymentsgatewayservice@${DIGEST}`
const LABELS: Record<string, string> = {
  'org.opencontainers.image.title': '<b>bold</b>',
  'com.example.path': 'C:\\tmp\\x',
  'com.example.pipe': 'a|b',
  'com.example.ticks': 'x``y`z'
}

/** A code span that shows `value` literally in a table cell: a fence longer than any backtick run, `|` escaped. */
function literalCode(value: string): string {
  const longest = (value.match(/`+/g) ?? []).reduce((n, r) => Math.max(n, r.length), 0)
  const ticks = '`'.repeat(longest + 1)
  const pad = value.startsWith('`') || value.endsWith('`') || longest > 0 ? ' ' : ''
  return `${ticks}${pad}${value.replace(/\|/g, '\\|')}${pad}${ticks}`
}

// today's shape: the pinned reference as inline code in a table under an empty header, values HTML-escaped
// inside code spans, and the pin section glued to </details>
const BROKEN = [
  '### Pushed ghcr.io/acmecorp/paymentsgatewayservice',
  '',
  '| | |',
  '|---|---|',
  `| **Pinned** | \`${PINNED_LONG}\` |`,
  '',
  '#### Labels (as held by the registry)',
  '',
  '| Label | Value |',
  '|---|---|',
  ...Object.entries(LABELS).map(([k, v]) => `| \`${k}\` | \`${v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;')}\` |`),
  '',
  '<details><summary>Deploy by digest</summary>',
  '',
  '```yaml',
  `image: ${PINNED_LONG}`,
  '```',
  '',
  '</details>',
  '#### Pinned: 1 of 1 file changed',
  ''
].join('\n')

const GOOD = [
  '### Pushed ghcr.io/acme/api',
  '',
  '```text',
  PINNED,
  '```',
  '',
  '#### Labels (as held by the registry)',
  '',
  '| Label | Value |',
  '|---|---|',
  ...Object.entries(LABELS).map(([k, v]) => `| ${literalCode(k)} | ${literalCode(v)} |`),
  '',
  '> [!WARNING]',
  '> Tag `v1` moved after this push.',
  '',
  '<details><summary>Deploy by digest</summary>',
  '',
  '```yaml',
  `image: ${PINNED}`,
  '```',
  '',
  '</details>',
  '',
  '#### Pinned: 1 of 1 file changed',
  ''
].join('\n')

describe('markdownToHtml (GFM as GitHub renders it)', () => {
  test('a heading right after an HTML block is swallowed into it; after a blank line it is a heading', () => {
    expect(markdownToHtml('<details><summary>x</summary>\n\nbody\n\n</details>\n#### Next\n')).toContain('#### Next')
    expect(markdownToHtml('<details><summary>x</summary>\n\nbody\n\n</details>\n\n#### Next\n')).toContain('<h4>Next</h4>')
  })

  test('tables, escaped pipes inside code spans, fenced code, alerts', () => {
    const html = markdownToHtml('| a | b |\n|---|---|\n| `x\\|y` | z |\n\n```yaml\nk: v\n```\n\n> [!WARNING]\n> careful\n')
    expect(html).toContain('<td><code>x|y</code></td>')
    expect(html).toContain('<pre><code class="language-yaml">k: v\n</code></pre>')
    expect(html).toContain('markdown-alert-warning')
    expect(html).not.toContain('[!WARNING]')
  })
})

describe('renderSummary in headless Chromium', () => {
  browserTest('finds the faults of a badly shaped summary', async () => {
    const r = await renderSummary(BROKEN, { name: 'support-render-broken' })
    expect(r.artefacts).toContain('#### Pinned: 1 of 1 file changed')
    expect(r.headings).not.toContain('Pinned: 1 of 1 file changed')
    expect(r.tables[0]?.hasHeaderText).toBe(false)
    const values = r.tables[1]?.rows.map((row) => row[1])
    expect(values).toContain('&lt;b>bold&lt;/b>')
    expect(values).toContain('C:\\\\tmp\\\\x')
    // the only copyable block of the pinned reference is collapsed
    expect(r.pre.map((p) => [p.text, p.visible])).toEqual([[`image: ${PINNED_LONG}`, false]])
    const at900 = r.widths.find((w) => w.width === 900)
    expect(at900?.overflows.map((o) => o.tag)).toContain('table')
  })

  browserTest('passes a well shaped summary: copyable pinned block, literal labels, no artefacts, no overflow', async () => {
    const r = await renderSummary(GOOD, { name: 'support-render-good' })
    expect(r.artefacts).toEqual([])
    expect(r.headings).toEqual(['Pushed ghcr.io/acme/api', 'Labels (as held by the registry)', 'Pinned: 1 of 1 file changed'])
    expect(r.pre[0]).toEqual({ text: PINNED, lang: 'text', visible: true, inDetails: false })
    expect(r.pre[1]).toMatchObject({ text: `image: ${PINNED}`, lang: 'yaml', visible: false, inDetails: true })
    expect(Object.fromEntries(r.tables[0]?.rows.map((row) => [row[0], row[1]]) ?? [])).toEqual(LABELS)
    expect(r.text).toContain('Warning')
    expect(r.text).not.toContain('[!WARNING]')
    for (const w of r.widths) {
      expect({ width: w.width, overflows: w.overflows }).toEqual({ width: w.width, overflows: [] })
      const png = await readFile(w.screenshot)
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
      expect((await stat(w.screenshot)).size).toBeGreaterThan(5000)
    }
    expect(r.widths.map((w) => w.width)).toEqual([900, 1280])
    expect(r.widths.map((w) => w.screenshot.replace(/^.*\//, ''))).toEqual(['support-render-good-900.png', 'support-render-good-1280.png'])
    // the 1280 px run page has the job list beside the summary: the column is narrower than the viewport says
    const [narrow, wide] = r.widths
    expect(narrow?.contentWidth).toBeGreaterThan(700)
    expect(wide?.contentWidth).toBeLessThan(1280 - 320)
  })

  browserTest('reports a code block wider than the column as overflow (it scrolls; the end is hidden)', async () => {
    const long = `${'x'.repeat(300)}`
    const r = await renderSummary(`\`\`\`\n${long}\n\`\`\`\n`, { name: 'support-render-overflow', widths: [900] })
    expect(r.widths[0]?.overflows.map((o) => o.tag)).toEqual(['pre'])
    expect(r.pre[0]?.text).toBe(long)
  })
})
