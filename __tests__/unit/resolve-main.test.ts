import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runResolve, type ResolveDeps } from '../../src/resolve/main'
import { useActionFiles } from '../helpers/action-files'
import { FakeRegistry, fakeRegistries } from '../helpers/fake-registry'

const H = 'registry.test'
const { dir, outFile, summaryFile, outputs } = useActionFiles('resolve-main-')

function deps(reg: FakeRegistry, inputs: Record<string, string>): ResolveDeps {
  return { openRegistries: fakeRegistries(reg), readInput: (n) => inputs[n] ?? '', cwd: dir, env: { DOCKER_CONFIG: path.join(dir, 'none') } }
}

describe('runResolve', () => {
  it('sets digests, pinned (input order, user spelling), digest only for one image, and a summary', async () => {
    const reg = new FakeRegistry()
    const a = reg.putImage('acme/a', {}, ['1']).digest
    const amd = reg.putImage('acme/m', { image: 'amd' }, []).digest
    const index = reg.putIndex('acme/m', ['multi'], [{ digest: amd, os: 'linux', architecture: 'amd64' }])
    await runResolve(deps(reg, { images: `${H}/acme/m:multi\n${H}/acme/a:1`, 'list-platforms': 'true' }))
    expect(process.exitCode).toBeUndefined()
    const o = outputs()
    expect(JSON.parse(o.digests as string)).toEqual({ [`${H}/acme/m:multi`]: index, [`${H}/acme/a:1`]: a })
    expect(o.pinned).toBe(`${H}/acme/m:multi@${index}\n${H}/acme/a:1@${a}`)
    expect(o.digest).toBeUndefined()
    const summary = readFileSync(summaryFile, 'utf8')
    // the pinned output first, as a copyable block; then what each digest names
    expect(summary).toContain(`### Resolved 2 of 2 image references\n\n\`\`\`text\n${o.pinned}\n\`\`\`\n`)
    expect(summary).toContain(`- \`${H}/acme/m:multi\`: OCI image index; platforms \`linux/amd64\``)
  })

  it('fails naming a missing reference and sets no outputs', async () => {
    const reg = new FakeRegistry()
    reg.putImage('acme/a', {}, ['1'])
    await runResolve(deps(reg, { images: `${H}/acme/a:1\n${H}/acme/a:2` }))
    expect(process.exitCode).toBe(1)
    expect(readFileSync(outFile, 'utf8')).toBe('')
  })

  it('with fail-on-missing: false, reports and skips the missing reference', async () => {
    const reg = new FakeRegistry()
    const a = reg.putImage('acme/a', {}, ['1']).digest
    await runResolve(deps(reg, { images: `${H}/acme/a:2\n${H}/acme/a:1`, 'fail-on-missing': 'false' }))
    expect(process.exitCode).toBeUndefined()
    expect(outputs()).toMatchObject({ pinned: `${H}/acme/a:1@${a}`, missing: `${H}/acme/a:2`, digests: JSON.stringify({ [`${H}/acme/a:1`]: a }) })
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain(`> - \`${H}/acme/a:2\`: **not found**: `)
    expect(summary).toContain(`\`\`\`text\n${H}/acme/a:1@${a}\n\`\`\``)
  })

  it('pins files with what it resolved; a dry run reports without writing', async () => {
    const reg = new FakeRegistry()
    const a = reg.putImage('acme/a', {}, ['1']).digest
    const file = path.join(dir, 'deploy.yaml')
    const source = `# keep\nimage: ${H}/acme/a:1 # a\n---\nimage: ${H}/acme/b:1\n`
    writeFileSync(file, source)
    await runResolve(deps(reg, { images: `${H}/acme/a:1`, files: 'deploy.yaml', write: 'false' }))
    expect(outputs()).toMatchObject({ 'changed-files': 'deploy.yaml', digest: a })
    expect(readFileSync(file, 'utf8')).toBe(source)
    writeFileSync(outFile, '')
    await runResolve(deps(reg, { images: `${H}/acme/a:1`, files: 'deploy.yaml' }))
    expect(readFileSync(file, 'utf8')).toBe(source.replace(`acme/a:1 # a`, `acme/a:1@${a} # a`))
  })
})
