// esbuild options shared by scripts/bundle.mjs (dist/) and bench/run.mjs (bench-only entries), so what the bench
// loads is loaded the way dist loads it. Two plugins keep the action's cold start down (numbers in bench/results.md):
import { builtinModules } from 'node:module'

/**
 * @actions/core imports @actions/http-client (which bundles its own undici 6) only for getIDToken, which we never
 * call. Its package.json does not declare `sideEffects: false`, so esbuild keeps it (and evaluates undici 6 at
 * startup); declaring it side-effect free lets tree-shaking drop it when nothing uses it.
 */
const sideEffectFree = ['@actions/http-client']
const sideEffectFreePlugin = {
  name: 'side-effect-free',
  setup(build) {
    const filter = new RegExp(`^(${sideEffectFree.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})(/|$)`)
    build.onResolve({ filter }, async (args) => {
      if (args.pluginData?.sideEffectFree) return undefined
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { sideEffectFree: true }
      })
      return resolved.errors.length > 0 ? undefined : { ...resolved, sideEffects: false }
    })
  }
}

/**
 * An ESM `import … from 'node:http'` makes Node build an ESM facade of the module, which reads every export,
 * including node:http's lazy WebSocket/EventSource getters: that loads Node's whole internal undici.
 * `require()` does not. So ESM imports of Node built-ins are turned into require() calls (the banner provides
 * `require` in the ESM bundle, as bundled CommonJS dependencies already need it).
 */
const builtins = new Set(builtinModules.filter((m) => !m.startsWith('_')))
const builtinsViaRequirePlugin = {
  name: 'builtins-via-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z][a-z0-9_/]*$/ }, (args) => {
      const name = args.path.replace(/^node:/, '')
      if (!builtins.has(name)) return undefined
      if (args.namespace === 'builtin-require') return { path: `node:${name}`, external: true }
      if (args.kind !== 'import-statement' && args.kind !== 'dynamic-import') return undefined
      return { path: name, namespace: 'builtin-require' }
    })
    build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)})`,
      loader: 'js'
    }))
  }
}

/** One bundle per action: dist/<name>.js is what its action.yml runs. */
export const entryPoints = { index: 'src/build-push/index.ts', 'post/index': 'src/build-push/post.ts', 'resolve/index': 'src/resolve/index.ts', 'merge/index': 'src/merge/index.ts', 'audit/index': 'src/audit/index.ts' }

export const esbuildOptions = {
  bundle: true,
  // what an entry imports dynamically (the build's src/build-push/later.ts: registry layer, deploy-file pinning) goes into
  // chunks that load only when used, off the action's start; needs outdir, not outfile
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: false,
  legalComments: 'eof',
  logLevel: 'warning',
  plugins: [sideEffectFreePlugin, builtinsViaRequirePlugin],
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" }
}
