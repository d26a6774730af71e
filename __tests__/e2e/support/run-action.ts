/**
 * Runs a bundled action entry the way the GitHub runner does for `runs.using: node24`: Node 24,
 * cwd = the workspace, a clean environment with INPUT_* and GITHUB_* variables, and fresh
 * file-command files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_STATE, GITHUB_ENV) that are parsed
 * afterwards. Every run's files live in a temp dir removed by cleanupActionRuns().
 *
 * For cancellation tests (issue 14, F5): startAction() starts the same run without waiting, so a test can
 * wait for a line or a file, send SIGINT/SIGTERM/SIGKILL, collect the result, and then runPost() the post
 * step the way the runner does (STATE_* from the main step's GITHUB_STATE).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseFileCommand } from '../../helpers/file-command'
import { node24, repoRoot } from './node24'
import { killGroup, makeTempDir, removeDir, run, spawnCollect, StopWaiting, waitFor } from './proc'

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
  /** the entry that ran (runPost uses it to find the post entry) */
  entry: string
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
  for (const child of startedActions) killGroup(child.pid, 'SIGKILL')
  startedActions.clear()
  const dirs = runDirs.splice(0)
  await Promise.all(dirs.map((d) => removeDir(d)))
}

/** `INPUT_<NAME>` the way @actions/core looks inputs up: spaces → '_', upper-cased, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
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

/** Everything a run needs before its process starts: temp dirs, file-command files, the env. */
interface PreparedRun {
  entry: string
  nodeBin: string
  timeoutMs: number
  runDir: string
  home: string
  runnerTemp: string
  outputFile: string
  summaryFile: string
  stateFile: string
  envFile: string
  env: Record<string, string>
}

async function prepareRun(opts: RunActionOptions): Promise<PreparedRun> {
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

  return { entry, nodeBin, timeoutMs, runDir, home, runnerTemp, outputFile, summaryFile, stateFile, envFile, env }
}

/** Reads and parses the file-command files after a run; `lenient` collects parse errors instead of throwing. */
async function collectRun(
  p: Pick<PreparedRun, 'entry' | 'runDir' | 'outputFile' | 'summaryFile' | 'stateFile' | 'envFile' | 'env'>,
  r: { code: number; stdout: string; stderr: string; durationMs: number },
  lenient = false
): Promise<ActionRun & { parseErrors: string[] }> {
  const { stdout, stderr } = r
  const [outputText, summary, stateText, envText] = await Promise.all(
    [p.outputFile, p.summaryFile, p.stateFile, p.envFile].map((f) => readFile(f, 'utf8').catch(() => ''))
  )
  const parseErrors: string[] = []
  const parse = (what: string, text: string | undefined): Record<string, string> => {
    try {
      return parseFileCommand(text ?? '')
    } catch (e) {
      const message = `${what}: ${e instanceof Error ? e.message : String(e)}`
      if (lenient) {
        parseErrors.push(message)
        return {}
      }
      throw new Error(`${message}\n--- file ---\n${text}\nstdout:\n${stdout}\nstderr:\n${stderr}`, { cause: e })
    }
  }
  return {
    code: r.code,
    stdout,
    stderr,
    outputs: parse('GITHUB_OUTPUT', outputText),
    summary: summary ?? '',
    outputFile: p.outputFile,
    summaryFile: p.summaryFile,
    durationMs: r.durationMs,
    state: parse('GITHUB_STATE', stateText),
    exportedEnv: parse('GITHUB_ENV', envText),
    runDir: p.runDir,
    env: p.env,
    entry: p.entry,
    parseErrors
  }
}

/**
 * A run's stdout and stderr for a failure message: workflow commands defused (`::error::x` → `[error] x`,
 * `::add-mask::…` → `[add-mask] ***`). Printed as they are, the runner of the test job would act on them, even
 * indented in jest's report.
 */
export function actionLog(run: Pick<ActionRun, 'stdout' | 'stderr'>): string {
  const defuse = (text: string): string =>
    text
      .replace(/^(\s*)::add-mask::.*$/gm, '$1[add-mask] ***')
      .replace(/^(\s*)::([A-Za-z][\w-]*)((?: [^\n]*?)?)::/gm, (_m, indent: string, name: string, props: string) => `${indent}[${name}${props}] `)
  return `stdout:\n${defuse(run.stdout)}\nstderr:\n${defuse(run.stderr)}`
}

