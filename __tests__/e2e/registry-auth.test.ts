/**
 * The action end to end against the real distribution registry in its three auth modes, with credentials from
 * each place docker keeps them: config.json `auths` (docker login), a credential helper on PATH (credHelpers /
 * credsStore), and the action's `username`/`password` inputs (a step-private docker login). Every run's outputs are
 * checked against what the registry holds (skopeo, independently of the action). The token registry refuses
 * anonymous pulls, so a green read-back there proves the action presented the credentials itself.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dockerLogin, readCredentialHelperLog, writeCredentialHelper, writeDockerConfig } from './support/docker-config'
import { dockerRmi } from './support/docker'
import { skopeoConfig, skopeoDigest } from './support/inspect'
import { makeTempDir, removeDir } from './support/proc'
import { startRegistry, type AuthMode, type TestRegistry } from './support/registry'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { assertNoSecrets, listFiles, scanRun } from './support/secrets'
import { makeWorkspace, type Workspace } from './support/workspace'

const registries: Partial<Record<AuthMode, TestRegistry>> = {}
let ws: Workspace
let scratch: string
const refs: string[] = []

beforeAll(async () => {
  const [anonymous, htpasswd, token] = await Promise.all([
    startRegistry({ auth: 'anonymous' }),
    startRegistry({ auth: 'htpasswd' }),
    startRegistry({ auth: 'token', anonymousPull: false })
  ])
  Object.assign(registries, { anonymous, htpasswd, token })
  ws = await makeWorkspace()
  scratch = await makeTempDir('registry-auth')
})

afterAll(async () => {
  await Promise.all(Object.values(registries).map((r) => r?.stop()))
  await ws?.cleanup()
  await removeDir(scratch)
  await cleanupActionRuns()
  await dockerRmi(refs)
})

function reg(mode: AuthMode): TestRegistry {
  const r = registries[mode]
  if (!r) throw new Error(`registry ${mode} did not start`)
  return r
}
const creds = (r: TestRegistry) => ({ username: r.username as string, password: r.password as string })

type Source = 'none' | 'auths' | 'helper' | 'inputs'

/** Sets up where the credentials come from, runs the action, returns the run and the image name. */
async function runWith(mode: AuthMode, source: Source, extraEnv: Record<string, string> = {}): Promise<{ run: ActionRun; image: string; bin: string }> {
  const r = reg(mode)
  const image = `${r.host}/e2e/${mode}-${source}`
  refs.push(`${image}:v1`, `${image}:sha-${ws.sha.slice(0, 7)}`)
  const configDir = join(scratch, `${mode}-${source}-config`)
  const bin = join(scratch, `${mode}-${source}-bin`)
  const env: Record<string, string> = { ...extraEnv }
  const inputs: Record<string, string> = { image, tags: 'v1' }
  if (source === 'auths') {
    await dockerLogin(r, configDir)
    env.DOCKER_CONFIG = configDir
  } else if (source === 'helper') {
    writeCredentialHelper(bin, 'e2e', { [r.host]: { Username: r.username as string, Secret: r.password as string } })
    // htpasswd: a per-registry credHelpers entry; token: the global credsStore
    writeDockerConfig(configDir, mode === 'token' ? { credsStore: 'e2e' } : { credHelpers: { [r.host]: 'e2e' } })
    env.DOCKER_CONFIG = configDir
    env.PATH = `${bin}:${process.env.PATH}`
  } else if (source === 'inputs') {
    Object.assign(inputs, creds(r))
  }
  const run = await runAction({ workspace: ws.dir, inputs, env })
  return { run, image, bin }
}

/** The outputs agree with what the registry holds, read independently with skopeo. */
async function expectHeld(run: ActionRun, image: string, r: TestRegistry): Promise<void> {
  if (run.code !== 0) throw new Error(`action failed (${run.code})\n${actionLog(run)}`)
  const auth = r.mode === 'anonymous' ? undefined : creds(r)
  const held = await skopeoDigest(`${image}:v1`, auth)
  expect(run.outputs.digest).toBe(held)
  expect(run.outputs.pinned).toBe(`${image}@${held}`)
  const config = (await skopeoConfig(`${image}@${held}`, auth)) as { config?: { Labels?: Record<string, string> } }
  expect(JSON.parse(run.outputs.labels ?? '{}')).toEqual(config.config?.Labels)
  expect(config.config?.Labels?.['git-commit']).toBe(ws.sha)
}

/** No step-private docker config left behind, and no credentials written into the runner's HOME. */
function expectNoLoginLeftovers(run: ActionRun, password: string): void {
  const temp = join(run.runDir, 'runner-temp')
  expect(readdirSync(temp).filter((d) => d.startsWith('pinned-build-docker-config-'))).toEqual([])
  const homeConfig = join(run.runDir, 'home', '.docker', 'config.json')
  if (existsSync(homeConfig)) expect(readFileSync(homeConfig, 'utf8')).not.toContain(Buffer.from(`ci-user:${password}`).toString('base64'))
}

