// Bundles the action into dist/ (committed: the runner executes dist directly, it never runs npm install).
// ESM output; a createRequire banner lets bundled CommonJS dependencies (undici) require node built-ins.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'

const entries = { index: 'src/index.ts', 'resolve/index': 'src/resolve/index.ts' }
rmSync('dist', { recursive: true, force: true })
await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: false,
  legalComments: 'eof',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" }
})
