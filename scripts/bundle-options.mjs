// esbuild settings shared by scripts/bundle.mjs (the build) and bin/dev.js (run from source).
import { readFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * zod's `z.locales` holds its messages in ~40 languages (~300 KiB, a fifth of the bundle). circadian reports
 * in English, zod's default, so the bundle keeps only `en`.
 */
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!args.importer.includes(`${path.sep}zod${path.sep}`)) return undefined
      return { path: path.resolve(args.resolveDir, '../locales/en.js'), namespace: 'zod-locales' }
    })
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)}`,
      resolveDir: path.dirname(args.path),
    }))
  },
}

/**
 * oclif sorts each plugin's commands with localeCompare. The first locale-aware call builds ICU's collator
 * and its table of every available locale (~10 ms, a twentieth of a `validate`), only to order ASCII command
 * ids, which code-point order sorts the same way for our ids. The rewrite is checked, so an oclif upgrade
 * that moves the code fails the build instead of silently keeping the cost.
 */
const ordinalCommandSort = {
  name: 'oclif-ordinal-command-sort',
  setup(build) {
    build.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const localeSort = '.sort((a, b) => a.id.localeCompare(b.id))'
      if (!source.includes(localeSort)) throw new Error(`${args.path}: the command sort to rewrite is gone; update scripts/bundle-options.mjs`)
      return { contents: source.replace(localeSort, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'), loader: 'js' }
    })
  },
}

/**
 * oclif finds the core plugins (package.json `oclif.plugins`) by matching every dependency's name against
 * every listed name with minimatch, which compiles each pattern anew: ~150 compilations, ~4 ms of every
 * command. A name without glob characters matches only itself, so only real patterns still go to minimatch.
 * Checked like the sort above.
 */
const literalPluginNames = {
  name: 'oclif-literal-plugin-names',
  setup(build) {
    build.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin-loader\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const match = 'patterns.some((w) => (0, minimatch_1.minimatch)(p, w))'
      if (!source.includes(match)) throw new Error(`${args.path}: the plugin-name matching to rewrite is gone; update scripts/bundle-options.mjs`)
      const literalFirst = 'patterns.some((w) => (/[*?[\\]{}()!+#\\\\]/.test(w) ? (0, minimatch_1.minimatch)(p, w) : p === w))'
      return { contents: source.replace(match, literalFirst), loader: 'js' }
    })
  },
}

export const bundleOptions = {
  plugins: [englishOnlyZod, ordinalCommandSort, literalPluginNames],
  entryPoints: ['src/cli/entry.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Native addons, packages that locate files relative to themselves, and heavy modules that only some
  // commands load (imported lazily, they stay in node_modules).
  external: [
    'esbuild', 'knex', 'better-sqlite3', 'pg', 'pg-native', 'pg-query-stream', 'mysql', 'mysql2', 'sqlite3', 'oracledb', 'tedious',
    'pino', 'pino-pretty', 'listr2', 'nodemailer', 'date-holidays', 'fastify', 'prom-client', 'smtp-server', 'playwright-core', 'typescript', 'ts-node', 'tsx',
  ],
  // import.meta.url has no CommonJS equivalent: every bundled module gets the bundle's URL (only paths.ts
  // uses it, to find the package root by walking up).
  define: { 'import.meta.url': '__circadianBundleUrl' },
  banner: { js: 'const __circadianBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  legalComments: 'none',
  logLevel: 'warning',
}

/**
 * Node 20 cannot run import() from code compiled by vm.Script (it wants --experimental-vm-modules, and a
 * code-cache hit drops the callback). Every dynamic import in the bundle therefore calls a function that
 * bin/load-bundle.js provides from a real ES module; loaded any other way, the bundle falls back to its own
 * import(). A call site is `import(` not preceded by a word character, a dot or a quote.
 */
export function routeDynamicImports(code) {
  let count = 0
  const out = code.replace(/(?<![\w$.'"`])import\(/g, () => {
    count++
    return '__circadianImport('
  })
  if (count === 0) throw new Error('bundle: no dynamic import() found; the rewrite pattern is out of date')
  const fallback = 'const __circadianImport = globalThis.__circadianImport ?? ((s) => import(s));'
  return { code: `${fallback}\n${out}`, count }
}
