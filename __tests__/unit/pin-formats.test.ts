import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { deployReferences, pinYamlText, scanFormats } from '../../src/pin/formats'
import { loadDeployFiles, pinDeployFiles } from '../../src/pin/files'
import { isHelmValues } from '../../src/pin/helm'
import { ownImageRule, resolvedRule, tagKey } from '../../src/pin/rules'
import { renderPinSummary } from '../../src/pin/summary'
import { unplaceableYaml } from '../../src/pin/unplaceable'
import { parseReference } from '../../src/registry/reference'

const D1 = `sha256:${'a'.repeat(64)}`
const D2 = `sha256:${'b'.repeat(64)}`

function rule(pins: Record<string, string>): ReturnType<typeof resolvedRule> {
  return resolvedRule(new Map(Object.entries(pins).map(([ref, d]) => [tagKey(parseReference(ref)), d])))
}

describe('kustomize images:', () => {
  it('adds digest: after the entry, keeps newTag, comments, CRLF and the other entries byte for byte', () => {
    const src = [
      '\uFEFFapiVersion: kustomize.config.k8s.io/v1beta1\r',
      'kind: Kustomization\r',
      'images:\r',
      '  - name: app            # the name in the manifests\r',
      '    newName: reg.example.com/acme/app\r',
      "    newTag: 'v1.2.3'   # release\r",
      '  - {name: worker, newName: reg.example.com/acme/worker, newTag: v2 }\r',
      '  - name: nginx\r',
      '    newTag: "1.27"\r',
      '    digest: sha256:' + '0'.repeat(64) + '\r',
      '\t# a tab in a comment\r',
      ''
    ].join('\n')
    const out = pinYamlText('deploy/kustomization.yaml', src, rule({ 'reg.example.com/acme/app:v1.2.3': D1, 'reg.example.com/acme/worker:v2': D2, 'nginx:1.27': D1 }))
    expect(out.text).toBe(
      [
        '\uFEFFapiVersion: kustomize.config.k8s.io/v1beta1\r',
        'kind: Kustomization\r',
        'images:\r',
        '  - name: app            # the name in the manifests\r',
        '    newName: reg.example.com/acme/app\r',
        "    newTag: 'v1.2.3'   # release\r",
        `    digest: ${D1}\r`,
        `  - {name: worker, newName: reg.example.com/acme/worker, newTag: v2, digest: ${D2} }\r`,
        '  - name: nginx\r',
        '    newTag: "1.27"\r',
        `    digest: ${D1}\r`,
        '\t# a tab in a comment\r',
        ''
      ].join('\n')
    )
    expect(out.changes.map((c) => [c.line, c.to])).toEqual([
      [6, `reg.example.com/acme/app:v1.2.3@${D1}`],
      [7, `reg.example.com/acme/worker:v2@${D2}`],
      [10, `nginx:1.27@${D1}`]
    ])
    const images = (parse(out.text.slice(1)) as { images: Array<Record<string, string>> }).images
    expect(images.map((i) => i.digest)).toEqual([D1, D2, D1])
    // the summary's diff marks the added line as added
    const summary = renderPinSummary([{ rel: 'kustomization.yaml', abs: '/x', changes: out.changes, text: out.text }], true, 1, [])
    expect(summary).toContain(`-    newTag: 'v1.2.3'   # release\n+    newTag: 'v1.2.3'   # release\n+    digest: ${D1}`)
  })

  it('reads only the three kustomization names, and name without newName', () => {
    const src = 'images:\n- name: reg.example.com/acme/app\n  newTag: v1\n'
    expect(scanFormats('Kustomization', src).sites.map((s) => s.written)).toEqual(['reg.example.com/acme/app:v1'])
    expect(scanFormats('kustomization.yml', src).sites).toHaveLength(1)
    expect(scanFormats('images.yaml', src).sites).toHaveLength(0)
  })

  it('changes newTag with the build rule so the tag shown pointed to the digest', () => {
    const src = 'images:\n- name: app\n  newName: reg.example.com/acme/app\n  newTag: old\n'
    const out = pinYamlText('kustomization.yaml', src, ownImageRule(parseReference('reg.example.com/acme/app'), ['v9'], D2))
    expect(out.text).toBe(`images:\n- name: app\n  newName: reg.example.com/acme/app\n  newTag: v9\n  digest: ${D2}\n`)
  })
})

