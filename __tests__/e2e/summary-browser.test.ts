/**
 * The job summaries of real action runs (build, build with `files`, resolve), rendered as GitHub renders markdown and
 * opened in headless Chromium at 900 and 1280 px: what a reviewer sees. Screenshots land in `.cache/screenshots/`
 * (look at them). Label values come from a Dockerfile full of characters that markdown likes to eat, and are compared
 * byte for byte with the config the registry holds, read with skopeo.
 */
import { afterAll, beforeAll, describe, expect } from '@jest/globals'
import { join } from 'node:path'
import { dockerRmi } from './support/docker'
import { skopeoConfig } from './support/inspect'
import { repoRoot } from './support/node24'
import { pushTestIndex } from './support/oci-fixture'
import { startRegistry, type TestRegistry } from './support/registry'
import { browserTest, chromiumUnavailable, renderSummary, type RenderedSummary } from './support/render-summary'
import { actionLog, cleanupActionRuns, runAction, type ActionRun } from './support/run-action'
import { makeWorkspace, type Workspace } from './support/workspace'

const RESOLVE_ENTRY = join(repoRoot, 'dist', 'resolve', 'index.js')
const LONG_URL = `https://example.com/${'a1b2c3d4'.repeat(16)}`

/** LABEL values as the registry will hold them, and how the Dockerfile writes each. */
const TRICKY: Array<[string, string, string]> = [
  ['com.example.html', '<b>bold</b> & <i>it</i>', '"<b>bold</b> & <i>it</i>"'],
  ['com.example.path', 'C:\\tmp\\new', '"C:\\\\tmp\\\\new"'],
  ['com.example.ticks', '`x``y`z`', '"`x``y`z`"'],
  ['com.example.pipes', 'a|b||c', '"a|b||c"'],
  ['com.example.padded', '  two spaces each side  ', '"  two spaces each side  "'],
  ['com.example.entity', '&amp; &lt;tag&gt;', '"&amp; &lt;tag&gt;"'],
  ['com.example.markdown', '*not bold* [link](x) _no_ #5', '"*not bold* [link](x) _no_ #5"'],
  ['com.example.long', LONG_URL, `"${LONG_URL}"`]
]
const DOCKERFILE = ['FROM scratch', 'COPY hello.txt /hello.txt', ...TRICKY.map(([k, , written]) => `LABEL ${k}=${written}`), ''].join('\n')

let reg: TestRegistry
let ws: Workspace
let build: ActionRun
let resolve: ActionRun
let indexDigest: string
const image = (): string => `${reg.host}/summary/app`

beforeAll(async () => {
  reg = await startRegistry({ auth: 'anonymous' })
  ws = await makeWorkspace({ dockerfile: DOCKERFILE, files: { 'deploy/app.yaml': `spec:\n  containers:\n    - image: ${image()}:old   # previous build\n` } })
  build = await runAction({
    workspace: ws.dir,
    inputs: { image: image(), tags: 'v1\nstable', labels: 'com.example.team=pay|ments', files: 'deploy/*.yaml' },
    github: { runNumber: '77', runAttempt: '2', runId: '4242' }
  })
  if (build.code !== 0) throw new Error(`build failed:\n${actionLog(build)}`)
  indexDigest = (await pushTestIndex(reg, 'summary/multi', 'v1', { commit: ws.sha, buildNumber: '77' })).digest
  resolve = await runAction({
    entry: RESOLVE_ENTRY,
    workspace: ws.dir,
    inputs: {
      images: [`${image()}:v1`, `${reg.host}/summary/multi:v1`, build.outputs.pinned, `${reg.host}/summary/missing:nope`, `${image()}:stable`].join('\n'),
      'list-platforms': 'true',
      'fail-on-missing': 'false'
    }
  })
  if (resolve.code !== 0) throw new Error(`resolve failed:\n${actionLog(resolve)}`)
}, 240_000)

afterAll(async () => {
  await dockerRmi([`${image()}:v1`, `${image()}:stable`])
  await Promise.all([reg?.stop(), ws?.cleanup(), cleanupActionRuns()])
})

/** Liberation Mono at GitHub's code size (85% of 14px): the width of one character in a code block. */
const CODE_CHAR_PX = 0.6 * 14 * 0.85
/** A code block's padding (16px each side). */
const PRE_PADDING_PX = 32

/**
 * What every summary must give a reader: rendered markdown only, nothing clipped or scrolling sideways. Code
 * blocks never wrap (GitHub's copy button copies them as they are), so one may scroll only when a line in it is
 * itself longer than the column: a deploy file's diff line, a long `ref:tag@digest`. Text that only looks like
 * markup because a label value holds it (`&amp;` in the registry) is not an artefact.
 */
