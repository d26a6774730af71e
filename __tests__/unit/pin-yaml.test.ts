import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { resolvedRule, tagKey } from '../../src/pin/rules'
import { pinYaml, scanYaml } from '../../src/pin/yaml'
import { parseReference } from '../../src/registry/reference'

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'pin')
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8')
const D1 = `sha256:${'a'.repeat(64)}`
const D2 = `sha256:${'b'.repeat(64)}`
const D3 = `sha256:${'c'.repeat(64)}`

function rule(pins: Record<string, string>): ReturnType<typeof resolvedRule> {
  return resolvedRule(new Map(Object.entries(pins).map(([ref, d]) => [tagKey(parseReference(ref)), d])))
}

/** Undoing every change must give back the original bytes: nothing but the changed scalars moved. */
function undo(text: string, changes: Array<{ from: string; to: string }>): string {
  let out = text
  for (const c of changes) out = out.replace(c.to, c.from)
  return out
}

describe('scanYaml', () => {
  it('finds image: values in every document, skipping aliases, non-image keys and block scalars', () => {
    const scanned = scanYaml('k8s.yaml', fixture('k8s.yaml'))
    expect(scanned.sites.map((s) => s.value)).toEqual([
      'registry.example.com/acme/migrate:v3',
      'nginx:1.27',
      'redis:7',
      `ghcr.io/acme/sidecar:main@sha256:${'0'.repeat(64)}`,
      'nginx'
    ])
    expect(scanned.sites.map((s) => s.quote)).toEqual(['"', '', "'", '', ''])
    // found in an image field, not pinnable: listed with the reason
    expect(scanned.notes.filter((n) => n.includes('"this is not a reference"'))).toEqual([expect.stringMatching(/^k8s\.yaml:\d+: "this is not a reference" is not an image reference this action can read; left as it is$/)])
  })

  it('rejects an alias without its anchor in the same document', () => {
    expect(() => scanYaml('a.yaml', 'a: &x nginx:1\n---\nb:\n  image: *x\n')).toThrow(/^a\.yaml could not be parsed as YAML: alias \*x/)
  })

  it('names the file and the line of a YAML error', () => {
    expect(() => scanYaml('deploy/broken.yaml', fixture('broken.yaml'))).toThrow(/^deploy\/broken\.yaml could not be parsed as YAML at line \d+/)
  })
})

describe('pinYaml', () => {
  it('pins a multi-document manifest with comments and anchors, byte-identical except the changed scalars', () => {
    const source = fixture('k8s.yaml')
    const { text, changes } = pinYaml(
      'k8s.yaml',
      scanYaml('k8s.yaml', source),
      rule({ 'nginx:1.27': D1, 'nginx:latest': D2, 'registry.example.com/acme/migrate:v3': D3, 'ghcr.io/acme/sidecar:main': D1 })
    )
    expect(changes.map((c) => [c.line, c.to])).toEqual([
      [12, `registry.example.com/acme/migrate:v3@${D3}`],
      [15, `nginx:1.27@${D1}`],
      [23, `ghcr.io/acme/sidecar:main@${D1}`],
      [37, `nginx:latest@${D2}`]
    ])
    expect(undo(text, changes)).toBe(source)
    // comments and quoting survive in place
    expect(text).toContain(`image: &migrate "registry.example.com/acme/migrate:v3@${D3}"   # anchored`)
    expect(text).toContain(`image: nginx:latest@${D2}   # implicit latest`)
    expect(text).toContain("image: 'redis:7'   # single-quoted")
    // the alias now resolves to the pinned anchor; the block scalar's text is untouched
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>)
    const deployment = docs[0] as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
    expect(deployment.spec.template.spec.containers[3]?.image).toBe(`registry.example.com/acme/migrate:v3@${D3}`)
    expect(text).toContain('    image: nginx:1.27 in a block scalar is text, not a field')
    expect(changes[0]?.before).toBe('          image: &migrate "registry.example.com/acme/migrate:v3"   # anchored')
  })

  it('pins Compose services (and an anchored x- block) and keeps the rest', () => {
    const source = fixture('compose.yaml')
    const { text, changes } = pinYaml('compose.yaml', scanYaml('compose.yaml', source), rule({ 'postgres:16': D1, 'nginx:1.27': D2, '127.0.0.1:5000/acme/api:latest': D3 }))
    expect(changes.map((c) => c.from)).toEqual(['postgres:16', '127.0.0.1:5000/acme/api:latest', 'nginx:1.27'])
    expect(undo(text, changes)).toBe(source)
    expect(text).toContain('      - IMAGE=nginx:1.27   # a string, not an image field')
    expect(text).toContain(`    image: "127.0.0.1:5000/acme/api:latest@${D3}"`)
  })

  it('never touches references it did not resolve, and returns the same text when nothing matches', () => {
    const source = fixture('compose.yaml')
    const r = pinYaml('compose.yaml', scanYaml('compose.yaml', source), rule({ 'nginx:1.26': D1, 'docker.io/acme/api:latest': D1 }))
    expect(r.changes).toEqual([])
    expect(r.text).toBe(source)
  })

  it('keeps CRLF line endings', () => {
    const source = fixture('crlf.yaml')
    const { text } = pinYaml('crlf.yaml', scanYaml('crlf.yaml', source), rule({ 'nginx:1.27': D1 }))
    expect(text).toBe(source.replace('image: nginx:1.27\r\n', `image: nginx:1.27@${D1}\r\n`))
  })

  it('updates a reference pinned to another digest only when its name:tag was resolved', () => {
    const source = `a:\n  image: nginx:1.27@${D1}\nb:\n  image: nginx@${D1}\nc:\n  image: redis:7@${D1}\n`
    const { text } = pinYaml('x.yaml', scanYaml('x.yaml', source), rule({ 'docker.io/library/nginx:1.27': D2 }))
    expect(text).toBe(`a:\n  image: nginx:1.27@${D2}\nb:\n  image: nginx@${D1}\nc:\n  image: redis:7@${D1}\n`)
  })

  it('leaves values with escapes alone (and says so)', () => {
    const source = 'image: "nginx\\x3a1.27"\n'
    const scanned = scanYaml('e.yaml', source)
    expect(scanned.sites).toEqual([])
    expect(scanned.notes[0]).toMatch(/escapes/)
  })
})