describe('Helm values', () => {
  it('names the values files by Helm convention', () => {
    for (const f of ['values.yaml', 'charts/app/values.yml', 'values-prod.yaml', 'values.prod.yaml', 'prod-values.yaml', 'prod.values.yaml']) expect(isHelmValues(f)).toBe(true)
    for (const f of ['deploy.yaml', 'myvalues.yaml', 'values.json', 'kustomization.yaml']) expect(isHelmValues(f)).toBe(false)
  })

  it('appends the digest to tag, or writes the digest: key where the map has one', () => {
    const src = [
      'image:',
      '  repository: reg.example.com/acme/app',
      '  tag: "1.2.3" # app',
      '  pullPolicy: IfNotPresent',
      'sidecar: {repository: reg.example.com/acme/side, tag: 1.10}',
      'db:',
      '  image:',
      '    registry: docker.io',
      '    repository: bitnami/postgresql',
      '    tag: 16.4.0',
      '    digest: ""',
      'cache:',
      '  repository: redis',
      '  tag: ""',
      'notAnImage:',
      '  repository: https://github.com/acme/app',
      ''
    ].join('\n')
    const out = pinYamlText('values.yaml', src, rule({ 'reg.example.com/acme/app:1.2.3': D1, 'reg.example.com/acme/side:1.10': D2, 'docker.io/bitnami/postgresql:16.4.0': D1 }))
    expect(out.text).toBe(
      src
        .replace('tag: "1.2.3" # app', `tag: "1.2.3@${D1}" # app`)
        .replace('tag: 1.10}', `tag: 1.10@${D2}}`)
        .replace('digest: ""', `digest: "${D1}"`)
    )
    const values = parse(out.text) as { image: { tag: string }; sidecar: { tag: string } }
    expect(values.image.tag).toBe(`1.2.3@${D1}`)
    expect(values.sidecar.tag).toBe(`1.10@${D2}`)
    const scanned = scanFormats('values.yaml', src)
    expect(scanned.notes).toEqual([expect.stringContaining("'redis' has an empty tag")])
    // the same maps outside a values file are not read
    expect(scanFormats('config.yaml', src).sites).toHaveLength(0)
  })

  it('re-pins a tag that already carries a digest, and fills an empty digest: key', () => {
    const src = `image:\n  repository: reg.example.com/acme/app\n  tag: v1@${D1}\nother:\n  repository: reg.example.com/acme/side\n  tag: v2\n  digest:\n`
    const out = pinYamlText('values-prod.yaml', src, rule({ 'reg.example.com/acme/app:v1': D2, 'reg.example.com/acme/side:v2': D2 }))
    expect(out.text).toBe(`image:\n  repository: reg.example.com/acme/app\n  tag: v1@${D2}\nother:\n  repository: reg.example.com/acme/side\n  tag: v2\n  digest: ${D2}\n`)
  })
})

