import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fitSummary } from '../../src/action/run'
import { decodeDeployFile, loadDeployFiles, pinDeployFiles, writePinnedFiles } from '../../src/pin/files'
import { resolvedRule, tagKey } from '../../src/pin/rules'
import { pinYaml, scanYaml } from '../../src/pin/yaml'
import { parseImages } from '../../src/resolve/inputs'
import { parseReference } from '../../src/registry/reference'

const D = `sha256:${'d'.repeat(64)}`
const rule = resolvedRule(new Map([[tagKey(parseReference('app:v1')), D]]))
let root: string
let ws: string
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pin-safety-'))
  ws = path.join(root, 'ws')
  mkdirSync(path.join(ws, 'k8s'), { recursive: true })
  writeFileSync(path.join(root, 'secret.yaml'), 'image: app:v1\npassword: hunter2\n')
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('deploy files stay inside the workspace', () => {
  it.each([
    ['an absolute path', () => path.join(root, 'secret.yaml'), /'\/.*secret\.yaml' points outside the workspace/],
    ['a .. segment', () => '../secret.yaml', /'\.\.\/secret\.yaml' points outside the workspace/],
    ['a glob climbing out', () => 'k8s/../../*.yaml', /points outside the workspace/]
  ])('%s is refused naming the input and the path, before anything is read', async (_what, pattern, message) => {
    const error = await loadDeployFiles([pattern()], ws).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/^Input 'files': /)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('hunter2')
  })

  it('a symbolic link leading out is refused, naming the link and its target; one inside is fine', async () => {
    symlinkSync(path.join(root, 'secret.yaml'), path.join(ws, 'k8s', 'out.yaml'))
    await expect(loadDeployFiles(['k8s/*.yaml'], ws)).rejects.toThrow(/^Input 'files': k8s\/out\.yaml is a symbolic link to .*secret\.yaml, outside the workspace/)
    rmSync(path.join(ws, 'k8s', 'out.yaml'))
    writeFileSync(path.join(ws, 'k8s', 'real.yaml'), 'image: app:v1\n')
    symlinkSync(path.join(ws, 'k8s', 'real.yaml'), path.join(ws, 'k8s', 'in.yaml'))
    expect((await loadDeployFiles(['k8s/*.yaml'], ws)).map((f) => f.rel)).toEqual(['k8s/in.yaml', 'k8s/real.yaml'])
  })

  it('a directory says so', async () => {
    await expect(loadDeployFiles(['k8s'], ws)).rejects.toThrow(/^Input 'files': 'k8s' is a directory, not a file/)
  })
})

describe('nothing lost, all or nothing', () => {
  it('refuses UTF-16 and invalid UTF-8 by name; keeps a UTF-8 BOM byte for byte', () => {
    expect(() => decodeDeployFile('a.yaml', Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toThrow(/a\.yaml is UTF-16/)
    expect(() => decodeDeployFile('b.yaml', Buffer.from('# caf\xe9\nimage: app:v1\n', 'latin1'))).toThrow(/b\.yaml is not valid UTF-8 \(byte 0xe9 at offset 5, line 1\)/)
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('image: app:v1\n')])
    expect(Buffer.from(decodeDeployFile('c.yaml', bom))).toEqual(bom)
  })

  it('a file that cannot be written leaves every file as it was, and says no file was changed', async () => {
    writeFileSync(path.join(ws, 'a.yaml'), 'image: app:v1\n')
    writeFileSync(path.join(ws, 'k8s', 'b.yaml'), 'image: app:v1\n')
    const files = await loadDeployFiles(['a.yaml', 'k8s/b.yaml'], ws)
    const pinned = pinDeployFiles(files, rule)
    // the second file's temporary file cannot be created (something is in its place): even as root, a failure
    const blocker = path.join(ws, 'k8s', `.b.yaml.pinned-${process.pid}-1.tmp`)
    mkdirSync(blocker)
    await expect(writePinnedFiles(pinned, new Map(files.map((f) => [f.abs, f.scanned.source])))).rejects.toThrow(/k8s\/b\.yaml could not be written: .*; no file was changed/)
    expect(readFileSync(path.join(ws, 'a.yaml'), 'utf8')).toBe('image: app:v1\n')
    expect(readFileSync(path.join(ws, 'k8s', 'b.yaml'), 'utf8')).toBe('image: app:v1\n')
    rmSync(blocker, { recursive: true })
    expect(await writePinnedFiles(pinned)).toEqual(['a.yaml', 'k8s/b.yaml'])
    expect(readFileSync(path.join(ws, 'a.yaml'), 'utf8')).toBe(`image: app:v1@${D}\n`)
  })
})

