/** The GitHub room wired into both actions: inputs checked before any work, the report handed on, outputs set. */
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { run, type Deps } from '../../src/build-push/main'
import { runResolve, type ResolveDeps } from '../../src/resolve/main'
import { useActionFiles } from '../helpers/action-files'
import { SHA } from '../helpers/build-deps'
import { captureStdout } from '../helpers/capture'
import { FakeDocker } from '../helpers/fake-docker'
import { FakeGitHubApi } from '../helpers/fake-github-api'
import { FakeRegistry, fakeRegistries } from '../helpers/fake-registry'

const H = 'registry.test'
const ENV = { GITHUB_SHA: SHA, GITHUB_RUN_NUMBER: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_RUN_ID: '7', GITHUB_REPOSITORY: 'acme/app', GITHUB_SERVER_URL: 'https://github.com' }

const { dir, summaryFile, outputs } = useActionFiles('github-actions-', { Dockerfile: 'FROM scratch\n' })
mkdirSync(path.join(dir, 'deploy'))

function buildDeps(inputs: Record<string, string>, docker: FakeDocker, registry: FakeRegistry, api: FakeGitHubApi): Deps {
  return { docker, readInput: (n) => inputs[n] ?? '', env: ENV, cwd: dir, openRegistries: fakeRegistries(registry), githubApi: () => api }
}

describe('build action', () => {
  it('pull-request: the pushed digest goes into a pull request on pin/<image>; outputs and summary say so', async () => {
    const k8s = 'containers:\n  - image: ghcr.io/acme/api:v1\n'
    writeFileSync(path.join(dir, 'deploy/k8s.yaml'), k8s)
    const api = new FakeGitHubApi({ 'deploy/k8s.yaml': k8s })
    const registry = new FakeRegistry()
    const { out } = await captureStdout(() => run(buildDeps({ image: 'ghcr.io/acme/api', tags: 'v1', files: 'deploy/k8s.yaml', 'pull-request': 'true', token: 'ghs_t' }, new FakeDocker({ registry }), registry, api)))
    expect(process.exitCode).toBeUndefined()
    const digest = registry.digest('acme/api', 'v1') as string
    expect(api.files('pin/ghcr.io-acme-api').get('deploy/k8s.yaml')).toBe(`containers:\n  - image: ghcr.io/acme/api:v1@${digest}\n`)
    expect(outputs()).toMatchObject({ 'pull-request-operation': 'created', 'pull-request-number': String(api.pulls[0]?.number), 'pull-request-url': api.pulls[0]?.url })
    expect(readFileSync(summaryFile, 'utf8')).toContain(`#### On GitHub\n\n- Pull request [#${api.pulls[0]?.number}](${api.pulls[0]?.url}) created`)
    expect(api.pulls[0]?.body.replace(/<wbr>/g, '')).toContain(`<tr><td><code>git-commit</code></td><td><a href="https://github.com/acme/app/commit/${SHA}"><code>${SHA}</code></a></td></tr>`)
    expect(out).toContain('::add-mask::ghs_t')
  })

  it('pull-request without files fails before building', async () => {
    const registry = new FakeRegistry()
    const docker = new FakeDocker({ registry })
    const { out } = await captureStdout(() => run(buildDeps({ image: 'ghcr.io/acme/api', 'pull-request': 'true', token: 't' }, docker, registry, new FakeGitHubApi())))
    expect(process.exitCode).toBe(1)
    expect(out).toContain("Input 'pull-request': is true but 'files' is empty")
    expect(docker.builds).toHaveLength(0)
  })

  it("'push: false' ignores pull-request and comment with a warning, and calls no API", async () => {
    const registry = new FakeRegistry()
    const api = new FakeGitHubApi()
    const { out } = await captureStdout(() => run(buildDeps({ image: 'ghcr.io/acme/api', push: 'false', comment: 'true', token: 't' }, new FakeDocker({ registry }), registry, api)))
    expect(process.exitCode).toBeUndefined()
    expect(out).toContain("::warning::'pull-request' and 'comment' are ignored with 'push: false'")
    expect(api.calls).toEqual([])
  })
})

describe('resolve action', () => {
  function resolveDeps(reg: FakeRegistry, inputs: Record<string, string>, api: FakeGitHubApi, env: NodeJS.ProcessEnv = ENV): ResolveDeps {
    return {
      openRegistries: fakeRegistries(reg),
      readInput: (n) => inputs[n] ?? '',
      cwd: dir,
      env: { DOCKER_CONFIG: path.join(dir, 'none'), ...env },
      githubApi: () => api
    }
  }

  it('pull-request: pins the base version on pin/images; comment on a pull_request event', async () => {
    const reg = new FakeRegistry()
    const digest = reg.putImage('acme/a', {}, ['1']).digest
    const compose = `services:\n  a:\n    image: ${H}/acme/a:1\n`
    writeFileSync(path.join(dir, 'deploy/compose.yaml'), compose)
    const api = new FakeGitHubApi({ 'deploy/compose.yaml': compose })
    const event = path.join(dir, 'event.json')
    writeFileSync(event, JSON.stringify({ pull_request: { number: 5, head: { sha: SHA } }, repository: { default_branch: 'main' } }))
    const env = { ...ENV, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event }
    await captureStdout(() => runResolve(resolveDeps(reg, { images: `${H}/acme/a:1`, files: 'deploy/compose.yaml', 'pull-request': 'true', comment: 'true', token: 't' }, api, env)))
    expect(process.exitCode).toBeUndefined()
    expect(api.files('pin/images').get('deploy/compose.yaml')).toBe(`services:\n  a:\n    image: ${H}/acme/a:1@${digest}\n`)
    expect(api.pulls[0]?.title).toBe(`Pin ${H}/acme/a:1 to ${digest.slice(0, 19)}`)
    expect(api.issueComments.map((c) => c.issue)).toEqual([5])
    expect(outputs()).toMatchObject({ 'pull-request-operation': 'created', 'comment-url': api.issueComments[0]?.url })
  })

  it('pull-request without files fails before any registry request', async () => {
    const reg = new FakeRegistry()
    await captureStdout(() => runResolve(resolveDeps(reg, { images: `${H}/acme/a:1`, 'pull-request': 'true', token: 't' }, new FakeGitHubApi())))
    expect(process.exitCode).toBe(1)
    expect(reg.requests).toEqual([])
  })
})
