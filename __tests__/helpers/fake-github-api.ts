import { createHash } from 'node:crypto'
import { GitHubApiError, type GitHubApi, type IssueComment, type PullRequest, type RepoId, type TreeEntry } from '../../src/github/api'

/**
 * An in-memory GitHub behind the GitHubApi seam: branches, commits with flat trees, blobs, pull requests, comments.
 * Every call is logged by method name; `failOn(method, status)` makes a method answer a GitHubApiError.
 */
interface Commit {
  tree: string
  parents: string[]
  message: string
}

const sha = (kind: string, text: string | Buffer): string => createHash('sha1').update(kind).update(text).digest('hex')

export class FakeGitHubApi implements GitHubApi {
  readonly calls: string[] = []
  readonly blobs = new Map<string, Buffer>()
  /** tree sha → path → entry */
  readonly trees = new Map<string, Map<string, { mode: string; sha: string }>>()
  readonly commits = new Map<string, Commit>()
  readonly branches = new Map<string, string>()
  readonly pulls: Array<PullRequest & { head: string; title: string; state: 'open' | 'closed'; labels: string[] }> = []
  readonly issueComments: Array<IssueComment & { issue: number }> = []
  defaultBranchName = 'main'
  truncated = false
  private faults = new Map<string, { status: number; times: number; message?: string }>()
  private nextId = 1

  constructor(files: Record<string, string> = {}, opts: { modes?: Record<string, string> } = {}) {
    const tree = this.putTree(new Map(Object.entries(files).map(([p, c]) => [p, { mode: opts.modes?.[p] ?? '100644', sha: this.putBlob(Buffer.from(c)) }])))
    const commit = this.putCommit({ tree, parents: [], message: 'initial' })
    this.branches.set('main', commit)
  }

  failOn(method: keyof GitHubApi, status: number, opts: { times?: number; message?: string } = {}): void {
    this.faults.set(method, { status, times: opts.times ?? Infinity, ...(opts.message && { message: opts.message }) })
  }

  /** Calls other than reads. */
  writes(): string[] {
    return this.calls.filter((c) => /^(create|force|delete|update|add)/.test(c))
  }

  /** Files of a branch: path → text. */
  files(branch: string): Map<string, string> {
    const commit = this.commits.get(this.branches.get(branch) ?? '')
    const tree = this.trees.get(commit?.tree ?? '') ?? new Map()
    return new Map([...tree].map(([p, e]) => [p, (this.blobs.get(e.sha) as Buffer).toString('utf8')]))
  }

  /** Moves `branch` by a commit that sets these files (as another author would). */
  commitFiles(branch: string, files: Record<string, string>): string {
    const head = this.branches.get(branch) as string
    const tree = new Map(this.trees.get((this.commits.get(head) as Commit).tree))
    for (const [p, c] of Object.entries(files)) tree.set(p, { mode: '100644', sha: this.putBlob(Buffer.from(c)) })
    const commit = this.putCommit({ tree: this.putTree(tree), parents: [head], message: 'change' })
    this.branches.set(branch, commit)
    return commit
  }

  private putBlob(content: Buffer): string {
    const s = sha('blob', content)
    this.blobs.set(s, content)
    return s
  }

  private putTree(entries: Map<string, { mode: string; sha: string }>): string {
    const s = sha('tree', JSON.stringify([...entries].sort()))
    this.trees.set(s, entries)
    return s
  }

  private putCommit(c: Commit): string {
    const s = sha('commit', `${JSON.stringify(c)}${this.nextId++}`)
    this.commits.set(s, c)
    return s
  }

  private call(method: keyof GitHubApi): void {
    this.calls.push(method)
    const fault = this.faults.get(method)
    if (fault && fault.times > 0) {
      fault.times--
      throw new GitHubApiError(fault.status, fault.message ?? (fault.status === 403 ? 'Resource not accessible by integration' : 'Not Found'), `FAKE ${method}`, fault.status === 403 ? 'contents=write' : undefined)
    }
  }

  private pullOf(p: (typeof this.pulls)[number]): PullRequest {
    return { number: p.number, url: p.url, headSha: this.branches.get(p.head) ?? '', base: p.base, body: p.body }
  }

  async defaultBranch(_r: RepoId): Promise<string> {
    this.call('defaultBranch')
    return this.defaultBranchName
  }

