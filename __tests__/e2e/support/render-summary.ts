/**
 * A job summary as a person sees it on GitHub: markdown rendered as GitHub-flavoured markdown, laid out in a
 * page with GitHub-like CSS at the widths of a run page, opened in headless Chromium, screenshotted, and
 * measured (code blocks' selectable text, tables' cells, horizontal overflow, unrendered-markdown
 * artefacts) so tests can assert what a reviewer would see.
 *
 * Renderer: micromark with micromark-extension-gfm. GitHub renders with cmark-gfm; micromark is written
 * against the same specs (CommonMark + the GFM spec's tables, strikethrough, autolinks, task lists, footnotes
 * and the tag filter) and passes their conformance tests, so the HTML-block rules that decide whether a
 * heading after `</details>` renders or shows as a literal `####`, and the table-cell rules for `|` inside
 * code spans, behave as on GitHub. It is the parser behind remark, actively maintained, and has no runtime
 * dependencies outside its own family. markdown-it was the alternative; it deviates from GFM in tables and
 * autolinks unless configured with plugins. Raw HTML is passed through (GitHub allows details/summary/sub/
 * br/code in summaries); GitHub's alert blockquotes (`> [!WARNING]`) are rendered as alert boxes here too.
 *
 * Chromium is Debian's `chromium` (/usr/bin/chromium, installed by scripts/ensure-env.sh), driven by
 * playwright-core (no browser download). Screenshots go to `.cache/screenshots/<name>-<width>.png`.
 */
import { test } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { chromium } from 'playwright-core'
import { repoRoot } from './node24'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOT_DIR = join(repoRoot, '.cache', 'screenshots')
const PAGE_SCRIPT = join(repoRoot, '__tests__', 'e2e', 'support', 'render-summary.page.js')
export const DEFAULT_WIDTHS = [900, 1280] as const

/** Flags for a headless, offline, throwaway browser: no sandbox (root in CI containers), no network chatter. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export interface PreBlock {
  /** the block's selectable text (what GitHub's copy button copies: no trailing newline) */
  text: string
  /** the fence's info string ('yaml', 'diff', …), '' for none */
  lang: string
  /** shown without a click: not inside a closed <details> */
  visible: boolean
  /** inside any <details> */
  inDetails: boolean
}

export interface TableFacts {
  /** header cells' visible text */
  headers: string[]
  /** body rows' cells' visible text, trimmed */
  rows: string[][]
  /** body rows' cells' text as selecting them gives it (innerText, untrimmed: leading/trailing spaces kept) */
  cellText: string[][]
  /** false when every header cell is empty (an empty `| | |` header renders as a blank strip) */
  hasHeaderText: boolean
}

export interface Overflow {
  /** 'table', 'pre', 'markdown-body', … */
  tag: string
  /** the start of the element's text, to tell which one */
  text: string
  scrollWidth: number
  clientWidth: number
}

export interface WidthFacts {
  /** viewport width in CSS px */
  width: number
  /** width of the summary's text column at this viewport width */
  contentWidth: number
  /** elements whose content is wider than their box (a horizontal scrollbar, or clipped) */
  overflows: Overflow[]
  screenshot: string
}

export interface RenderedSummary {
  /** the markdown rendered to HTML (the summary body) */
  html: string
  /** the whole page opened in the browser */
  page: string
  /** visible text outside code blocks */
  text: string
  /** lines of visible text that are markdown the renderer did not turn into HTML (literal `####` headings,
   *  `| a | b |` rows, `|---|` delimiters, ``` fences, HTML entities shown as text) */
  artefacts: string[]
  /** visible headings' text, in order */
  headings: string[]
  pre: PreBlock[]
  tables: TableFacts[]
  widths: WidthFacts[]
}

export interface RenderOptions {
  /** names the screenshots: `.cache/screenshots/<name>-<width>.png` (sanitised) */
  name: string
  /** viewport widths, default 900 and 1280 */
  widths?: readonly number[]
  /** default SCREENSHOT_DIR */
  outDir?: string
}