describe('GitHub workflows', () => {
  const src = [
    'on: [push]',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    container: node:22 # the job container',
    '    services:',
    '      db:',
    "        image: 'postgres:16'",
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: "docker://alpine:3.20"',
    '      - uses: docker://ghcr.io/acme/tool:${{ github.sha }}',
    '  other:',
    '    runs-on: ubuntu-latest',
    '    container:',
    '      image: node:20',
    '    steps: [{uses: docker://alpine:3.20}]',
    ''
  ].join('\n')

  it('pins container strings, container.image, services.*.image and uses: docker://, leaving expressions', () => {
    const out = pinYamlText('.github/workflows/ci.yml', src, rule({ 'node:22': D1, 'node:20': D1, 'postgres:16': D2, 'alpine:3.20': D2 }))
    expect(out.text).toBe(
      src
        .replace('container: node:22 #', `container: node:22@${D1} #`)
        .replace("image: 'postgres:16'", `image: 'postgres:16@${D2}'`)
        .replace('"docker://alpine:3.20"', `"docker://alpine:3.20@${D2}"`)
        .replace('image: node:20', `image: node:20@${D1}`)
        .replace('{uses: docker://alpine:3.20}', `{uses: docker://alpine:3.20@${D2}}`)
    )
    expect(out.changes).toHaveLength(5)
  })

  it('lists each reference once with its line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wf-'))
    try {
      mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true })
      writeFileSync(path.join(dir, '.github', 'workflows', 'ci.yml'), src)
      const files = await loadDeployFiles(['.github/workflows/*.yml'], dir)
      expect(deployReferences(files[0]!).map((r) => [r.line, r.written, r.format])).toEqual([
        [5, 'node:22', 'yaml'],
        [8, 'postgres:16', 'yaml'],
        [11, 'alpine:3.20', 'workflow'],
        [16, 'node:20', 'yaml'],
        [17, 'alpine:3.20', 'workflow']
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('Compose with x- fields, anchors and merge keys', () => {
  it('pins the anchor once; every alias and merge key still resolves to it', () => {
    const src = [
      'x-app: &app',
      '  image: &app-image reg.example.com/acme/app:v1',
      '  restart: always',
      'services:',
      '  web:',
      '    <<: *app',
      '    command: web',
      '  worker:',
      '    <<: *app',
      '    image: *app-image',
      '  db:',
      '    image: postgres:16',
      ''
    ].join('\n')
    const out = pinYamlText('compose.yaml', src, rule({ 'reg.example.com/acme/app:v1': D1, 'postgres:16': D2 }))
    expect(out.text).toBe(src.replace('acme/app:v1', `acme/app:v1@${D1}`).replace('postgres:16', `postgres:16@${D2}`))
    const doc = parse(out.text, { merge: true }) as { services: Record<string, { image: string }> }
    expect(doc.services.web!.image).toBe(`reg.example.com/acme/app:v1@${D1}`)
    expect(doc.services.worker!.image).toBe(`reg.example.com/acme/app:v1@${D1}`)
  })
})

describe('templates and files that are not YAML', () => {
  let ws: string
  beforeEach(() => {
    ws = mkdtempSync(path.join(tmpdir(), 'tpl-'))
    mkdirSync(path.join(ws, 'charts', 'app', 'templates'), { recursive: true })
  })
  afterEach(() => rmSync(ws, { recursive: true, force: true }))

  it('skips a Helm template even when its {{ }} parses as YAML, and pins the other files', async () => {
    const template = 'spec:\n  containers:\n    - image: {{ .Values.image }}\n'
    const broken = 'spec: [unclosed\n'
    writeFileSync(path.join(ws, 'charts', 'app', 'templates', 'deploy.yaml'), template)
    writeFileSync(path.join(ws, 'charts', 'app', 'templates', 'broken.yaml'), broken)
    writeFileSync(path.join(ws, 'charts', 'app', 'values.yaml'), 'image:\n  repository: nginx\n  tag: "1.27"\n')
    const files = await loadDeployFiles(['charts/**/*.yaml'], ws)
    expect(files.map((f) => [f.rel, f.skipped?.line, f.skipped?.reason.split(':')[0]])).toEqual([
      ['charts/app/templates/broken.yaml', 2, 'not YAML (line 2)'],
      ['charts/app/templates/deploy.yaml', 3, 'a template ({{ … }} at line 3)'],
      ['charts/app/values.yaml', undefined, undefined]
    ])
    const pinned = pinDeployFiles(files, rule({ 'nginx:1.27': D1 }))
    expect(pinned.map((p) => p.rel)).toEqual(['charts/app/values.yaml'])
    expect(deployReferences(files[1]!)).toEqual([])
  })

  it('reads {{ }} inside string values, workflow expressions and comments as YAML', () => {
    expect(unplaceableYaml('groups:\n- rules:\n  - annotations:\n      summary: Instance {{ $labels.instance }} down\n')).toBeUndefined()
    expect(unplaceableYaml('on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n')).toBeUndefined()
    expect(unplaceableYaml('a: 1 # rendered by {{ helm }}\n')).toBeUndefined()
    expect(unplaceableYaml('{{- if .Values.x }}\na: 1\n{{- end }}\n')?.line).toBe(1)
  })
})
