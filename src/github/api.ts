/**
 * The GitHub REST API as the pull-request and comment flows use it: the seam between them and Octokit (octokit.ts),
 * so the flows are tested with an in-memory fake and the bundle loads Octokit only when a flow runs.
 */

export interface RepoId {
  owner: string
  repo: string
}

export interface TreeEntry {
  path: string
  mode: string
  type: string
  sha: string
}

export interface PullRequest {
  number: number
  url: string
  headSha: string
  base: string
  body: string
}

export interface IssueComment {
  id: number
  body: string
  url: string
}

export interface GitHubApi {
  defaultBranch(r: RepoId): Promise<string>
  /** The branch's head commit and its tree; undefined when there is no such branch. */
  branch(r: RepoId, name: string): Promise<{ sha: string; tree: string; parents: string[] } | undefined>
  /** Every entry of a tree, recursively; `truncated` when GitHub cut the listing short (very large trees). */
  tree(r: RepoId, sha: string): Promise<{ entries: TreeEntry[]; truncated: boolean }>
  /** A file's bytes at a commit, by path (the contents API); undefined when the path does not exist there. */
  fileAt(r: RepoId, path: string, ref: string): Promise<{ content: Buffer; sha: string } | undefined>
  blob(r: RepoId, sha: string): Promise<Buffer>
  createBlob(r: RepoId, content: Buffer): Promise<string>
  createTree(r: RepoId, baseTree: string, entries: TreeEntry[]): Promise<string>
  createCommit(r: RepoId, message: string, tree: string, parents: string[]): Promise<string>
  /** `ref` is `heads/<branch>` throughout. */
  createRef(r: RepoId, ref: string, sha: string): Promise<void>
  forceRef(r: RepoId, ref: string, sha: string): Promise<void>
  deleteRef(r: RepoId, ref: string): Promise<void>
  /** Open pull requests from `head` (a branch of this repository) into `base`. */
  openPulls(r: RepoId, head: string, base: string): Promise<PullRequest[]>
  createPull(r: RepoId, p: { head: string; base: string; title: string; body: string }): Promise<PullRequest>
  updatePull(r: RepoId, n: number, p: { title: string; body: string }): Promise<PullRequest>
  /** Adds labels (GitHub creates unknown ones); returns the PR's labels as GitHub holds them afterwards. */
  addLabels(r: RepoId, n: number, labels: string[]): Promise<string[]>
  /** Every comment on an issue or pull request, all pages. */
  comments(r: RepoId, n: number): Promise<IssueComment[]>
  createComment(r: RepoId, n: number, body: string): Promise<IssueComment>
  updateComment(r: RepoId, id: number, body: string): Promise<IssueComment>
}

/** What GitHub answered when a request failed: the status, its message and the permissions it says it wants. */
export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The request, as `METHOD /path-template` (never with the token or a body). */
    readonly request: string,
    /** GitHub's x-accepted-github-permissions header, e.g. `contents=write`. */
    readonly acceptedPermissions?: string
  ) {
    super(message)
    this.name = 'GitHubApiError'
  }
}