describe('anonymous registry', () => {
  test('no credentials anywhere: pushes and reads back', async () => {
    const { run, image } = await runWith('anonymous', 'none')
    await expectHeld(run, image, reg('anonymous'))
  })
})

describe.each(['htpasswd', 'token'] as const)('%s registry', (mode) => {
  test('credentials from config.json auths (docker login)', async () => {
    const { run, image } = await runWith(mode, 'auths')
    await expectHeld(run, image, reg(mode))
    if (mode === 'token') expectOwnPullToken(reg(mode), `e2e/${mode}-auths`)
  })

  test(`credentials from a credential helper on PATH (${mode === 'token' ? 'credsStore' : 'credHelpers'})`, async () => {
    const { run, image, bin } = await runWith(mode, 'helper')
    await expectHeld(run, image, reg(mode))
    // docker push asked the helper, and so did the read-back (docker's protocol: `get` + server URL on stdin)
    const calls = readCredentialHelperLog(bin, 'e2e')
    expect(calls.filter((c) => c === `get ${reg(mode).host}`).length).toBeGreaterThanOrEqual(2)
    if (mode === 'token') expectOwnPullToken(reg(mode), `e2e/${mode}-helper`)
  })

  test('credentials from the username/password inputs (step-only login)', async () => {
    const { run, image } = await runWith(mode, 'inputs')
    await expectHeld(run, image, reg(mode))
    expect(run.stdout).toContain(`Logged in to ${reg(mode).host} as ci-user for this step`)
    expectNoLoginLeftovers(run, reg(mode).password as string)
    if (mode === 'token') expectOwnPullToken(reg(mode), `e2e/${mode}-inputs`)
  })
})

/**
 * The read-back fetched its own pull-only token with the registry user, told from docker's token requests by its
 * User-Agent (docker push asks for pull,push; on the containerd store it may ask for pull alone before its PUTs).
 */
function expectOwnPullToken(r: TestRegistry, repo: string): void {
  const ours = r.tokenIssuer?.requests.filter((q) => /^pinned-build-action/.test(q.userAgent ?? '') && q.status === 200) ?? []
  expect(ours.filter((q) => q.scope.includes(`repository:${repo}:pull`)).map((q) => q.user)).toContain('ci-user')
}

describe('failures', () => {
  test('wrong password in the inputs: fails at login, names the inputs, nothing pushed, no outputs', async () => {
    const r = reg('token')
    const image = `${r.host}/e2e/wrong-password`
    const run = await runAction({ workspace: ws.dir, inputs: { image, tags: 'v1', username: 'ci-user', password: 'not-the-password' } })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toMatch(/::error::docker login to 127\.0\.0\.1:\d+ as 'ci-user' failed/)
    expect(run.stdout).toContain("check the 'username' and 'password' inputs")
    expect(run.outputs).toEqual({})
    expectNoLoginLeftovers(run, 'not-the-password')
  })

  test('username without password: an input error before docker runs', async () => {
    const run = await runAction({ workspace: ws.dir, inputs: { image: `${reg('htpasswd').host}/e2e/x`, username: 'ci-user' } })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toContain("::error::Input 'password': is required when 'username' is set")
    expect(run.outputs).toEqual({})
  })

  test('no credentials for a registry that needs them: the push is refused with a hint to log in', async () => {
    const r = reg('htpasswd')
    const run = await runAction({ workspace: ws.dir, inputs: { image: `${r.host}/e2e/nocreds`, tags: 'v1' } })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toMatch(/'username'\/'password' inputs/)
    expect(run.outputs).toEqual({})
  })
})

describe('secrets', () => {
  test('the password and every registry token stay out of everything the action printed and wrote', async () => {
    const r = reg('token')
    const { run, image } = await runWith('token', 'inputs')
    await expectHeld(run, image, r)
    const password = r.password as string
    const basic = Buffer.from(`ci-user:${password}`).toString('base64')
    // the runner consumes ::add-mask:: lines (they are how the action asks for masking): everything else is output
    const masks = [...run.stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] as string)
    const tokens = masks.filter((m) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(m))
    expect(masks).toContain(password)
    expect(tokens.length).toBeGreaterThanOrEqual(1) // the read-back's bearer token was masked
    const printed = `${run.stdout.replace(/^::add-mask::.*$/gm, '')}\n${run.stderr}`
    const written = listFiles(run.runDir).map((f) => ({ f, text: readFileSync(f).toString('latin1') }))
    expect(written.some(({ f }) => f === run.outputFile)).toBe(true)
    // the password also as base64, at any alignment (docker's auth = base64(user:password))
    const secrets = [{ name: 'password', value: password }, { name: 'basic', value: basic }, ...tokens.map((value, i) => ({ name: `token#${i}`, value }))]
    assertNoSecrets(scanRun(run, secrets))
    // nothing JWT-shaped got out unmasked either (a token the action did not mask would show up here)
    expect(printed.match(/eyJ[\w-]{10,}\.[\w-]{10,}/g) ?? []).toEqual([])
    for (const { f, text } of written) expect([f, text.match(/eyJ[\w-]{10,}\.[\w-]{10,}/g) ?? []]).toEqual([f, []])
  })
})
