import { describe, expect, it } from '@jest/globals'
import type { Report } from '../../src/build-push/report'
import { renderSummary } from '../../src/build-push/summary'

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const report: Report = {
  image: '127.0.0.1:5000/demo',
  imageId: 'sha256:' + '1'.repeat(64),
  pushed: true,
  digest: 'sha256:' + '2'.repeat(64),
  pinned: '127.0.0.1:5000/demo@sha256:' + '2'.repeat(64),
  tags: ['127.0.0.1:5000/demo:sha-a1b2c3d'],
  // as read back from the registry: includes a label from the Dockerfile that the plan never set
  labels: {
    'git-commit': SHA,
    'build-number': '123',
    'build-attempt': '2',
    'org.opencontainers.image.revision': SHA,
    'org.opencontainers.image.source': 'https://github.com/acme/mono',
    'com.example.team': 'pay|ments',
    maintainer: 'someone'
  },
  labelSources: {
    'git-commit': 'action',
    'build-number': 'action',
    'build-attempt': 'action',
    'org.opencontainers.image.revision': 'action',
    'org.opencontainers.image.source': 'user (overrides action)',
    'com.example.team': 'user'
  },
  commit: { sha: SHA, source: 'pull request head' },
  commitUrl: `https://github.com/acme/demo/commit/${SHA}`,
  runNumber: '123',
  runAttempt: '2',
  runUrl: 'https://github.com/acme/demo/actions/runs/999',
  movedTags: []
}

/** The label table's row for `key`, as HTML (one line per row). */
function row(markdown: string, key: string): string {
  const line = markdown.split('\n').find((l) => l.startsWith(`<tr><td><code>${key}</code></td>`))
  if (!line) throw new Error(`no row for ${key} in\n${markdown}`)
  return line
}

const tr = (key: string, value: string, source: string): string => `<tr><td><code>${key}</code></td><td>${value}</td><td>${source}</td></tr>`

describe('renderSummary: the label table', () => {
  const md = renderSummary(report)

  it('is titled as registry-held when pushed, has a header, and lists every held label sorted', () => {
    expect(md).toContain('#### Labels (as held by the registry)\n\n<table>\n<thead><tr><th>Label</th><th>Value</th><th>Source</th></tr></thead>')
    const keys = [...md.matchAll(/^<tr><td><code>([^<]+)<\/code><\/td>/gm)].map((m) => m[1])
    expect(keys).toEqual([...Object.keys(report.labels)].sort())
  })

  it('links the commit labels to the commit and the run labels to the run and attempt', () => {
    expect(row(md, 'git-commit')).toBe(tr('git-commit', `<a href="https://github.com/acme/demo/commit/${SHA}"><code>${SHA}</code></a>`, 'action'))
    expect(row(md, 'org.opencontainers.image.revision')).toContain(`<a href="https://github.com/acme/demo/commit/${SHA}">`)
    expect(row(md, 'build-number')).toBe(tr('build-number', '<a href="https://github.com/acme/demo/actions/runs/999"><code>123</code></a>', 'action'))
    expect(row(md, 'build-attempt')).toBe(tr('build-attempt', '<a href="https://github.com/acme/demo/actions/runs/999/attempts/2"><code>2</code></a>', 'action'))
    expect(row(md, 'org.opencontainers.image.source')).toBe(
      tr('org.opencontainers.image.source', '<a href="https://github.com/acme/mono"><code>https://github.com/acme/mono</code></a>', 'user (overrides action)')
    )
  })

  it('marks where each label came from, including labels the plan never set', () => {
    expect(row(md, 'com.example.team')).toBe(tr('com.example.team', '<code>pay|ments</code>', 'user'))
    expect(row(md, 'maintainer')).toBe(tr('maintainer', '<code>someone</code>', 'image'))
    expect(md).toMatch(/Source: <em>action<\/em> = set by this action/)
  })

  it('shows any value as the registry holds it: entity-escaped HTML, nothing a markdown renderer could eat', () => {
    const odd = { 'a.html': '<b>x</b> & y', 'a.path': 'C:\\tmp', 'a.ticks': '`x``y`', 'a.pad': '  p  ', 'a.nl': 'one\n\ntwo', 'a.md': '#### *x* | y' }
    const out = renderSummary({ ...report, labels: odd, labelSources: {} })
    expect(row(out, 'a.html')).toBe(tr('a.html', '<code>&lt;b&gt;x&lt;/b&gt; &amp; y</code>', 'image'))
    expect(row(out, 'a.path')).toBe(tr('a.path', '<code>C:\\tmp</code>', 'image'))
    expect(row(out, 'a.ticks')).toBe(tr('a.ticks', '<code>`x``y`</code>', 'image'))
    expect(row(out, 'a.pad')).toBe(tr('a.pad', '<code>  p  </code>', 'image'))
    expect(row(out, 'a.nl')).toBe(tr('a.nl', '<code>one&#10;&#10;two</code>', 'image'))
    expect(row(out, 'a.md')).toBe(tr('a.md', '<code>#### *x* | y</code>', 'image'))
    // the table is one HTML block: no blank line inside it
    const table = out.slice(out.indexOf('<table>'), out.indexOf('</table>'))
    expect(table).not.toMatch(/\n\s*\n/)
  })

  it('does not link a commit label whose value is not the commit built', () => {
    const other = renderSummary({ ...report, labels: { ...report.labels, 'git-commit': 'f'.repeat(40) } })
    expect(row(other, 'git-commit')).toBe(tr('git-commit', `<code>${'f'.repeat(40)}</code>`, 'action'))
  })

  it('not pushed: the labels the image was built with', () => {
    expect(renderSummary({ ...report, pushed: false, digest: undefined, pinned: undefined })).toContain('#### Labels (as built)')
  })
})
