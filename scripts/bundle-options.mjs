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
 * Exact-text rewrites of dependencies' files, for start-up speed. Each text must occur exactly once: when an
 * upgrade moves the code, the build fails instead of silently keeping the cost (or rewriting the wrong place).
 * Keyed by the file's path below node_modules; test/build/bundle-rewrites.test.ts holds the engine check to
 * semver's answers. bench/bundle-rewrites.mjs measures what each rewrite saves: one stays only while it saves
 * ≥ 5 ms, and each is offered upstream (below) so it can go once the dependency does the same.
 */
export const REWRITES = {
  // Figures: `BENCH_TOGETHER=zod/v4/core/schemas.js node bench/bundle-rewrites.mjs` (CPU ms saved, median of
  // 15, `list` of a 2-job config, where start-up dominates; the 1,000-job `validate` varied by ±8 ms on the
  // shared machine). Dropped: zod's parser (saved -1.2 ms) and oclif's lazy ejs (saved -6.7 ms).
  //
  // oclif sorts each plugin's commands with localeCompare. The first locale-aware call builds ICU's collator
  // and its table of every available locale, only to order ASCII command ids, which code-point order sorts
  // the same way for our ids. Saves 5.6 ms.
  // Upstream: github.com/oclif/core, to file: "Plugin#commandIDs/commands sort with localeCompare, which
  // builds ICU's collator on every start; compare ids by code point". Drop this rewrite once released.
  '@oclif/core/lib/config/plugin.js': [
    ['.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'],
    // tinyglobby (with fdir, picomatch) only finds the commands of a plugin without a manifest: required on
    // first use. Saves 6.4 ms. Upstream: github.com/oclif/core, to file: "require tinyglobby lazily in
    // lib/config/plugin.js (only plugins without a manifest need it)".
    [
      'const tinyglobby_1 = require("tinyglobby");',
      'const tinyglobby_1 = { get glob() { return require("tinyglobby").glob; } };',
    ],
  ],
  // The engine check on load: a plain `>=` range (ours) is compared without loading all of semver. Saves
  // 9.4 ms. Upstream: github.com/oclif/core, to file: "the engines check in lib/index.js loads all of semver
  // on every start; load it lazily or check plain >= ranges without it".
  '@oclif/core/lib/index.js': [
    [
      "const semver = require('semver');",
      `const semver = { satisfies: (version, range) => (${plainRangeSatisfies})(version, range) ?? require('semver').satisfies(version, range) };`,
    ],
  ],
  // oclif finds the core plugins (package.json `oclif.plugins`) by matching every dependency's name against
  // every listed name with minimatch, which compiles each pattern anew: ~150 compilations. A name without glob
  // characters matches only itself, so only real patterns still go to minimatch. Saves 9.3 ms.
  // Upstream: github.com/oclif/core, to file: "plugin-loader compiles a minimatch pattern per dependency and
  // plugin name on every start; compare names without glob characters as strings".
  '@oclif/core/lib/config/plugin-loader.js': [
    [
      'patterns.some((w) => (0, minimatch_1.minimatch)(p, w))',
      'patterns.some((w) => (/[*?[\\]{}()!+#\\\\]/.test(w) ? (0, minimatch_1.minimatch)(p, w) : p === w))',
    ],
  ],
}

/**
 * Whether a release version (`20.11.1`) satisfies a `>=X[.Y[.Z]]` range; undefined for any other range or
 * version, which then goes to semver. Self-contained: its source is written into the bundle.
 */
export function plainRangeSatisfies(version, range) {
  const want = /^>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(range).trim())
  const have = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(String(version).trim())
  if (!want || !have) return undefined
  for (let i = 1; i <= 3; i++) {
    const h = Number(have[i])
    const w = Number(want[i] ?? 0)
    if (h !== w) return h > w
  }
  return true
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The plugin that applies `rewrites` (default: all of REWRITES; bench/bundle-rewrites.mjs builds without some). */
export const dependencyRewritesPlugin = (rewrites = REWRITES) => ({
  name: 'dependency-rewrites',
  setup(build) {
    const REWRITES = rewrites
    const files = Object.keys(REWRITES).map((f) => escapeRegExp(f).replaceAll('/', '[\\\\/]'))
    build.onLoad({ filter: new RegExp(`[\\\\/]node_modules[\\\\/](${files.join('|')})$`) }, async (args) => {
      const file = args.path
        .split(path.sep)
        .join('/')
        .replace(/.*\/node_modules\//, '')
      let source = await readFile(args.path, 'utf8')
      for (const [text, replacement] of REWRITES[file]) {
        if (source.split(text).length !== 2)
          throw new Error(
            `${args.path}: the code to rewrite is gone or repeated (${text}); update scripts/bundle-options.mjs`,
          )
        source = source.replace(text, () => replacement)
      }
      return { contents: source, loader: 'js' }
    })
  },
})

export { englishOnlyZod }

export const bundleOptions = {
  plugins: [englishOnlyZod, dependencyRewritesPlugin()],
  entryPoints: ['src/cli/entry.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Native addons, packages that locate files relative to themselves, and heavy modules that only some
  // commands load (imported lazily, they stay in node_modules).
  external: [
    'esbuild',
    'knex',
    'better-sqlite3',
    'pg',
    'pg-native',
    'pg-query-stream',
    'mysql',
    'mysql2',
    'sqlite3',
    'oracledb',
    'tedious',
    'pino',
    'pino-pretty',
    'listr2',
    'nodemailer',
    'date-holidays',
    'fastify',
    'prom-client',
    'smtp-server',
    'playwright-core',
    'typescript',
    'ts-node',
    'tsx',
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