export async function runAction(opts: RunActionOptions): Promise<ActionRun> {
  const prepared = await prepareRun(opts)
  const { entry, nodeBin, timeoutMs, env } = prepared

  const started = Date.now()
  const r = await spawnCollect(nodeBin, [entry], { cwd: opts.workspace, env, stdin: 'ignore', timeoutMs }).catch((e: unknown) => {
    throw new Error(`could not start ${nodeBin} ${entry}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  })
  const { code, stdout, stderr } = r
  if (r.timedOut) {
    throw new ActionTimeoutError(`action ${entry} timed out after ${timeoutMs} ms and was killed\n${actionLog({ stdout, stderr })}`, stdout, stderr)
  }
  const durationMs = Date.now() - started
  const { parseErrors: _ignored, ...run } = await collectRun(prepared, { code, stdout, stderr, durationMs })
  return run
}

/** A finished run started with startAction(): an ActionRun plus how it ended. */
export interface FinishedAction extends ActionRun {
  /** the signal that ended the main process (null when it exited by itself) */
  signal: NodeJS.Signals | null
  /** killed by startAction's own timeout */
  timedOut: boolean
  /** when the main process exited, and when its output pipes closed (later when a child held them), Date.now() ms */
  exitedAt: number
  closedAt: number
  /** file-command files that did not parse (a run cut short may leave half a heredoc); those parse as {} */
  parseErrors: string[]
}

export interface StartedAction {
  pid: number
  startedAt: number
  runDir: string
  home: string
  runnerTemp: string
  env: Record<string, string>
  /** output so far */
  stdout(): string
  stderr(): string
  running(): boolean
  /** resolves with the first stdout/stderr line matching; rejects when the process ends first or after timeoutMs (default 30 s) */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<string>
  /**
   * resolves with the path of the first entry of `dir` (default RUNNER_TEMP) whose name matches, e.g. the
   * step-private DOCKER_CONFIG; rejects when the process ends first or after timeoutMs (default 30 s)
   */
  waitForEntry(name: RegExp, opts?: { dir?: string; timeoutMs?: number }): Promise<string>
  /**
   * Sends a signal to the main process, as the runner does on cancel (SIGINT, then SIGTERM); `group: true`
   * sends it to the process group too (everything the action started that did not leave it).
   */
  kill(signal: NodeJS.Signals, opts?: { group?: boolean }): void
  /** resolves once the process has exited and its output is collected (never rejects) */
  finished: Promise<FinishedAction>
}

const startedActions = new Set<ChildProcess>()

/**
 * Starts the bundled action like runAction() (same env, files and defaults) but returns at once, so a test
 * can wait for a line or a file, signal the step, and then collect the result and run the post step
 * (runPost). The process runs in its own process group; after it exits, children still holding its pipes
 * get 2 s, then the group is killed. startAction's own timeout (default 5 min) kills the group and
 * resolves with timedOut: true. cleanupActionRuns() kills whatever is still running.
 */
export async function startAction(opts: RunActionOptions): Promise<StartedAction> {
  const prepared = await prepareRun(opts)
  const { entry, nodeBin, timeoutMs, env, runDir, home, runnerTemp } = prepared
  const startedAt = Date.now()
  const child = spawn(nodeBin, [entry], { cwd: opts.workspace, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  startedActions.add(child)
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout?.on('data', (d: Buffer) => out.push(d))
  child.stderr?.on('data', (d: Buffer) => err.push(d))
  const stdout = (): string => Buffer.concat(out).toString('utf8')
  const stderr = (): string => Buffer.concat(err).toString('utf8')
  let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined
  let timedOut = false

  const finished = new Promise<FinishedAction>((resolve) => {
    let done = false
    let grace: NodeJS.Timeout | undefined
    const finish = (): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(grace)
      startedActions.delete(child)
      killGroup(child.pid, 'SIGKILL')
      child.stdout?.destroy()
      child.stderr?.destroy()
      const closedAt = Date.now()
      const exitedAt = exit?.at ?? closedAt
      const signal = exit?.signal ?? child.signalCode
      const code = exit?.code ?? child.exitCode ?? (signal ? 128 : 1)
      void collectRun(prepared, { code, stdout: stdout(), stderr: stderr(), durationMs: exitedAt - startedAt }, true).then((r) =>
        resolve({ ...r, signal, timedOut, exitedAt, closedAt })
      )
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child.pid, 'SIGKILL')
      grace = setTimeout(finish, 500)
    }, timeoutMs)
    child.on('error', (e) => {
      err.push(Buffer.from(`could not start ${nodeBin} ${entry}: ${e.message}\n`))
      exit ??= { code: 127, signal: null, at: Date.now() }
      finish()
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() }
      grace = setTimeout(finish, 2000)
    })
    child.on('close', () => finish())
  })

  const running = (): boolean => exit === undefined
  const waitUntil = <T>(what: string, probe: () => T | undefined, ms: number): Promise<T> =>
    waitFor(
      what,
      async () => {
        const v = probe()
        if (v !== undefined) return v
        if (!running()) throw new StopWaiting(`action exited (${exit?.signal ?? exit?.code}) before ${what}\nstdout:\n${stdout()}\nstderr:\n${stderr()}`)
        return undefined
      },
      { timeoutMs: ms, intervalMs: 25 }
    )

  return {
    pid: child.pid ?? -1,
    startedAt,
    runDir,
    home,
    runnerTemp,
    env,
    stdout,
    stderr,
    running,
    waitForOutput(pattern, ms = 30_000) {
      const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern
      return waitUntil(`output matching ${String(re)}`, () => `${stdout()}\n${stderr()}`.split('\n').find((l) => re.test(l)), ms)
    },
    waitForEntry(name, o = {}) {
      const dir = o.dir ?? runnerTemp
      return waitUntil(
        `an entry matching ${String(name)} in ${dir}`,
        () => {
          const hit = (existsSync(dir) ? readdirSync(dir) : []).find((n) => name.test(n))
          return hit === undefined ? undefined : join(dir, hit)
        },
        o.timeoutMs ?? 30_000
      )
    },
    kill(signal, o = {}) {
      if (o.group) killGroup(child.pid, signal)
      else if (running()) child.kill(signal)
    },
    finished
  }
}

/**
 * The `runs.post` entry of an action.yml, resolved against the file's dir (undefined when it has none).
 * Reads the YAML by line, which is enough for the flat `runs:` block an action has.
 */
export function actionPostEntry(actionYml: string): string | undefined {
  const text = existsSync(actionYml) ? readFileSync(actionYml, 'utf8') : ''
  const runs = /^runs:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m.exec(text)?.[1] ?? ''
  const m = /^[ \t]+post:\s*['"]?([^'"#\n]+?)['"]?\s*(#.*)?$/m.exec(runs)
  return m?.[1] ? join(dirname(actionYml), m[1]) : undefined
}

/**
 * Runs the post step of a finished main step the way the runner does: same workspace, HOME, RUNNER_TEMP and
 * inputs, `STATE_<name>` for every value the main step saved in GITHUB_STATE, and fresh GITHUB_OUTPUT /
 * GITHUB_STEP_SUMMARY / GITHUB_STATE / GITHUB_ENV files. Entry: opts.entry, else the `runs.post` of the
 * root action.yml when the main step ran the root action's entry, else the main step's own entry.
 */
export async function runPost(main: ActionRun, opts: { entry?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ActionRun> {
  const defaultEntry = join(repoRoot, 'dist', 'index.js')
  const entry = opts.entry ?? (main.entry === defaultEntry ? actionPostEntry(join(repoRoot, 'action.yml')) : undefined) ?? main.entry
  const dir = await mkdtemp(join(main.runDir, 'post-'))
  const [outputFile, summaryFile, stateFile, envFile] = ['github_output', 'step_summary', 'github_state', 'github_env'].map((f) => join(dir, f)) as [
    string,
    string,
    string,
    string
  ]
  await Promise.all([outputFile, summaryFile, stateFile, envFile].map((f) => writeFile(f, '')))
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(main.env)) if (!k.startsWith('STATE_')) env[k] = v
  Object.assign(env, { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_STATE: stateFile, GITHUB_ENV: envFile })
  for (const [k, v] of Object.entries(main.state)) env[`STATE_${k}`] = v
  Object.assign(env, opts.env)
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000
  const started = Date.now()
  const r = await spawnCollect(node24(), [entry], { cwd: env.GITHUB_WORKSPACE ?? main.runDir, env, stdin: 'ignore', timeoutMs })
  if (r.timedOut) throw new ActionTimeoutError(`post step ${entry} timed out after ${timeoutMs} ms and was killed\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`, r.stdout, r.stderr)
  const { parseErrors: _ignored, ...run } = await collectRun(
    { entry, runDir: main.runDir, outputFile, summaryFile, stateFile, envFile, env },
    { code: r.code, stdout: r.stdout, stderr: r.stderr, durationMs: Date.now() - started }
  )
  return run
}
