/**
 * Every ```yaml block in README.md and docs/*.md is something a user will paste: it must parse, and once placed in
 * a workflow it must pass actionlint. Fragments (a list of steps, one step, a `with:` snippet) are wrapped into a
 * minimal workflow first, and an error is reported at the file and line it comes from. Steps that use this
 * repository's actions must use its one published name, pinned the way the README advises (a full commit SHA with
 * the version in a comment, or the moving major tag `@v1`), and only inputs the action declares. The project's
 * own workflows (.github/workflows/*.yml) go through the same linter.
 *
 * actionlint: scripts/actionlint.js (rhysd/actionlint built to WebAssembly, run offline inside Node).
 */
import { describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isMap, isSeq, parse, parseDocument } from 'yaml'

const root = join(import.meta.dirname, '..', '..')
const { lint: runLint } = (await import(join(root, 'scripts', 'actionlint.js'))) as {
  lint: (source: string, name: string) => Promise<Array<{ message: string; line: number; column: number; kind: string }>>
}

/** This repository's actions, by the name users reference them with (without the `@ref`). */
const ACTION_NAMES: Record<string, string> = {
  'pinned-build/pinned-build-action': 'action.yml',
  'pinned-build/pinned-build-action/resolve': 'resolve/action.yml',
  'pinned-build/pinned-build-action/merge': 'merge/action.yml',
  'pinned-build/pinned-build-action/audit': 'audit/action.yml'
}
/** The two refs an example may use: a full commit SHA (GitHub's hardening guide) or the moving major tag. */
const SHA_REF = /^[0-9a-f]{40}$/
const MAJOR_REF = 'v1'
/** A SHA-pinned `uses:` line must say which release the SHA is: `@<sha> # v1.2.3`. */
const PINNED_USES_LINE = /uses:\s*pinned-build\/pinned-build-action(?:\/[a-z]+)?@([0-9a-f]{40})\s+#\s+(v\d+\.\d+\.\d+)\s*$/

/** Splits `owner/repo[/path]@ref` of this repository's actions; undefined for anything else. */
function ownAction(uses: string): { name: string; ref: string } | undefined {
  const at = uses.lastIndexOf('@')
  if (!uses.startsWith('pinned-build/')) return undefined
  return at < 0 ? { name: uses, ref: '' } : { name: uses.slice(0, at), ref: uses.slice(at + 1) }
}

/** Problems with how a `uses:` of this repository's actions is pinned, from the block's raw lines. */
function pinProblems(text: string, where: (line: number) => string): string[] {
  const problems: string[] = []
  text.split('\n').forEach((l, i) => {
    const m = /uses:\s*(pinned-build\/\S+)/.exec(l)
    if (!m) return
    const own = ownAction(m[1] as string) as { name: string; ref: string }
    if (own.ref === MAJOR_REF) return
    if (!SHA_REF.test(own.ref)) problems.push(`${where(i)}: ${m[1]}: pin a full 40-hex commit SHA (with "# v1.x.y") or use @${MAJOR_REF}`)
    else if (!PINNED_USES_LINE.test(l)) problems.push(`${where(i)}: ${m[1]}: a SHA pin needs the version in a comment: "@<sha> # v1.x.y"`)
  })
  return problems
}
/** Owners of third-party actions a README example may use. */
const KNOWN_OWNERS = ['actions/', 'docker/', 'aws-actions/', 'google-github-actions/', 'azure/', 'sigstore/']

interface Block {
  /** README line of the block's first content line (1-based) */
  line: number
  text: string
}

