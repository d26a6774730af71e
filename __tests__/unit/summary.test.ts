import { describe, expect, it } from '@jest/globals'
import type { Report } from '../../src/build/report'
import { toOutputs } from '../../src/build/report'
import { cell, code } from '../../src/action/markdown'
import { renderSummary } from '../../src/build/summary'

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
  it('shows pinned reference, digest, every tag, and linked commit and run', () => {
    const md = renderSummary(report())
    expect(md).toContain(`| **Pinned** | \`ghcr.io/acme/api@${D}\` |`)
    expect(md).toContain(`| Digest | \`${D}\``)
    expect(md).toContain('`ghcr.io/acme/api:v1`<br>`ghcr.io/acme/api:latest`')
    expect(md).toContain(`[\`${SHA}\`](https://github.com/acme/api/commit/${SHA})`)
    expect(md).toContain('[#42 attempt 2](https://github.com/acme/api/actions/runs/9)')
    expect(md).toContain('#### Labels (as held by the registry)')
    expect(md).toContain(`| \`build-number\` | [\`42\`](https://github.com/acme/api/actions/runs/9) | action |`)
  })
  it('escapes table-breaking characters and marks labels that came from the image', () => {
    const md = renderSummary(report())
    expect(md).toContain('| `org.opencontainers.image.title` | `a\\|b` | image (base or Dockerfile) |')
  })
  it('says when nothing was pushed', () => {
    const md = renderSummary(report({ pushed: false, digest: undefined, pinned: undefined }))
    expect(md).toContain('not pushed')
    expect(md).toContain('#### Labels (as built)')
    expect(md).not.toContain('Deploy by digest')
  })
  it('warns about tags that moved', () => {
    const md = renderSummary(report({ movedTags: [{ tag: 'latest', now: 'sha256:' + '9'.repeat(64) }] }))
    expect(md).toContain('> [!WARNING]')
    expect(md).toMatch(/Tag `latest` now points to/)
  })
})

describe('cell and code', () => {
  it('escapes pipes, HTML and newlines', () => {
    expect(cell('a|b<script>\nc')).toBe('a\\|b&lt;script><br>c')
  })
  it('uses longer fences around backticks', () => {
    expect(code('a`b')).toBe('`` a`b ``')
    expect(code('ab')).toBe('`ab`')
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
