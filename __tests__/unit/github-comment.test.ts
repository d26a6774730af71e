import { describe, expect, it } from '@jest/globals'
import { ActionError } from '../../src/action/errors'
import { commentMarker } from '../../src/github/body'
import { publishComment, type CommentContext } from '../../src/github/comment'
import type { PinReport } from '../../src/github/report'
import { captureStdout } from '../helpers/capture'
import { FakeGitHubApi } from '../helpers/fake-github-api'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`
const repo = { owner: 'acme', repo: 'app' }

const report = (digest: string, key = 'image ghcr.io/acme/app'): PinReport => ({
  subject: 'ghcr.io/acme/app',
  key,
  branch: 'pin/x',
  references: [{ reference: `ghcr.io/acme/app@${digest}`, digest }],
  labels: [{ name: 'git-commit', value: 'c'.repeat(40), url: 'https://github.com/acme/app/commit/ccc' }],
  run: { number: '7', url: 'https://github.com/acme/app/actions/runs/1' }
})

function run(api: FakeGitHubApi, c: Partial<CommentContext> = {}) {
  return captureStdout(() => publishComment({ api, repo, report: report(D1), pullNumber: 3, ...c }))
}

describe('publishComment', () => {
  it('creates one comment with the marker, the reference in a fenced block, the digest and the labels', async () => {
    const api = new FakeGitHubApi()
    const { result } = await run(api)
    expect(result).toMatchObject({ operation: 'created', url: expect.stringContaining('#issuecomment-') })
    const body = api.issueComments[0]?.body as string
    expect(body.startsWith(commentMarker('image ghcr.io/acme/app'))).toBe(true)
    expect(body).toContain(`\`\`\`text\nghcr.io/acme/app@${D1}\n\`\`\``)
    expect(body).toContain(`Digest: \`${D1}\``)
    expect(body.replace(/<wbr>/g, '')).toContain(`<tr><td><code>git-commit</code></td><td><a href="https://github.com/acme/app/commit/ccc"><code>${'c'.repeat(40)}</code></a></td></tr>`)
  })

  it('updates its own comment in place on the next run, leaving other comments alone', async () => {
    const api = new FakeGitHubApi()
    await api.createComment(repo, 3, 'a human comment')
    await api.createComment(repo, 3, `${commentMarker('image ghcr.io/acme/other')}\nanother image`)
    await run(api)
    const { result } = await run(api, { report: report(D2) })
    expect(result?.operation).toBe('updated')
    const mine = api.issueComments.filter((c) => c.body.startsWith(commentMarker('image ghcr.io/acme/app')))
    expect(mine).toHaveLength(1)
    expect(mine[0]?.body).toContain(D2)
    expect(api.issueComments.map((c) => c.body.split('\n')[0])).toEqual(['a human comment', commentMarker('image ghcr.io/acme/other'), commentMarker('image ghcr.io/acme/app')])
  })

  it('an unchanged comment is not rewritten', async () => {
    const api = new FakeGitHubApi()
    await run(api)
    const writes = api.writes().length
    const { result } = await run(api)
    expect(result?.operation).toBe('none')
    expect(api.writes()).toHaveLength(writes)
  })

  it('not a pull request event: a notice, no request', async () => {
    const api = new FakeGitHubApi()
    const { result, out } = await run(api, { pullNumber: undefined })
    expect(result?.operation).toBe('none')
    expect(out).toContain("::notice title=No pull request comment::'comment' applies to pull_request events only")
    expect(api.calls).toEqual([])
  })

  it('403 names pull-requests: write and the fork', async () => {
    const api = new FakeGitHubApi()
    api.failOn('createComment', 403)
    const { error } = await run(api, { fork: 'someone/app' })
    const text = (error as ActionError).describe()
    expect(text).toContain('Could not comment on pull request #3: GitHub answered 403')
    expect(text).toContain('permissions:\n  pull-requests: write')
    expect(text).toContain('fork someone/app')
  })

  it('several references: a table of reference and digest', async () => {
    const api = new FakeGitHubApi()
    const r: PinReport = { ...report(D1, 'resolve'), subject: '2 images', references: [{ reference: `a:1@${D1}`, digest: D1 }, { reference: `b:2@${D2}`, digest: D2 }] }
    await run(api, { report: r })
    expect(api.issueComments[0]?.body.replace(/<wbr>/g, '')).toContain(`<tr><td><code>b:2</code></td><td><code>${D2}</code></td></tr>`)
    expect(api.issueComments[0]?.body).toContain(`\`\`\`text\na:1@${D1}\nb:2@${D2}\n\`\`\``)
  })
})
