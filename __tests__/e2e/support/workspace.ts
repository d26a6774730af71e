/**
 * Throwaway git workspaces holding a `FROM scratch` Docker build context, like the checkout a
 * workflow hands to the action. Commit dates are fixed, so the SHA depends only on the content;
 * hello.txt carries a unique token, so every workspace builds a different image.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { makeTempDir, removeDir, runOk } from './proc'

export interface Workspace {
  dir: string
  /** HEAD commit */
  sha: string
  /** extra: the unique token written to hello.txt */
  token: string
  cleanup(): Promise<void>
}

export const DEFAULT_DOCKERFILE = 'FROM scratch\nCOPY hello.txt /hello.txt\n'

const BASE_DATE = Date.UTC(2024, 0, 1, 12, 0, 0) / 1000

/** Runs git in dir, isolated from the user's and the system's git config. */
export async function git(dir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const { stdout } = await runOk('git', args, {
    cwd: dir,
    timeoutMs: 30_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      LANG: 'C',
      ...extraEnv
    }
  })
  return stdout.trim()
}

/**
 * Creates the workspace: a git repo on branch `main` with Dockerfile (default DEFAULT_DOCKERFILE),
 * hello.txt (unique) and `files` (path → content, may override either), all in the first commit;
 * `commits` > 1 adds further commits touching history.txt. Returns HEAD.
 */
export async function makeWorkspace(opts: { dockerfile?: string; files?: Record<string, string>; commits?: number } = {}): Promise<Workspace> {
  const commits = Math.max(1, opts.commits ?? 1)
  const dir = await makeTempDir('workspace')
  try {
    const token = randomBytes(8).toString('hex')
    const files: Record<string, string> = {
      Dockerfile: opts.dockerfile ?? DEFAULT_DOCKERFILE,
      'hello.txt': `hello from e2e workspace ${token}\n`,
      ...opts.files
    }
    for (const [rel, content] of Object.entries(files)) {
      const path = join(dir, rel)
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, content)
    }
    await git(dir, ['init', '-q', '-b', 'main'])
    await git(dir, ['config', 'user.name', 'E2E Tester'])
    await git(dir, ['config', 'user.email', 'e2e@example.invalid'])
    await git(dir, ['config', 'commit.gpgsign', 'false'])
    for (let i = 0; i < commits; i++) {
      if (i > 0) await writeFile(join(dir, 'history.txt'), `commit ${i + 1}\n`)
      await git(dir, ['add', '-A'])
      const date = `@${BASE_DATE + i * 60} +0000`
      await git(dir, ['commit', '-q', '-m', i === 0 ? 'initial commit' : `commit ${i + 1}`], {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date
      })
    }
    const sha = await git(dir, ['rev-parse', 'HEAD'])
    return { dir, sha, token, cleanup: () => removeDir(dir) }
  } catch (err) {
    await removeDir(dir)
    throw err
  }
}
