/* global document, window, getComputedStyle */
// Runs inside the rendered summary page (added by render-summary.ts with addScriptTag): measures what a
// person sees. Plain DOM code, kept out of the TypeScript program, whose types are Node's.

/** Code blocks, tables, visible text, unrendered-markdown artefacts and headings of #summary. */
/** Rendered and not hidden (closed <details> hide their content without detaching it from layout). */
const shown = (el) => (typeof el.checkVisibility === 'function' ? el.checkVisibility() : el.offsetParent !== null)

window.summaryFacts = function summaryFacts() {
  const root = document.getElementById('summary')
  const pre = [...root.querySelectorAll('pre')].map((p) => {
    const code = p.querySelector('code')
    const lang = /(?:^|\s)language-(\S+)/.exec(code ? code.className : '')
    let visible = true
    for (let d = p.parentElement && p.parentElement.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
      if (!d.open) visible = false
    }
    // GitHub's copy button copies the block's text without the final newline
    return { text: (p.textContent || '').replace(/\n$/, ''), lang: lang ? lang[1] : '', visible, inDetails: p.closest('details') !== null }
  })
  const tables = [...root.querySelectorAll('table')].map((t) => {
    const headers = [...t.querySelectorAll('thead th')].map((c) => c.innerText.trim())
    const bodyRows = [...t.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')])
    const rows = bodyRows.map((cells) => cells.map((c) => c.innerText.trim()))
    // what selecting a cell copies, untrimmed: a value's own leading/trailing spaces are part of it
    const cellText = bodyRows.map((cells) => cells.map((c) => c.innerText))
    return { headers, rows, cellText, hasHeaderText: headers.some((h) => h !== '') }
  })
  // visible text without the code blocks (code may hold '#' and '|' legitimately); innerText needs layout,
  // so the copy is laid out off-screen at the same width
  const clone = root.cloneNode(true)
  clone.removeAttribute('id')
  clone.querySelectorAll('pre, button').forEach((e) => e.remove())
  clone.style.position = 'absolute'
  clone.style.left = '-99999px'
  clone.style.width = `${root.clientWidth}px`
  root.parentElement.appendChild(clone)
  const text = clone.innerText
  clone.remove()
  const artefact = (l) =>
    /^#{1,6}(\s|$)/.test(l) || // a heading the renderer did not see (e.g. swallowed by an HTML block)
    /^\|.*\|$/.test(l) || // a table row shown as text
    /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(l) || // a table delimiter row
    /^(```|~~~)/.test(l) || // a fence shown as text
    /&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.test(l) // an entity escaped twice
  const artefacts = text.split('\n').map((l) => l.trim()).filter(artefact)
  const headings = [...root.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(shown).map((h) => h.innerText.trim())
  return { text, artefacts, headings, pre, tables }
}

/** Elements of #summary whose content is wider than their box at the current viewport width. */
window.summaryOverflows = function summaryOverflows() {
  const root = document.getElementById('summary')
  const style = getComputedStyle(root)
  const contentWidth = root.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
  const overflows = []
  const candidates = [root, ...root.querySelectorAll('table, pre, p, li, blockquote, details, h1, h2, h3, h4, h5, h6')]
  for (const el of candidates) {
    if (el !== root && !shown(el)) continue
    // 1px of slack: sub-pixel layout rounds scrollWidth up
    if (el.scrollWidth > el.clientWidth + 1) {
      overflows.push({
        tag: el === root ? 'markdown-body' : el.tagName.toLowerCase(),
        text: (el.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 80),
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth
      })
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    overflows.push({ tag: 'page', text: '', scrollWidth: document.documentElement.scrollWidth, clientWidth: window.innerWidth })
  }
  return { contentWidth, overflows }
}
