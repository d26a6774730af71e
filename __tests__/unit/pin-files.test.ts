import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expandFiles, kindOf, loadDeployFiles, pinDeployFiles, writePinnedFiles } from '../../src/pin/files'
import { resolvedRule, tagKey } from '../../src/pin/rules'
import { changedFilesOutput, renderPinSummary } from '../../src/pin/summary'
import { parseReference } from '../../src/registry/reference'

const D = `sha256:${'d'.repeat(64)}`
let ws: string
beforeEach(() => {
  ws = mkdtempSync(path.join(os.tmpdir(), 'pin-files-'))
  mkdirSync(path.join(ws, 'k8s', 'base'), { recursive: true })
  writeFileSync(path.join(ws, 'k8s', 'base', 'web.yaml'), 'spec:\n  containers:\n    - image: nginx:1.27 # web\n')
  writeFileSync(path.join(ws, 'k8s', 'skip.yaml'), 'image: nginx:1.27\n')
  writeFileSync(path.join(ws, 'k8s', 'other.yml'), 'image: redis:7\n')
  writeFileSync(path.join(ws, 'Dockerfile.web'), 'FROM nginx:1.27\n')
})
afterEach(() => rmSync(ws, { recursive: true, force: true }))

const rule = resolvedRule(new Map([[tagKey(parseReference('nginx:1.27')), D]]))

describe('deploy files', () => {
  it('tells Dockerfiles from YAML by name', () => {
    expect(['Dockerfile', 'Dockerfile.prod', 'web.Dockerfile', 'Containerfile', 'k8s.yaml', 'x.json'].map(kindOf)).toEqual([
      'dockerfile', 'dockerfile', 'dockerfile', 'dockerfile', 'yaml', 'yaml'
    ])
  })

  it('expands globs relative to the workspace, with exclusions, sorted', async () => {
    const files = await expandFiles(['k8s/**/*.y*ml', '!k8s/skip.yaml', 'Dockerfile*'], ws)
    expect(files.map((f) => path.relative(ws, f))).toEqual(['Dockerfile.web', 'k8s/base/web.yaml', 'k8s/other.yml'])
  })

  it('fails naming the input when nothing matches', async () => {
    await expect(expandFiles(['deploy/*.yaml'], ws)).rejects.toThrow(/^Input 'files': no file matches 'deploy\/\*\.yaml'/)
  })

  it('pins in memory, writes only when asked, and reports a diff per file', async () => {
    const files = await loadDeployFiles(['**/*.yaml', '**/*.yml', 'Dockerfile.web'], ws)
    const pinned = pinDeployFiles(files, rule)
    expect(changedFilesOutput(pinned)).toBe('Dockerfile.web\nk8s/base/web.yaml\nk8s/skip.yaml')
    // nothing written yet (the dry run stops here)
    expect(readFileSync(path.join(ws, 'k8s/base/web.yaml'), 'utf8')).toContain('image: nginx:1.27 # web')
    await writePinnedFiles(pinned)
    expect(readFileSync(path.join(ws, 'k8s/base/web.yaml'), 'utf8')).toBe(`spec:\n  containers:\n    - image: nginx:1.27@${D} # web\n`)
    expect(readFileSync(path.join(ws, 'Dockerfile.web'), 'utf8')).toBe(`FROM nginx:1.27@${D}\n`)
    expect(readFileSync(path.join(ws, 'k8s/other.yml'), 'utf8')).toBe('image: redis:7\n')
    const summary = renderPinSummary(pinned, false, files.length, [])
    expect(summary).toContain('Would pin (dry run, `write: false`): 3 of 4 files changed')
    expect(summary).toContain(`\`\`\`diff\n@@ line 3 @@\n-    - image: nginx:1.27 # web\n+    - image: nginx:1.27@${D} # web\n\`\`\``)
  })

  it('marks an unparsable file skipped, with its line and why, and pins the others', async () => {
    writeFileSync(path.join(ws, 'k8s', 'bad.yaml'), 'a: [1, 2\n')
    const files = await loadDeployFiles(['k8s/*.yaml'], ws)
    const bad = files.find((f) => f.rel === 'k8s/bad.yaml')
    expect(bad?.skipped).toEqual({ line: 2, reason: expect.stringMatching(/^not YAML \(line 2\): Flow sequence/) })
    expect(pinDeployFiles(files, () => undefined)).toEqual([])
  })
})
