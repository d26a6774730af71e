import { describe, expect, it } from '@jest/globals'
import type { Report } from '../../src/build-push/report'
import { toOutputs } from '../../src/build-push/report'
import { cell, code, codeBlock, html, htmlCode, htmlLink, htmlTable, sections, text, wrappable } from '../../src/action/markdown'
import { renderSummary } from '../../src/build-push/summary'

const SHA = 'f'.repeat(40)
const D = 'sha256:' + '1'.repeat(64)

function report(over: Partial<Report> = {}): Report {
  return {
    image: 'ghcr.io/acme/api',
    imageId: 'sha256:' + '2'.repeat(64),
    pushed: true,
    digest: D,
    pinned: `ghcr.io/acme/api@${D}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    tags: ['ghcr.io/acme/api:v1', 'ghcr.io/acme/api:latest'],
    labels: { 'git-commit': SHA, 'build-number': '42', 'org.opencontainers.image.title': 'a|b' },
    labelSources: { 'git-commit': 'action', 'build-number': 'action' },
    commit: { sha: SHA, source: 'GITHUB_SHA' },
    commitUrl: `https://github.com/acme/api/commit/${SHA}`,
    runNumber: '42',
    runAttempt: '2',
    runUrl: 'https://github.com/acme/api/actions/runs/9',
    movedTags: [],
    ...over
  }
}

describe('renderSummary', () => {
  it('starts with the pinned reference alone in a fenced block, then digest, tags, linked commit and run', () => {
    const md = renderSummary(report())
    expect(md.startsWith(`### Pushed \`ghcr.io/acme/api\`\n\n\`\`\`text\nghcr.io/acme/api@${D}\n\`\`\`\n\n- **Digest**`)).toBe(true)
    expect(md).toContain(`- **Digest** \`${D}\` (read back from the registry, sha256 verified)`)
    expect(md).toContain('- **Tags** `ghcr.io/acme/api:v1` `ghcr.io/acme/api:latest`')
    expect(md).toContain(`- **Commit** [\`${SHA}\`](https://github.com/acme/api/commit/${SHA})`)
    expect(md).toContain('- **Run** [#42 attempt 2](https://github.com/acme/api/actions/runs/9)')
    expect(md).toContain('#### Labels (as held by the registry)')
    expect(md).not.toMatch(/^\| *\| *\|$/m)
    expect(md).not.toContain('<details>')
  })
  it('says when nothing was pushed: no pinned block', () => {
    const md = renderSummary(report({ pushed: false, digest: undefined, pinned: undefined }))
    expect(md).toContain('not pushed')
    expect(md).toContain('#### Labels (as built)')
    expect(md).not.toContain('```')
  })
  it('warns about tags that moved', () => {
    const md = renderSummary(report({ movedTags: [{ tag: 'latest', now: 'sha256:' + '9'.repeat(64) }] }))
    expect(md).toContain('> [!WARNING]')
    expect(md).toMatch(/Tag `latest` now points to/)
  })
  it('separates every section by a blank line, so a section after an HTML block is not swallowed by it', () => {
    const md = sections(renderSummary(report()), '#### Pinned: 1 of 1 file changed\n')
    expect(md).toMatch(/<\/sub>\n\n#### Pinned: 1 of 1 file changed\n$/)
    expect(md).not.toMatch(/\n\n\n/)
  })
})

describe('markdown kit', () => {
  it('code(): a code span shows the value literally, whatever it holds', () => {
    expect(code('ab')).toBe('`ab`')
    expect(code('a`b')).toBe('``a`b``')
    expect(code('`x``y`')).toBe('``` `x``y` ```')
    expect(code('  padded ')).toBe('`   padded  `')
    expect(code('<b>C:\\tmp|x</b>')).toBe('`<b>C:\\tmp|x</b>`')
  })
  it('cell(): plain text in a markdown table cell', () => {
    expect(cell('a|b<script>\nc')).toBe('a\\|b&lt;script><br>c')
  })
  it('text(): prose that is not read as markup', () => {
    expect(text('*a* <b> [x](y) &amp;\nz')).toBe('\\*a\\* \\<b\\> \\[x\\]\\(y\\) \\&amp\\; z')
  })
  it('html(): entities, and line breaks as references (a blank line would end the HTML block)', () => {
    expect(html('<b>"Tom" & \'J\'</b>\n\n')).toBe('&lt;b&gt;&quot;Tom&quot; &amp; &#39;J&#39;&lt;/b&gt;&#10;&#10;')
  })
  it('wrappable(): break points only inside long runs, never changing the text', () => {
    expect(wrappable('short value')).toBe('short value')
    const url = `https://example.com/${'a'.repeat(40)}?q=1`
    const out = wrappable(url)
    expect(out.replace(/<wbr>/g, '')).toBe(url)
    expect(out).toContain('https://<wbr>example.<wbr>com/<wbr>aaaaaaaaaaaaaaaa<wbr>')
    expect(wrappable('a&b'.repeat(20)).replace(/<wbr>/g, '')).toBe('a&amp;b'.repeat(20))
  })
  it('htmlTable(): one line per row, no blank line inside', () => {
    const t = htmlTable(['Label', 'Value'], [[htmlCode('k', { wrap: false }), htmlLink(htmlCode('v\n\nw'), 'https://x/?a=1&b=2')]])
    expect(t).toBe(
      '<table>\n<thead><tr><th>Label</th><th>Value</th></tr></thead>\n<tbody>\n' +
        '<tr><td><code>k</code></td><td><a href="https://x/?a=1&amp;b=2"><code>v&#10;&#10;w</code></a></td></tr>\n</tbody>\n</table>'
    )
  })
  it('codeBlock(): a fence longer than any backtick run', () => {
    expect(codeBlock('a ``` b', 'yaml')).toBe('````yaml\na ``` b\n````')
  })
  it('sections(): blank line between parts, empty parts left out, one final newline', () => {
    expect(sections('a\n\n', undefined, false, '', '\nb')).toBe('a\n\nb\n')
    expect(sections()).toBe('')
  })
})

describe('toOutputs', () => {
  it('sets digest and pinned only when pushed', () => {
    expect(toOutputs(report())).toMatchObject({ digest: D, pinned: `ghcr.io/acme/api@${D}`, tags: 'ghcr.io/acme/api:v1\nghcr.io/acme/api:latest' })
    const local = toOutputs(report({ pushed: false, digest: undefined, pinned: undefined }))
    expect(local.digest).toBeUndefined()
    expect(local.pinned).toBeUndefined()
    expect(JSON.parse(local.metadata as string)).toMatchObject({ pushed: false, commit: SHA })
  })
})
