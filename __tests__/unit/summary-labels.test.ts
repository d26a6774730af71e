import { describe, expect, it } from '@jest/globals'
import type { Report } from '../../src/build/report'
import { renderSummary } from '../../src/build/summary'

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

function row(markdown: string, key: string): string {
  const line = markdown.split('\n').find((l) => l.startsWith(`| \`${key}\` |`))
  if (!line) throw new Error(`no row for ${key} in\n${markdown}`)
  return line
}

describe('renderSummary: the label table', () => {
  const md = renderSummary(report)

  it('is titled as registry-held when pushed, and lists every held label sorted', () => {
    expect(md).toContain('#### Labels (as held by the registry)')
    const keys = md
      .split('\n')
      .filter((l) => /^\| `[^`]+` \| /.test(l))
      .map((l) => l.split('`')[1])
    expect(keys).toEqual([...Object.keys(report.labels)].sort())
  })

  it('links the commit labels to the commit and the run labels to the run and attempt', () => {
    expect(row(md, 'git-commit')).toBe(`| \`git-commit\` | [\`${SHA}\`](https://github.com/acme/demo/commit/${SHA}) | action |`)
    expect(row(md, 'org.opencontainers.image.revision')).toContain(`(https://github.com/acme/demo/commit/${SHA})`)
    expect(row(md, 'build-number')).toBe('| `build-number` | [`123`](https://github.com/acme/demo/actions/runs/999) | action |')
    expect(row(md, 'build-attempt')).toBe('| `build-attempt` | [`2`](https://github.com/acme/demo/actions/runs/999/attempts/2) | action |')
    expect(row(md, 'org.opencontainers.image.source')).toBe(
      '| `org.opencontainers.image.source` | [`https://github.com/acme/mono`](https://github.com/acme/mono) | user (overrides action) |'
    )
  })

  it('marks where each label came from, including labels the plan never set', () => {
    expect(row(md, 'com.example.team')).toBe('| `com.example.team` | `pay\\|ments` | user |')
    expect(row(md, 'maintainer')).toBe('| `maintainer` | `someone` | image (base or Dockerfile) |')
    expect(md).toMatch(/Source: <em>action<\/em> = set by this action/)
  })

  it('does not link a commit label whose value is not the commit built', () => {
    const other = renderSummary({ ...report, labels: { ...report.labels, 'git-commit': 'f'.repeat(40) } })
    expect(row(other, 'git-commit')).toBe(`| \`git-commit\` | \`${'f'.repeat(40)}\` | action |`)
  })

  it('not pushed: the labels the image was built with', () => {
    expect(renderSummary({ ...report, pushed: false, digest: undefined, pinned: undefined })).toContain('#### Labels (as built)')
  })
})
