import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pinDockerfile, scanDockerfile } from '../../src/pin/dockerfile'
import { resolvedRule, tagKey } from '../../src/pin/rules'
import { parseReference } from '../../src/registry/reference'

const source = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'pin', 'Dockerfile'), 'utf8')
const D1 = `sha256:${'a'.repeat(64)}`
const D2 = `sha256:${'b'.repeat(64)}`

const rule = (pins: Record<string, string>): ReturnType<typeof resolvedRule> =>
  resolvedRule(new Map(Object.entries(pins).map(([ref, d]) => [tagKey(parseReference(ref)), d])))

describe('scanDockerfile', () => {
  it('reads FROM images with --platform and AS, skipping stages, scratch, build arguments and continued lines', () => {
    const scanned = scanDockerfile('Dockerfile', source)
    expect(scanned.sites.map((s) => [s.line, s.value])).toEqual([
      [3, 'golang:1.23'],
      [10, 'nginx:1.27'],
      [12, `docker.io/library/redis:7@sha256:${'1'.repeat(64)}`]
    ])
    expect(scanned.notes).toEqual(['Dockerfile:8: FROM ${BASE} uses a build argument; its value is only known at build time, left as it is'])
  })

  it('treats a stage name as a stage only after it was declared', () => {
    const s = scanDockerfile('D', 'FROM web AS base\nFROM base\nFROM web\n')
    expect(s.sites.map((x) => x.value)).toEqual(['web', 'web'])
  })

  it('skips FROM-looking lines inside heredocs and honours the escape directive', () => {
    const text = '# escape=`\nFROM alpine:3 AS a\nRUN <<EOF\nFROM nginx:1\nEOF\nRUN echo `\nFROM redis:7\nFROM busybox:1\n'
    expect(scanDockerfile('D', text).sites.map((x) => x.value)).toEqual(['alpine:3', 'busybox:1'])
    // `<<` outside RUN/COPY/ADD is not a heredoc
    expect(scanDockerfile('D', 'FROM a:1\nLABEL x="y<<EOF"\nFROM b:2\n').sites.map((x) => x.value)).toEqual(['a:1', 'b:2'])
  })
})

describe('pinDockerfile', () => {
  it('pins resolved references in place and keeps every other byte', () => {
    const { text, changes } = pinDockerfile(scanDockerfile('Dockerfile', source), rule({ 'golang:1.23': D1, 'nginx:1.27': D2, 'redis:7': D1 }))
    const expected = source
      .replace('FROM --platform=$BUILDPLATFORM golang:1.23 AS build', `FROM --platform=$BUILDPLATFORM golang:1.23@${D1} AS build`)
      .replace('from nginx:1.27 as web', `from nginx:1.27@${D2} as web`)
      .replace(`docker.io/library/redis:7@sha256:${'1'.repeat(64)}`, `docker.io/library/redis:7@${D1}`)
    expect(text).toBe(expected)
    expect(changes.map((c) => c.line)).toEqual([3, 10, 12])
    expect(changes[1]).toMatchObject({ before: 'from nginx:1.27 as web', after: `from nginx:1.27@${D2} as web` })
    // the RUN continuation that mentions nginx:1.27 is not an instruction and stays
    expect(text).toContain('  FROM nginx:1.27 inside a continued RUN is not an instruction')
  })

  it('changes nothing without a matching resolution', () => {
    expect(pinDockerfile(scanDockerfile('Dockerfile', source), rule({ 'golang:1.22': D1 })).text).toBe(source)
  })
})
