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
function rewriteCommandSort(file, source) {
  const localeSort = '.sort((a, b) => a.id.localeCompare(b.id))'
  if (!source.includes(localeSort)) throw new Error(`${file}: the command sort to rewrite is gone; update scripts/bundle-options.mjs`)
  return source.replace(localeSort, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))')
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

/**
 * oclif requires at load time packages that only some paths use: tinyglobby (and fdir, picomatch) to find
 * commands when a plugin has no manifest, ejs to render update URLs, semver for its engine check. Bundled, each
 * would run its module code on every command; these require them on first use. Checked like the rewrites above.
 */
const LAZY_OCLIF_REQUIRES = {
  'config/plugin.js': [['const tinyglobby_1 = require("tinyglobby");', 'const tinyglobby_1 = { get glob() { return require("tinyglobby").glob; } };']],
  'config/config.js': [['const ejs_1 = __importDefault(require("ejs"));', 'const ejs_1 = { get default() { return __importDefault(require("ejs")).default; } };']],
  // The engine check on load: a plain `>=` range (ours) is compared without loading all of semver.
  'index.js': [
    [
      "const semver = require('semver');",
      `const semver = { satisfies: (version, range) => (${plainRangeSatisfies})(version, range) ?? require('semver').satisfies(version, range) };`,
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

const lazyOclifRequires = {
  name: 'oclif-lazy-requires',
  setup(build) {
    build.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/](config[\\/]plugin|config[\\/]config|index)\.js$/ }, async (args) => {
      let source = await readFile(args.path, 'utf8')
      const file = args.path.split(path.sep).join('/').replace(/.*@oclif\/core\/lib\//, '')
      for (const [eager, lazy] of LAZY_OCLIF_REQUIRES[file]) {
        if (!source.includes(eager)) throw new Error(`${args.path}: the require to make lazy is gone (${eager}); update scripts/bundle-options.mjs`)
        source = source.replace(eager, lazy)
      }
      if (file === 'config/plugin.js') source = rewriteCommandSort(args.path, source)
      return { contents: source, loader: 'js' }
    })
  },
}

/**
 * zod's compiled object parser runs every key's schema, present or not. For a key that is optional in and
 * out (`.optional()`, not `.default()`), the code it generates then drops an absent key's result and its
 * issues unread, so the run only allocates: a job has ~24 core keys, most of them absent, times 1,000 jobs.
 * The rewrite skips that run for an absent key; a present key (even one set to undefined) runs as before.
 * Checked like the rewrites above.
 */
const zodSkipAbsentOptionalKeys = {
  name: 'zod-skip-absent-optional-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]core[\\/]schemas\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const run = 'doc.write(`const ${id} = ${parseStr(k)};`);'
      const absentFirst =
        'doc.write(optin === "optional" && isOptionalOut ? `const ${id} = ${isPresent} ? ${parseStr(k)} : absent;` : `const ${id} = ${parseStr(k)};`);'
      const start = 'doc.write(`const input = payload.value;`);'
      // One shared result for absent keys: the generated code only reads its empty issues and never writes to it.
      const startWithAbsent = 'doc.write(`const input = payload.value;`);\n        doc.write(`const absent = { value: undefined, issues: [] };`);'
      if (source.split(run).length !== 2 || source.split(start).length !== 2) {
        throw new Error(`${args.path}: zod's object fast path to rewrite is gone; update scripts/bundle-options.mjs`)
      }
      return { contents: source.replace(run, absentFirst).replace(start, startWithAbsent), loader: 'js' }
    })
  },
}

export const bundleOptions = {
  plugins: [englishOnlyZod, lazyOclifRequires, literalPluginNames, zodSkipAbsentOptionalKeys],
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