  async branch(_r: RepoId, name: string): Promise<{ sha: string; tree: string; parents: string[] } | undefined> {
    this.call('branch')
    const head = this.branches.get(name)
    if (!head) return undefined
    const c = this.commits.get(head) as Commit
    return { sha: head, tree: c.tree, parents: c.parents }
  }

  async tree(_r: RepoId, s: string): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
    this.call('tree')
    const t = this.trees.get(s)
    if (!t) throw new GitHubApiError(404, 'Not Found', 'FAKE tree')
    const entries = [...t].map(([path, e]) => ({ path, mode: e.mode, type: 'blob', sha: e.sha }))
    return { entries: this.truncated ? [] : entries, truncated: this.truncated }
  }

  async fileAt(_r: RepoId, path: string, ref: string): Promise<{ content: Buffer; sha: string } | undefined> {
    this.call('fileAt')
    const e = this.trees.get(this.commits.get(ref)?.tree ?? '')?.get(path)
    return e ? { content: this.blobs.get(e.sha) as Buffer, sha: e.sha } : undefined
  }

  async blob(_r: RepoId, s: string): Promise<Buffer> {
    this.call('blob')
    return this.blobs.get(s) as Buffer
  }

  async createBlob(_r: RepoId, content: Buffer): Promise<string> {
    this.call('createBlob')
    return this.putBlob(content)
  }

  async createTree(_r: RepoId, baseTree: string, entries: TreeEntry[]): Promise<string> {
    this.call('createTree')
    const t = new Map(this.trees.get(baseTree))
    for (const e of entries) t.set(e.path, { mode: e.mode, sha: e.sha })
    return this.putTree(t)
  }

  async createCommit(_r: RepoId, message: string, tree: string, parents: string[]): Promise<string> {
    this.call('createCommit')
    return this.putCommit({ tree, parents, message })
  }

  async createRef(_r: RepoId, ref: string, s: string): Promise<void> {
    this.call('createRef')
    const name = ref.replace(/^heads\//, '')
    if (this.branches.has(name)) throw new GitHubApiError(422, 'Reference already exists', 'FAKE createRef')
    this.branches.set(name, s)
  }

  async forceRef(_r: RepoId, ref: string, s: string): Promise<void> {
    this.call('forceRef')
    this.branches.set(ref.replace(/^heads\//, ''), s)
  }

  async deleteRef(_r: RepoId, ref: string): Promise<void> {
    this.call('deleteRef')
    this.branches.delete(ref.replace(/^heads\//, ''))
  }

  async openPulls(_r: RepoId, head: string, base: string): Promise<PullRequest[]> {
    this.call('openPulls')
    return this.pulls.filter((p) => p.state === 'open' && p.head === head && p.base === base).map((p) => this.pullOf(p))
  }

  async createPull(_r: RepoId, p: { head: string; base: string; title: string; body: string }): Promise<PullRequest> {
    this.call('createPull')
    const number = this.nextId++
    const pull = { ...p, number, url: `https://github.com/acme/app/pull/${number}`, headSha: '', state: 'open' as const, labels: [] }
    this.pulls.push(pull)
    return this.pullOf(pull)
  }

  async updatePull(_r: RepoId, n: number, p: { title: string; body: string }): Promise<PullRequest> {
    this.call('updatePull')
    const pull = this.pulls.find((x) => x.number === n) as (typeof this.pulls)[number]
    Object.assign(pull, p)
    return this.pullOf(pull)
  }

  async addLabels(_r: RepoId, n: number, labels: string[]): Promise<string[]> {
    this.call('addLabels')
    const pull = this.pulls.find((x) => x.number === n) as (typeof this.pulls)[number]
    pull.labels = [...new Set([...pull.labels, ...labels])]
    return pull.labels
  }

  async comments(_r: RepoId, n: number): Promise<IssueComment[]> {
    this.call('comments')
    return this.issueComments.filter((c) => c.issue === n).map(({ id, body, url }) => ({ id, body, url }))
  }

  async createComment(_r: RepoId, n: number, body: string): Promise<IssueComment> {
    this.call('createComment')
    const id = this.nextId++
    const c = { id, body, url: `https://github.com/acme/app/pull/${n}#issuecomment-${id}`, issue: n }
    this.issueComments.push(c)
    return { id, body, url: c.url }
  }

  async updateComment(_r: RepoId, id: number, body: string): Promise<IssueComment> {
    this.call('updateComment')
    const c = this.issueComments.find((x) => x.id === id) as (typeof this.issueComments)[number]
    c.body = body
    return { id, body, url: c.url }
  }
}
