/**
 * Every action.yml in the repository (the root action and each sub-action directory) is validated against
 * SchemaStore's github-action.json schema: the schema editors and linters use. The common pre-commit check,
 * action-validator, ships an older copy that rejects `runs.using: node24`; SchemaStore's current schema accepts it.
 *
 * The schema is SchemaStore data (Apache-2.0, "JSON Schema Store, Copyright 2015-Current Mads Kristensen and
 * Contributors"). It is not vendored in this repository: it is read from $GITHUB_ACTION_SCHEMA, else from
 * ../shared/schemas/github-action.json beside the checkout (where CI has shared/). Without it the schema checks
 * skip with a printed reason; the checks of our own that need no schema always run.
 */
import { describe, expect, test } from '@jest/globals'
import { Ajv, type ErrorObject } from 'ajv'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '..', '..')
const schemaPath = process.env.GITHUB_ACTION_SCHEMA ?? join(root, '..', 'shared', 'schemas', 'github-action.json')
const schema = existsSync(schemaPath) ? (JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>) : undefined

/** action.yml at the root and one level down (resolve/, merge/, …). */
function actionFiles(): string[] {
  const found = existsSync(join(root, 'action.yml')) ? [join(root, 'action.yml')] : []
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('.') || d.name === 'node_modules') continue
    for (const name of ['action.yml', 'action.yaml']) if (existsSync(join(root, d.name, name))) found.push(join(root, d.name, name))
  }
  return found
}

const files = actionFiles()
const load = (file: string): Record<string, unknown> => parse(readFileSync(file, 'utf8')) as Record<string, unknown>
const describeErrors = (errors: ErrorObject[] | null | undefined): string[] => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)

describe('action metadata', () => {
  test('there is a root action and the resolve action', () => {
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['action.yml', 'resolve/action.yml']))
  })

  test.each(files.map((f) => [relative(root, f), f]))('%s runs on node24 an entry point that exists, and every input and output has a description', (_rel, file) => {
    const meta = load(file) as { runs?: { using?: string; main?: string }; inputs?: Record<string, { description?: string }>; outputs?: Record<string, { description?: string }> }
    expect(meta.runs?.using).toBe('node24')
    expect(existsSync(join(dirname(file), meta.runs?.main ?? 'missing'))).toBe(true)
    const undocumented = [...Object.entries(meta.inputs ?? {}), ...Object.entries(meta.outputs ?? {})].filter(([, v]) => !v?.description?.trim()).map(([k]) => k)
    expect(undocumented).toEqual([])
  })
})

const schemaReason = `SchemaStore's github-action.json is not at ${schemaPath} (set GITHUB_ACTION_SCHEMA to a copy)`
if (schema === undefined) console.log(`skipping the action.yml schema checks: ${schemaReason}`)
const describeSchema = schema === undefined ? describe.skip : describe

describeSchema("action metadata against SchemaStore's github-action.json", () => {
  const validate = (): ReturnType<Ajv['compile']> => new Ajv({ allErrors: true, strict: false }).compile(schema as Record<string, unknown>)

  test.each(files.map((f) => [relative(root, f), f]))('%s is valid', (_rel, file) => {
    const check = validate()
    check(load(file))
    expect(describeErrors(check.errors)).toEqual([])
  })

  test('the schema accepts node24 and rejects what GitHub rejects (the check can fail)', () => {
    const check = validate()
    const base = load(join(root, 'action.yml'))
    expect(check(base)).toBe(true)
    expect(check({ ...base, runs: { using: 'node99', main: 'dist/index.js' } })).toBe(false)
    expect(check({ ...base, runs: { using: 'node24' } })).toBe(false)
    expect(check({ ...base, description: undefined })).toBe(false)
    expect(check({ ...base, inputs: { 'bad input': { description: 'x' } } })).toBe(false)
    expect(check({ ...base, branding: { icon: 'anchor', color: 'rainbow' } })).toBe(false)
  })
})