// ---------------------------------------------------------------------------------------- rendering

const ALERTS: Record<string, string> = { NOTE: 'Note', TIP: 'Tip', IMPORTANT: 'Important', WARNING: 'Warning', CAUTION: 'Caution' }

/** GitHub-flavoured markdown → HTML, raw HTML allowed (GitHub's sanitiser keeps what summaries use). */
export function markdownToHtml(markdown: string): string {
  const html = micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })
  // GitHub turns a blockquote whose first line is `[!WARNING]` (etc.) into an alert box with a title
  return html.replace(/<blockquote>\n<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\n?/g, (_m, kind: string) => {
    return `<blockquote class="markdown-alert markdown-alert-${kind.toLowerCase()}">\n<p class="markdown-alert-title">${ALERTS[kind]}</p>\n<p>`
  })
}

/**
 * GitHub-like styles written for these tests (not GitHub's stylesheet): the metrics that decide wrapping and
 * overflow — 14px text in GitHub's font stack, code at 85%, tables as scrolling blocks as wide as their
 * content up to the column, code blocks that scroll instead of wrapping, code spans that keep spaces.
 * The column: below 1012px the run page shows no sidebar; from 1012px a 320px job list sits on the left.
 */
const CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; background: #fff; color: #1f2328; }
body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.5; }
.layout { display: flex; gap: 24px; padding: 16px 32px; }
.sidebar { display: none; flex: 0 0 320px; border-right: 1px solid #d1d9e0; min-height: 200px; }
@media (min-width: 1012px) { .sidebar { display: block; } }
.main { flex: 1 1 auto; min-width: 0; }
.summary-box { border: 1px solid #d1d9e0; border-radius: 6px; }
.summary-box > header { padding: 8px 16px; border-bottom: 1px solid #d1d9e0; background: #f6f8fa; font-weight: 600; }
.markdown-body { padding: 16px 24px; overflow-wrap: break-word; word-wrap: break-word; }
.markdown-body > *:first-child { margin-top: 0 !important; }
.markdown-body p, .markdown-body blockquote, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body pre, .markdown-body details { margin-top: 0; margin-bottom: 16px; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4, .markdown-body h5, .markdown-body h6 { margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h1 { font-size: 2em; } .markdown-body h2 { font-size: 1.5em; } .markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; } .markdown-body h5 { font-size: .875em; } .markdown-body h6 { font-size: .85em; color: #59636e; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body code, .markdown-body pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 85%; }
.markdown-body code { padding: .2em .4em; margin: 0; background: rgba(129,139,152,.12); border-radius: 6px; white-space: break-spaces; }
.markdown-body pre { padding: 16px; overflow: auto; line-height: 1.45; background: #f6f8fa; border-radius: 6px; word-wrap: normal; }
.markdown-body pre code { padding: 0; background: transparent; font-size: 100%; white-space: pre; word-break: normal; }
.markdown-body .snippet-clipboard-content { position: relative; }
.markdown-body .snippet-clipboard-content > button { position: absolute; top: 8px; right: 8px; height: 28px; padding: 0 8px; border: 1px solid #d1d9e0; border-radius: 6px; background: #f6f8fa; color: #59636e; font: 12px sans-serif; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; font-variant: tabular-nums; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table tr { background: #fff; border-top: 1px solid #d1d9e0; }
.markdown-body table tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body .markdown-alert-warning { border-left-color: #9a6700; } .markdown-body .markdown-alert-warning .markdown-alert-title { color: #9a6700; }
.markdown-body .markdown-alert-title { font-weight: 500; }
.markdown-body details summary { cursor: pointer; display: list-item; }
.markdown-body sub { font-size: 75%; }
.markdown-body hr { height: .25em; margin: 24px 0; background: #d1d9e0; border: 0; }
`

/** Wraps the rendered summary in a run-page-like layout; code blocks get a copy button as on GitHub. */
export function summaryPage(bodyHtml: string, title = 'Job summary'): string {
  const withCopy = bodyHtml.replace(/<pre>([\s\S]*?)<\/pre>/g, '<div class="snippet-clipboard-content"><pre>$1</pre><button aria-label="Copy" type="button">copy</button></div>')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title.replace(/</g, '&lt;')}</title><style>${CSS}</style></head>
<body><div class="layout"><nav class="sidebar" aria-label="jobs"></nav><main class="main"><section class="summary-box"><header>build summary</header>
<article class="markdown-body" id="summary">
${withCopy}
</article></section></main></div></body></html>
`
}

// ------------------------------------------------------------------------------------------ browser

/** Why the browser checks cannot run here, or undefined when they can. */
export function chromiumUnavailable(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (Debian package 'chromium'; scripts/ensure-env.sh installs it)`
  return undefined
}

/**
 * `test` for checks that need Chromium: skips with a printed reason when it is missing, and fails instead when
 * REQUIRE_E2E=1 (CI), so a CI run can never pass by skipping them.
 */
export function browserTest(name: string, fn: () => Promise<void>, timeoutMs = 60_000): void {
  const why = chromiumUnavailable()
  if (why === undefined) {
    test(name, fn, timeoutMs)
  } else if (process.env.REQUIRE_E2E === '1') {
    test(name, () => {
      throw new Error(`REQUIRE_E2E=1 but the browser checks cannot run: ${why}`)
    })
  } else {
    console.log(`skipping "${name}": ${why}`)
    test.skip(name, fn)
  }
}

const safeName = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'summary'

/**
 * Renders a job summary's markdown as GitHub would, opens it in headless Chromium at each width (default 900
 * and 1280 px), screenshots the full page to `.cache/screenshots/<name>-<width>.png`, and returns what a
 * person would see. Launches and closes its own browser (fresh profile) per call.
 */
export async function renderSummary(markdown: string, opts: RenderOptions): Promise<RenderedSummary> {
  const why = chromiumUnavailable()
  if (why !== undefined) throw new Error(`renderSummary: ${why}`)
  const html = markdownToHtml(markdown)
  const page = summaryPage(html, opts.name)
  const outDir = opts.outDir ?? SCREENSHOT_DIR
  await mkdir(outDir, { recursive: true })
  const profile = await mkdtemp(join(tmpdir(), 'render-summary-profile-'))
  const pageFile = join(profile, 'summary.html')
  await writeFile(pageFile, page)
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    offline: true,
    javaScriptEnabled: true,
    timeout: 30_000
  })
  try {
    const tab = context.pages()[0] ?? (await context.newPage())
    // nothing may leave the machine: the page is self-contained, any request is a mistake
    await tab.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort()))
    await tab.goto(`file://${pageFile}`, { waitUntil: 'load' })
    // the measuring code runs in the page; it lives in a plain script (DOM code, outside this Node program's types)
    await tab.addScriptTag({ path: PAGE_SCRIPT })
    const widths: WidthFacts[] = []
    for (const width of opts.widths ?? DEFAULT_WIDTHS) {
      await tab.setViewportSize({ width, height: 800 })
      const { contentWidth, overflows } = (await tab.evaluate('window.summaryOverflows()')) as { contentWidth: number; overflows: Overflow[] }
      const screenshot = join(outDir, `${safeName(opts.name)}-${width}.png`)
      await tab.screenshot({ path: screenshot, fullPage: true })
      widths.push({ width, contentWidth, overflows, screenshot })
    }
    await tab.setViewportSize({ width: opts.widths?.[0] ?? DEFAULT_WIDTHS[0], height: 800 })
    const facts = (await tab.evaluate('window.summaryFacts()')) as Omit<RenderedSummary, 'html' | 'page' | 'widths'>
    return { html, page, ...facts, widths }
  } finally {
    await context.close()
    await rm(profile, { recursive: true, force: true })
  }
}