/** A seeded generator (mulberry32): the same files on every run, and many shapes of them. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function generate(seed: number): { text: string; pins: number } {
  const r = random(seed)
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T
  const nl = r() < 0.3 ? '\r\n' : '\n'
  const docs: string[] = []
  let pins = 0
  for (let d = 0; d < 1 + Math.floor(r() * 3); d++) {
    const lines: string[] = []
    // the anchor's scalar is pinned once, when an image field aliases it
    let aliased = false
    if (r() < 0.5) lines.push(`x-img: &img${d} app:v1 # anchored`)
    lines.push(`# comment ${pick(['é', '✓', 'tab\there', '"quoted"'])}`, 'services:')
    for (let s = 0; s < 1 + Math.floor(r() * 4); s++) {
      const form = pick(['plain', 'double', 'single', 'flow', 'other', 'alias', 'template', 'tab'])
      if (form === 'alias' && !lines[0]?.startsWith('x-img')) continue
      const v =
        form === 'plain' ? 'image: app:v1' :
        form === 'double' ? 'image: "app:v1"' :
        form === 'single' ? "image: 'app:v1'  # single" :
        form === 'flow' ? 'deploy: {image: app:v1, replicas: 2}' :
        form === 'other' ? 'image: redis:7' :
        form === 'alias' ? `image: *img${d}` :
        form === 'template' ? 'image: "{{ .Values.image }}"' :
        'image:\tapp:v1'
      if (['plain', 'double', 'single', 'flow', 'tab'].includes(form)) pins++
      if (form === 'alias' && !aliased) {
        aliased = true
        pins++
      }
      lines.push(`  s${s}:`, `    ${v}`, `    command: ['a', "b"]`)
    }
    docs.push(lines.join(nl) + nl)
  }
  const bom = r() < 0.3 ? '\ufeff' : ''
  return { text: bom + docs.join(`---${nl}`), pins }
}

describe('byte-level property: everything but the rewritten references is identical', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))('generated file %i', (seed) => {
    const { text, pins } = generate(seed)
    const scanned = scanYaml('g.yaml', text)
    const { text: out, changes } = pinYaml('g.yaml', scanned, rule)
    expect(changes).toHaveLength(pins)
    // undo every rewrite at its own place: the bytes must come back exactly
    let restored = out
    for (const c of [...changes].reverse()) {
      const at = restored.lastIndexOf(c.to)
      restored = restored.slice(0, at) + c.from + restored.slice(at + c.to.length)
    }
    expect(Buffer.from(restored)).toEqual(Buffer.from(text))
    // and the rewritten file pins nothing more
    expect(pinYaml('g.yaml', scanYaml('g.yaml', out), rule).changes).toHaveLength(0)
  })
})

describe('no silent skip', () => {
  it('pins an alias through its anchor, once, and keeps the alias', () => {
    const text = 'x-img: &img app:v1\nservices:\n  a:\n    image: *img\n  b:\n    image: *img\n'
    const { text: out, changes } = pinYaml('c.yaml', scanYaml('c.yaml', text), rule)
    expect(changes).toHaveLength(1)
    expect(out).toBe(`x-img: &img app:v1@${D}\nservices:\n  a:\n    image: *img\n  b:\n    image: *img\n`.replace('app:v1@', 'app:v1@'))
  })

  it("pins a workflow's container string, and only in a workflow", () => {
    const wf = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: app:v1\n'
    expect(pinYaml('w.yml', scanYaml('w.yml', wf), rule).text).toBe(wf.replace('container: app:v1', `container: app:v1@${D}`))
    const other = 'jobs:\n  test:\n    container: app:v1\n'
    expect(pinYaml('o.yml', scanYaml('o.yml', other), rule).changes).toHaveLength(0)
  })

  it('lists every value of an image field it leaves alone, with the reason', () => {
    const text = 'a:\n  image: "{{ .Values.image }}"\nb:\n  image: ${IMAGE}\nc:\n  image: |\n    app:v1\nd:\n  image: *e\n'
    expect(() => scanYaml('n.yaml', text)).toThrow(/alias \*e has no anchor/)
    const notes = scanYaml('n.yaml', text.replace('d:\n  image: *e\n', 'e: &e {x: 1}\nd:\n  image: *e\n')).notes
    expect(notes).toEqual([
      'n.yaml:2: "{{ .Values.image }}" is a template: its value is only known once the template is rendered; left as it is',
      'n.yaml:4: ${IMAGE} is a variable: its value is only known at run time; left as it is',
      'n.yaml:6: image: a block scalar (| or >) is a multi-line value; left as it is',
      'n.yaml:10: image: *e is an alias of &e (line 8), which is not a one-line string; left as it is'
    ])
  })

  it('the same reference asked with two digests fails naming both', () => {
    expect(() => parseImages(`app:v1@sha256:${'1'.repeat(64)}\napp:v1@sha256:${'2'.repeat(64)}`)).toThrow(
      /^Input 'images': docker\.io\/library\/app:v1 is asked with two digests: 'app:v1@sha256:1+' and 'app:v1@sha256:2+'/
    )
  })
})

describe('scale', () => {
  it('a 5 MB file with 550 references: one scan, every reference pinned', () => {
    const env = Array.from({ length: 60 }, (_, j) => `            - name: V${j}\n              value: "${'x'.repeat(100)}" # c`).join('\n')
    const doc = (i: number): string => `kind: Deployment\nmetadata:\n  name: a${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: app:v1\n          env:\n${env}\n`
    const text = Array.from({ length: 550 }, (_, i) => doc(i)).join('---\n')
    expect(text.length).toBeGreaterThan(5_000_000)
    const started = process.cpuUsage()
    const { changes } = pinYaml('big.yaml', scanYaml('big.yaml', text), rule)
    const used = process.cpuUsage(started)
    expect(changes).toHaveLength(550)
    // generous for a shared CI machine; the measured figure is in the report, not here
    expect((used.user + used.system) / 1000).toBeLessThan(10_000)
  })

  it('a summary over GitHub’s 1 MiB is cut at a line, its code block closed, with a line saying where the rest is', () => {
    const long = ['#### Pinned', '<details open><summary>x</summary>', '', '```diff', ...Array.from({ length: 40_000 }, (_, i) => `+line ${i} ${'y'.repeat(30)}`), '```', '</details>'].join('\n')
    const out = fitSummary(long)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1024 * 1024)
    expect(out).toMatch(/\n```\n<\/details>\n\n\*\*The summary was cut here\*\*: it is 1\.\d MiB, over GitHub's 1 MiB limit .* this step's log/)
    expect(fitSummary('short')).toBe('short')
  })
})