function expectClean(r: RenderedSummary, literal: readonly string[] = []): void {
  expect(r.artefacts.filter((a) => !literal.some((v) => a.includes(v)))).toEqual([])
  expect(r.text).not.toMatch(/^\s*#{1,6}\s/m)
  for (const w of r.widths) {
    const fits = Math.floor((w.contentWidth - PRE_PADDING_PX) / CODE_CHAR_PX)
    const tooLong = (o: { tag: string; text: string }): boolean => {
      const block = r.pre.find((p) => p.text.replace(/\s+/g, ' ').startsWith(o.text.slice(0, 60)))
      return o.tag === 'pre' && block !== undefined && Math.max(...block.text.split('\n').map((l) => l.length)) > fits
    }
    expect({ width: w.width, overflows: w.overflows.filter((o) => !tooLong(o)) }).toEqual({ width: w.width, overflows: [] })
  }
  for (const t of r.tables) expect(t.hasHeaderText).toBe(true)
}

describe('build summary in a browser', () => {
  let r: RenderedSummary
  beforeAll(async () => {
    if (chromiumUnavailable() === undefined) r = await renderSummary(build.summary, { name: 'e2e-build-with-files' })
  }, 60_000)

  browserTest('the pinned reference comes first, alone, copyable and shown without a click', async () => {
    expect(build.outputs.pinned).toMatch(/@sha256:[0-9a-f]{64}$/)
    expect(r.pre[0]).toEqual({ text: build.outputs.pinned, lang: 'text', visible: true, inDetails: false })
    expect(r.headings[0]).toBe(`Pushed ${image()}`)
    // nothing but the heading before it
    expect(r.html.indexOf('<pre>')).toBeLessThan(r.html.indexOf('<ul>'))
  })

  browserTest('label values are exactly what the registry holds (read with skopeo)', async () => {
    const held = (await skopeoConfig(build.outputs.pinned as string)).config.Labels as Record<string, string>
    for (const [k, v] of TRICKY) expect(held[k]).toBe(v)
    const table = r.tables.find((t) => t.headers[0] === 'Label')
    expect(table?.headers).toEqual(['Label', 'Value', 'Source'])
    const shown = Object.fromEntries(table?.cellText.map((row) => [row[0], row[1]]) ?? [])
    expect(shown).toEqual(held)
    expect(Object.keys(shown)).toEqual(Object.keys(held).sort())
  })

  browserTest('the pin section renders as a heading with its diff, and nothing shows raw markdown', async () => {
    expect(r.headings).toContain('Pinned: 1 of 1 file changed')
    const diff = r.pre.find((p) => p.lang === 'diff')
    expect(diff?.visible).toBe(true)
    expect(diff?.text).toContain(`+    - image: ${image()}:v1@${build.outputs.digest}   # previous build`)
    expectClean(r, TRICKY.map(([, v]) => v))
    // the pinned block itself is short enough to show whole at both widths
    for (const w of r.widths) expect(w.overflows.filter((o) => o.text.startsWith(build.outputs.pinned?.slice(0, 40) ?? '-'))).toEqual([])
  })
})

describe('resolve summary in a browser', () => {
  let r: RenderedSummary
  beforeAll(async () => {
    if (chromiumUnavailable() === undefined) r = await renderSummary(resolve.summary, { name: 'e2e-resolve' })
  }, 60_000)

  browserTest('a copy-ready block of ref@digest, equal to the pinned output', async () => {
    const pinned = resolve.outputs.pinned as string
    expect(pinned.split('\n')).toEqual([
      `${image()}:v1@${build.outputs.digest}`,
      `${reg.host}/summary/multi:v1@${indexDigest}`,
      build.outputs.pinned,
      `${image()}:stable@${build.outputs.digest}`
    ])
    expect(r.pre[0]).toEqual({ text: pinned, lang: 'text', visible: true, inDetails: false })
  })

  browserTest('the missing reference is named in a warning, not in a column meant for platforms', async () => {
    const missing = `${reg.host}/summary/missing:nope`
    const oneLine = r.text.replace(/\s+/g, ' ')
    expect(oneLine).toContain(`Warning Not resolved, so not in pinned or digests: ${missing}: not found: manifest nope was not found`)
    expect(resolve.outputs.missing).toBe(missing)
    const platformsLine = r.text.split('\n').find((l) => l.includes('summary/multi:v1:'))
    expect(platformsLine).toMatch(/OCI image index; platforms linux\/amd64 linux\/arm64$/)
    expect(r.text).toMatch(/pinned input, verified to exist/)
  })

  browserTest('nothing overflows at 900 or 1280 px, and nothing shows raw markdown', async () => {
    expectClean(r)
  })
})