/** ```yaml fences, also indented ones inside list items; the content is dedented by the fence's indentation. */
function yamlBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*ya?ml\s*$/.exec(lines[i] as string)
    if (open === null) continue
    const indent = (open[1] as string).length
    const fence = open[2] as string
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const l = lines[j] as string
      if (l.trim().startsWith(fence[0] as string) && l.trim().replace(/[`~]/g, '') === '' && l.trim().length >= fence.length) break
      body.push(l.slice(Math.min(indent, l.length - l.trimStart().length)))
    }
    blocks.push({ line: i + 2, text: body.join('\n') })
    i = j
  }
  return blocks
}

type Kind = 'workflow' | 'steps' | 'step' | 'with'

/** What a block is, judged from its parsed value. */
function kindOf(value: unknown): Kind {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>
    if ('jobs' in o) return 'workflow'
    if ('uses' in o || 'run' in o) return 'step'
    return 'with'
  }
  if (Array.isArray(value) && value.every((s) => s !== null && typeof s === 'object' && ('uses' in s || 'run' in s))) return 'steps'
  throw new Error('neither a workflow, steps, a step nor a map of inputs')
}

const indent = (text: string, n: number): string =>
  text
    .split('\n')
    .map((l) => (l.trim() === '' ? '' : ' '.repeat(n) + l))
    .join('\n')

/** A complete workflow around a block, and how many wrapper lines precede the block's first line. */
function wrap(block: Block, kind: Kind): { source: string; offset: number } {
  const head = ['name: readme-example', 'on: push', 'jobs:', '  example:', '    runs-on: ubuntu-24.04', '    steps:']
  switch (kind) {
    case 'workflow':
      // an example that shows only `jobs:` is still a whole workflow once it has a trigger
      return /^on:/m.test(block.text) ? { source: block.text, offset: 0 } : { source: `on: push\n${block.text}`, offset: 1 }
    case 'steps':
      return { source: `${head.join('\n')}\n${indent(block.text, 6)}\n`, offset: head.length }
    case 'step': {
      const lines = block.text.split('\n')
      return { source: `${head.join('\n')}\n${indent(`- ${lines[0]}\n${indent(lines.slice(1).join('\n'), 2)}`, 6)}\n`, offset: head.length }
    }
    case 'with': {
      const pre = [...head, '      - uses: pinned-build/pinned-build-action@v1', '        with:']
      return { source: `${pre.join('\n')}\n${indent(block.text, 10)}\n`, offset: pre.length }
    }
  }
}

/** The inputs an action.yml declares, and which of them are required without a default. */
function actionInputs(file: string): { all: Set<string>; required: string[] } {
  const meta = parse(readFileSync(join(root, file), 'utf8')) as { inputs?: Record<string, { required?: boolean; default?: unknown }> }
  const inputs = meta.inputs ?? {}
  return {
    all: new Set(Object.keys(inputs)),
    required: Object.entries(inputs)
      .filter(([, v]) => v.required === true && v.default === undefined)
      .map(([k]) => k)
  }
}

/** Steps of a parsed workflow, with their job. */
function stepsOf(workflow: unknown): Array<Record<string, unknown>> {
  const jobs = ((workflow as { jobs?: Record<string, { steps?: unknown[] }> }).jobs ?? {}) as Record<string, { steps?: unknown[] }>
  return Object.values(jobs).flatMap((j) => (j.steps ?? []) as Array<Record<string, unknown>>)
}

/** README.md and every page under docs/, by their path relative to the repository. */
const DOC_FILES = ['README.md', ...(existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`) : [])]
const texts = new Map(DOC_FILES.map((f) => [f, readFileSync(join(root, f), 'utf8')] as const))
const readme = texts.get('README.md') as string
const blocks = DOC_FILES.flatMap((file) => yamlBlocks(texts.get(file) as string).map((b) => ({ ...b, file })))
const cases = blocks.map((b) => [`${b.file}:${b.line}`, b] as const)

