/**
 * Why the README passes `digest` between jobs: the runner drops a job output that contains a masked value
 * (actions/runner#2109). What the runner masks in a build step: every value the action registers with
 * `::add-mask::` (the password, tokens) and every secret of the workflow — here the registry username, kept in a
 * secret as many workflows do. `digest` never holds one; `pinned` holds one exactly when the image name contains the
 * masked account (Docker Hub's `user/app`), which the deploy job avoids by composing `<image>@<digest>` itself.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { dockerRmi } from './support/docker'
import { rawManifest } from './support/inspect'
import { cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { cleanupScope } from './support/scope'
import type { StartedRegistry } from './support/registry'
import type { Workspace } from './support/workspace'

const scope = cleanupScope()
let reg: StartedRegistry
let ws: Workspace
const built: string[] = []

/** The values a runner would mask in this step's output: what the action registered, and the workflow's secrets. */
function maskedValues(r: ActionRun, workflowSecrets: string[]): string[] {
  const registered = [...r.stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] as string)
  return [...registered, ...workflowSecrets].filter((v) => v !== '')
}

/** Which of the masked values an output contains (by name, never the value: the test log may not hold a secret). */
function containsMasked(value: string, masked: string[], names: Map<string, string>): string[] {
  return masked.filter((m) => value.includes(m)).map((m) => names.get(m) ?? 'a value the action masked')
}

beforeAll(async () => {
  reg = await scope.registry({ auth: 'htpasswd', username: 'acme-bot' })
  ws = await scope.workspace()
}, 120_000)
afterAll(async () => {
  await dockerRmi(built)
  await cleanupActionRuns()
  await scope.close()
})

describe('digest and pinned hold no masked value when the registry username is masked', () => {
  const build = async (repo: string): Promise<ActionRun> => {
    const r = await runAction({
      workspace: ws.dir,
      inputs: { image: `${reg.host}/${repo}`, tags: 'v1', username: reg.username as string, password: reg.password as string, summary: 'false' }
    })
    built.push(`${reg.host}/${repo}:v1`)
    if (r.code !== 0) throw new Error(`build failed (exit ${r.code}): ${r.stderr.replace(/::/g, ': :').slice(-2000)}`)
    return r
  }
  const names = (): Map<string, string> =>
    new Map([
      [reg.username as string, 'the registry username'],
      [reg.password as string, 'the password']
    ])

  let plain: ActionRun
  let underAccount: ActionRun
  beforeAll(async () => {
    plain = await build('e2e/masking')
    underAccount = await build(`${reg.username as string}/api`)
  }, 300_000)

  it('the action registers the password with the runner, and never the username', () => {
    const registered = maskedValues(plain, [])
    expect(registered.includes(reg.password as string)).toBe(true)
    expect(registered.some((v) => v.includes(reg.username as string))).toBe(false)
  })

  it('digest is the digest the registry serves and contains no masked value (the username from a secret included)', async () => {
    for (const [r, repo] of [
      [plain, 'e2e/masking'],
      [underAccount, `${reg.username as string}/api`]
    ] as const) {
      expect(r.outputs.digest).toBe((await rawManifest(reg, repo, 'v1')).digest)
      expect(containsMasked(r.outputs.digest as string, maskedValues(r, [reg.username as string]), names())).toEqual([])
    }
  })

  it('pinned contains no masked value when the image name does not contain the account', () => {
    expect(plain.outputs.pinned).toBe(`${reg.host}/e2e/masking@${plain.outputs.digest as string}`)
    expect(containsMasked(plain.outputs.pinned as string, maskedValues(plain, [reg.username as string]), names())).toEqual([])
  })

  it('under the account (user/app), pinned contains the masked username: the runner would drop it as a job output, digest it keeps', () => {
    const masked = maskedValues(underAccount, [reg.username as string])
    expect(containsMasked(underAccount.outputs.pinned as string, masked, names())).toEqual(['the registry username'])
    expect(containsMasked(underAccount.outputs.digest as string, masked, names())).toEqual([])
  })
})

