/**
 * Runs a bundled action entry the way the GitHub runner does for `runs.using: node24`: Node 24,
 * cwd = the workspace, a clean environment with INPUT_* and GITHUB_* variables, and fresh
 * file-command files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_STATE, GITHUB_ENV) that are parsed
 * afterwards. Every run's files live in a temp dir removed by cleanupActionRuns().
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { node24, repoRoot } from './node24'
import { makeTempDir, removeDir, run, spawnCollect } from './proc'

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  outputFile: string
  summaryFile: string
  durationMs: number
  /** extras: GITHUB_STATE and GITHUB_ENV parsed like GITHUB_OUTPUT, the run's temp dir, and the exact env used */
  state: Record<string, string>
  exportedEnv: Record<string, string>
  runDir: string
  env: Record<string, string>
}

export interface RunActionOptions {
  /** default <repo>/dist/index.js */
  entry?: string
  workspace: string
  inputs: Record<string, string>
  /** merged last: overrides anything below (PATH, HOME, DOCKER_CONFIG, GITHUB_* …) */
  env?: Record<string, string>
  event?: { name: string; payload: object }
  github?: Partial<Record<'sha' | 'ref' | 'runNumber' | 'runAttempt' | 'runId' | 'repository' | 'serverUrl', string>>
  /** default 5 min */
  timeoutMs?: number
}

/** Error thrown when a run times out; carries what the child printed. */
export class ActionTimeoutError extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string
  ) {
    super(message)
    this.name = 'ActionTimeoutError'
  }
}

const runDirs: string[] = []

/** Removes the temp dirs (HOME, RUNNER_TEMP, file-command files) of every run so far. Call in afterAll. */
export async function cleanupActionRuns(): Promise<void> {
  const dirs = runDirs.splice(0)
  await Promise.all(dirs.map((d) => removeDir(d)))
}

/** `INPUT_<NAME>` the way @actions/core looks inputs up: spaces → '_', upper-cased, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Parses a file-command file (GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV) like the runner:
 * `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks; blank lines are skipped.
 * Throws on a heredoc without its closing delimiter, or a line that is neither form (the runner fails the step).
 */
export function parseFileCommand(content: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = content.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const eq = line.indexOf('=')
    const hd = line.indexOf('<<')
    if (hd > 0 && (eq < 0 || hd < eq)) {
      const name = line.slice(0, hd)
      const delimiter = line.slice(hd + 2)
      if (delimiter === '') throw new Error(`invalid file command: empty delimiter in line ${i + 1}: ${line}`)
      const value: string[] = []
      let closed = false
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true
          break
        }
        value.push(lines[i] ?? '')
      }
      if (!closed) throw new Error(`invalid file command: delimiter ${JSON.stringify(delimiter)} for ${name} not found`)
      out[name] = value.join('\n')
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1)
    } else {
      throw new Error(`invalid file command in line ${i + 1}: ${JSON.stringify(line)}`)
    }
  }
  return out
}

async function headSha(workspace: string): Promise<string> {
  const r = await run('git', ['rev-parse', 'HEAD'], {
    cwd: workspace,
    timeoutMs: 15_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }
  }).catch(() => undefined)
  const sha = r?.code === 0 ? r.stdout.trim() : ''
  return /^[0-9a-f]{40}$/.test(sha) ? sha : '0'.repeat(40)
}

function defaultPushPayload(o: { sha: string; ref: string; repository: string; serverUrl: string }): object {
  const [owner = 'acme', name = 'demo'] = o.repository.split('/')
  return {
    ref: o.ref,
    before: '0'.repeat(40),
    after: o.sha,
    created: false,
    deleted: false,
    forced: false,
    repository: {
      name,
      full_name: o.repository,
      owner: { login: owner, name: owner },
      html_url: `${o.serverUrl}/${o.repository}`,
      default_branch: 'main',
      private: false
    },
    pusher: { name: 'e2e-tester', email: 'e2e@example.invalid' },
    sender: { login: 'e2e-tester', type: 'User' },
    head_commit: { id: o.sha, message: 'initial commit', timestamp: '2024-01-01T12:00:00Z' },
    commits: []
  }
}