describe('YAML blocks of README.md and docs/*.md', () => {
  test('there are YAML blocks to check, in the README and in docs/', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThanOrEqual(2)
    expect(blocks.filter((b) => b.file.startsWith('docs/')).length).toBeGreaterThanOrEqual(10)
  })

  test('the README stays a landing page (at most 30 KB)', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(30 * 1024)
  })

  test.each(cases)('block at %s parses as YAML', (_at, block) => {
    const doc = parseDocument(block.text)
    // the first errors say where it breaks; the rest follow from them
    const errors = doc.errors.slice(0, 3).map((e) => `${block.file}:${block.line + (e.linePos?.[0].line ?? 1) - 1}: ${e.code}: ${e.message.split('\n')[0]}`)
    expect(errors).toEqual([])
    expect(isMap(doc.contents) || isSeq(doc.contents)).toBe(true)
  })

  test.each(cases)('block at %s passes actionlint (wrapped into a workflow when a fragment)', async (_at, block) => {
    const value = parse(block.text) as unknown
    const { source, offset } = wrap(block, kindOf(value))
    const results = await runLint(source, `${block.file}:${block.line}.yml`)
    const found = results.map((r) => `${block.file}:${block.line + r.line - 1 - offset}:${r.column}: ${r.message} [${r.kind}]`)
    expect(found).toEqual([])
  })

  test.each(cases)('block at %s pins this repository\'s actions by a commit SHA with its version, or by @v1', (_at, block) => {
    expect(pinProblems(block.text, (i) => `${block.file}:${block.line + i}`)).toEqual([])
  })

  test('every SHA pin in the README and docs/ names the same commit and the same version', () => {
    const pins = new Set<string>()
    for (const b of blocks) for (const l of b.text.split('\n')) {
      const m = PINNED_USES_LINE.exec(l)
      if (m) pins.add(`${m[1]} # ${m[2]}`)
    }
    expect([...pins]).toHaveLength(1)
  })

  test.each(cases)("block at %s uses this repository's actions by their one name, with inputs they declare", (_at, block) => {
    const value = parse(block.text) as unknown
    const kind = kindOf(value)
    const steps = kind === 'workflow' ? stepsOf(value) : kind === 'steps' ? (value as Array<Record<string, unknown>>) : kind === 'step' ? [value as Record<string, unknown>] : []
    const problems: string[] = []
    const check = (uses: string, withKeys: string[], complete: boolean): void => {
      if (uses.startsWith('./') || KNOWN_OWNERS.some((o) => uses.startsWith(o))) return
      const own = ownAction(uses)
      const file = own === undefined ? undefined : ACTION_NAMES[own.name]
      if (own === undefined || file === undefined) {
        problems.push(`uses: ${uses} is not one of ${Object.keys(ACTION_NAMES).join(', ')}`)
        return
      }
      if (!existsSync(join(root, file))) return // merge@v1 before the merge action exists
      const inputs = actionInputs(file)
      for (const k of withKeys) if (!inputs.all.has(k)) problems.push(`${uses}: input "${k}" is not declared in ${file}`)
      if (complete) for (const r of inputs.required) if (!withKeys.includes(r)) problems.push(`${uses}: required input "${r}" is missing`)
    }
    for (const s of steps) {
      if (typeof s.uses === 'string') check(s.uses, Object.keys((s.with as Record<string, unknown> | undefined) ?? {}), true)
    }
    if (kind === 'with') check(`pinned-build/pinned-build-action@${MAJOR_REF}`, Object.keys(value as Record<string, unknown>), false)
    expect(problems).toEqual([])
  })

  test('no placeholder names for the action anywhere in the README or docs/', () => {
    const placeholders = DOC_FILES.flatMap((f) =>
      (texts.get(f) as string).split('\n').flatMap((l, i) => (/our-org\/|acme\/pinned-build|<…>\/resolve|<\.\.\.>\//.test(l) ? [`${f}:${i + 1}: ${l.trim()}`] : []))
    )
    expect(placeholders).toEqual([])
  })

  test('relative links between README.md and docs/ point at files that exist', () => {
    const broken = DOC_FILES.flatMap((f) =>
      [...(texts.get(f) as string).matchAll(/\]\(([^)#:\s]+)(?:#[^)]*)?\)/g)].flatMap((m) => {
        const target = join(root, f.includes('/') ? 'docs' : '', m[1] as string)
        return existsSync(target) ? [] : [`${f}: ${m[1]}`]
      })
    )
    expect(broken).toEqual([])
  })
})

describe('the wrapping and the linter can fail (guards against a check that passes everything)', () => {
  test('a flow mapping with ${{ }} does not parse', () => {
    const bad = '- uses: docker/login-action@v3\n  with: { username: ${{ github.actor }} }\n'
    expect(parseDocument(bad).errors.length).toBeGreaterThan(0)
  })

  test('actionlint reports an unknown context property at the README line it comes from', async () => {
    const block: Block = { line: 100, text: '- uses: actions/checkout@v5\n- run: echo ${{ github.no_such_thing }}\n' }
    const { source, offset } = wrap(block, kindOf(parse(block.text)))
    const results = await runLint(source, 'x.yml')
    expect(results.map((r) => [block.line + r.line - 1 - offset, r.kind])).toEqual([[101, 'expression']])
  })

  test('a short SHA, a SHA without its version comment, and another tag are all reported; @v1 and a commented SHA pass', () => {
    const sha = 'a'.repeat(40)
    const text = [
      `- uses: pinned-build/pinned-build-action@${sha.slice(0, 7)} # v1.0.0`,
      `- uses: pinned-build/pinned-build-action/resolve@${sha}`,
      '- uses: pinned-build/pinned-build-action/merge@main',
      `- uses: pinned-build/pinned-build-action@${sha} # v1.2.3`,
      '- uses: pinned-build/pinned-build-action/merge@v1'
    ].join('\n')
    expect(pinProblems(text, (i) => `x:${i + 1}`).map((p) => p.split(':').slice(0, 2).join(':'))).toEqual(['x:1', 'x:2', 'x:3'])
  })

  test('the fence finder reads indented fences and dedents them', () => {
    const found = yamlBlocks('text\n\n   ```yaml\n   - uses: a/b@v1\n     with:\n       x: 1\n   ```\n')
    expect(found).toEqual([{ line: 4, text: '- uses: a/b@v1\n  with:\n    x: 1' }])
  })
})

describe('.github/workflows', () => {
  const dir = join(root, '.github', 'workflows')
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : []

  test('the project has a CI workflow', () => {
    expect(files).toContain('ci.yml')
  })

  test.each(files)('%s passes actionlint', async (file) => {
    const results = await runLint(readFileSync(join(dir, file), 'utf8'), `.github/workflows/${file}`)
    expect(results.map((r) => `.github/workflows/${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([])
  })
})
