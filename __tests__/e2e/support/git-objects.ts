/**
 * An in-memory git object database with real object hashing (sha1 over git's object format), for the fake
 * GitHub API: the same content gives the same blob, tree and commit shas as `git hash-object` / `git mktree`
 * / `git commit-tree` would, so a test can compare a tree the action built with one computed on its own.
 */
import { createHash } from 'node:crypto'

export type GitMode = '100644' | '100755' | '040000' | '160000' | '120000'
export type GitType = 'blob' | 'tree' | 'commit'

export interface TreeEntry {
  name: string
  mode: GitMode
  type: GitType
  sha: string
}

export interface GitPerson {
  name: string
  email: string
  /** ISO 8601, e.g. 2024-01-01T00:00:00Z */
  date: string
}

export type GitObject =
  | { type: 'blob'; content: Buffer }
  | { type: 'tree'; entries: TreeEntry[] }
  | { type: 'commit'; tree: string; parents: string[]; author: GitPerson; committer: GitPerson; message: string }

/** A leaf of a flattened tree: a file (blob), a symlink (blob, 120000) or a submodule (commit). */
export interface FlatEntry {
  mode: GitMode
  type: GitType
  sha: string
}

/** One change to apply over a base tree, as POST /git/trees takes it after validation. */
export interface TreeChange {
  path: string
  mode: GitMode
  type: GitType
  /** null deletes the path (a file, or everything under a directory) */
  sha: string | null
}

export class TreeConflictError extends Error {}

export const MODE_TYPE: Record<GitMode, GitType> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit'
}

function gitHash(type: GitType, body: Buffer): string {
  return createHash('sha1')
    .update(Buffer.from(`${type} ${body.length}\0`, 'utf8'))
    .update(body)
    .digest('hex')
}

/** git sorts tree entries by name, comparing a subtree's name as if it ended in '/'. */
function sortKey(e: TreeEntry): Buffer {
  return Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name, 'utf8')
}

function personLine(role: 'author' | 'committer', p: GitPerson): string {
  const seconds = Math.floor(Date.parse(p.date) / 1000)
  if (!Number.isFinite(seconds)) throw new Error(`${role} date is not a date: ${p.date}`)
  return `${role} ${p.name} <${p.email}> ${seconds} +0000\n`
}

export class GitStore {
  readonly objects = new Map<string, GitObject>()

  putBlob(content: Buffer): string {
    const sha = gitHash('blob', content)
    this.objects.set(sha, { type: 'blob', content })
    return sha
  }

  putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)))
    const parts: Buffer[] = []
    for (const e of sorted) {
      // git writes a subtree's mode without the leading zero
      parts.push(Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.sha, 'hex'))
    }
    const sha = gitHash('tree', Buffer.concat(parts))
    this.objects.set(sha, { type: 'tree', entries: sorted })
    return sha
  }

  putCommit(c: { tree: string; parents: string[]; author: GitPerson; committer: GitPerson; message: string }): string {
    let text = `tree ${c.tree}\n`
    for (const p of c.parents) text += `parent ${p}\n`
    text += personLine('author', c.author) + personLine('committer', c.committer) + '\n' + c.message
    const sha = gitHash('commit', Buffer.from(text, 'utf8'))
    this.objects.set(sha, { type: 'commit', ...c, parents: [...c.parents] })
    return sha
  }

  get(sha: string): GitObject | undefined {
    return this.objects.get(sha)
  }

  blob(sha: string): Buffer | undefined {
    const o = this.objects.get(sha)
    return o?.type === 'blob' ? o.content : undefined
  }

  tree(sha: string): TreeEntry[] | undefined {
    const o = this.objects.get(sha)
    return o?.type === 'tree' ? o.entries : undefined
  }

  commit(sha: string): Extract<GitObject, { type: 'commit' }> | undefined {
    const o = this.objects.get(sha)
    return o?.type === 'commit' ? o : undefined
  }

  /** Every leaf under a tree, by full path (subtrees themselves are not listed). */
  flatten(treeSha: string, prefix = '', out = new Map<string, FlatEntry>()): Map<string, FlatEntry> {
    const entries = this.tree(treeSha)
    if (entries === undefined) throw new Error(`not a tree: ${treeSha}`)
    for (const e of entries) {
      const path = prefix + e.name
      if (e.type === 'tree') this.flatten(e.sha, `${path}/`, out)
      else out.set(path, { mode: e.mode, type: e.type, sha: e.sha })
    }
    return out
  }

  /** Every entry under a tree in git's recursive listing order (a subtree, then what is inside it). */
  walk(treeSha: string, prefix = '', out: Array<TreeEntry & { path: string }> = []): Array<TreeEntry & { path: string }> {
    for (const e of this.tree(treeSha) ?? []) {
      const path = prefix + e.name
      out.push({ ...e, path })
      if (e.type === 'tree') this.walk(e.sha, `${path}/`, out)
    }
    return out
  }

  /** Writes the tree for a set of leaves (paths with '/'), creating the subtrees; returns the root tree's sha. */
  writeFlat(files: Map<string, FlatEntry>): string {
    interface Dir {
      files: Map<string, FlatEntry>
      dirs: Map<string, Dir>
    }
    const root: Dir = { files: new Map(), dirs: new Map() }
    for (const [path, entry] of files) {
      const parts = path.split('/')
      const name = parts.pop() as string
      let dir = root
      for (const p of parts) {
        if (dir.files.has(p)) throw new TreeConflictError(`${parts.join('/')} is a file, cannot hold ${path}`)
        let next = dir.dirs.get(p)
        if (next === undefined) {
          next = { files: new Map(), dirs: new Map() }
          dir.dirs.set(p, next)
        }
        dir = next
      }
      if (dir.dirs.has(name)) throw new TreeConflictError(`${path} is a directory, cannot be a file`)
      dir.files.set(name, entry)
    }
    const write = (d: Dir): string => {
      const entries: TreeEntry[] = []
      for (const [name, f] of d.files) entries.push({ name, ...f })
      for (const [name, sub] of d.dirs) entries.push({ name, mode: '040000', type: 'tree', sha: write(sub) })
      return this.putTree(entries)
    }
    return write(root)
  }

  /**
   * Applies changes over a base tree the way POST /git/trees with base_tree does: paths are full paths
   * (subtrees created as needed), an entry replaces what was at its path, `sha: null` removes the path,
   * a tree entry (040000) puts that whole tree at the path. Empty directories disappear, as in git.
   */
  applyChanges(baseTree: string | undefined, changes: TreeChange[]): string {
    const files = baseTree === undefined ? new Map<string, FlatEntry>() : this.flatten(baseTree)
    const removeUnder = (path: string): void => {
      files.delete(path)
      for (const p of [...files.keys()]) if (p.startsWith(`${path}/`)) files.delete(p)
    }
    for (const c of changes) {
      if (c.sha === null) {
        removeUnder(c.path)
        continue
      }
      if (c.type === 'tree') {
        removeUnder(c.path)
        for (const [p, e] of this.flatten(c.sha)) files.set(`${c.path}/${p}`, e)
        continue
      }
      // a file replaces a directory of the same name; a file inside what was a file replaces that file
      removeUnder(c.path)
      const parts = c.path.split('/')
      for (let i = 1; i < parts.length; i++) files.delete(parts.slice(0, i).join('/'))
      files.set(c.path, { mode: c.mode, type: c.type, sha: c.sha })
    }
    return this.writeFlat(files)
  }

  /** Whether `ancestor` is `sha` or reachable from it through parents. */
  isAncestor(ancestor: string, sha: string): boolean {
    const seen = new Set<string>()
    const todo = [sha]
    while (todo.length > 0) {
      const s = todo.pop() as string
      if (s === ancestor) return true
      if (seen.has(s)) continue
      seen.add(s)
      todo.push(...(this.commit(s)?.parents ?? []))
    }
    return false
  }
}