export async function runAction(opts: RunActionOptions): Promise<ActionRun> {
  const entry = opts.entry ?? join(repoRoot, 'dist', 'index.js')
  const nodeBin = node24()
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000
  const runDir = await makeTempDir('action-run')
  runDirs.push(runDir)

  const home = join(runDir, 'home')
  const runnerTemp = join(runDir, 'runner-temp')
  const files = join(runDir, 'files')
  await Promise.all([mkdir(home), mkdir(runnerTemp), mkdir(files)])
  const outputFile = join(files, 'github_output')
  const summaryFile = join(files, 'step_summary')
  const stateFile = join(files, 'github_state')
  const envFile = join(files, 'github_env')
  const eventFile = join(files, 'event.json')

  const g = opts.github ?? {}
  const sha = g.sha ?? (await headSha(opts.workspace))
  const ref = g.ref ?? 'refs/heads/main'
  const repository = g.repository ?? 'acme/demo'
  const serverUrl = g.serverUrl ?? 'https://github.com'
  const event = opts.event ?? { name: 'push', payload: defaultPushPayload({ sha, ref, repository, serverUrl }) }
  await Promise.all([
    writeFile(outputFile, ''),
    writeFile(summaryFile, ''),
    writeFile(stateFile, ''),
    writeFile(envFile, ''),
    writeFile(eventFile, JSON.stringify(event.payload, null, 2))
  ])

  const refName = ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\/(\d+)\/merge$/, '$1/merge')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: stateFile,
    GITHUB_ENV: envFile,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_RUN_NUMBER: g.runNumber ?? '42',
    GITHUB_RUN_ATTEMPT: g.runAttempt ?? '1',
    GITHUB_RUN_ID: g.runId ?? '4242424242',
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0] ?? '',
    GITHUB_SERVER_URL: serverUrl,
    GITHUB_API_URL: serverUrl === 'https://github.com' ? 'https://api.github.com' : `${serverUrl}/api/v3`,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_ACTOR: 'e2e-tester',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_JOB: 'build',
    GITHUB_ACTION: 'pinned-build',
    ...Object.fromEntries(Object.entries(opts.inputs).map(([k, v]) => [inputEnvName(k), v])),
    ...opts.env
  }

  const started = Date.now()
  const r = await spawnCollect(nodeBin, [entry], { cwd: opts.workspace, env, stdin: 'ignore', timeoutMs }).catch((e: unknown) => {
    throw new Error(`could not start ${nodeBin} ${entry}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  })
  const { code, stdout, stderr } = r
  if (r.timedOut) {
    throw new ActionTimeoutError(`action ${entry} timed out after ${timeoutMs} ms and was killed\nstdout:\n${stdout}\nstderr:\n${stderr}`, stdout, stderr)
  }
  const durationMs = Date.now() - started

  const [outputText, summary, stateText, envText] = await Promise.all(
    [outputFile, summaryFile, stateFile, envFile].map((f) => readFile(f, 'utf8').catch(() => ''))
  )
  const parse = (what: string, text: string | undefined): Record<string, string> => {
    try {
      return parseFileCommand(text ?? '')
    } catch (e) {
      throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}\n--- file ---\n${text}\nstdout:\n${stdout}\nstderr:\n${stderr}`, {
        cause: e
      })
    }
  }
  return {
    code,
    stdout,
    stderr,
    outputs: parse('GITHUB_OUTPUT', outputText),
    summary: summary ?? '',
    outputFile,
    summaryFile,
    durationMs,
    state: parse('GITHUB_STATE', stateText),
    exportedEnv: parse('GITHUB_ENV', envText),
    runDir,
    env
  }
}
