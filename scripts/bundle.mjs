// Bundles the action into dist/ (committed: the runner executes dist directly, it never runs npm install).
// ESM output; a createRequire banner lets bundled CommonJS dependencies (undici) require node built-ins.
// The esbuild options (and the plugins that keep cold start down) live in bundle-config.mjs, shared with the bench.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { entryPoints, esbuildOptions } from './bundle-config.mjs'

rmSync('dist', { recursive: true, force: true })
await build({ ...esbuildOptions, entryPoints, outdir: 'dist' })
