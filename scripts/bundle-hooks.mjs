// Bundles a plugin's oclif hooks (built by tsc into dist/hooks/) into dist/hooks-bundle/: one file per hook and
// a few shared chunks, with packages left external. Every command that loads a config imports the job-types
// hooks of every plugin; as dozens of small ES modules that costs ~20 ms, as one file each a few.
// Usage: node scripts/bundle-hooks.mjs PLUGIN_DIR   (package.json oclif.hooks point into dist/hooks-bundle/)
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(process.argv[2] ?? '.')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const targets = Object.values(pkg.oclif?.hooks ?? {}).flat()
const outside = targets.filter((t) => !t.startsWith('./dist/hooks-bundle/'))
if (outside.length)
  throw new Error(`${pkg.name}: hooks must point into ./dist/hooks-bundle/ (got ${outside.join(', ')})`)
const entryPoints = targets.map((t) => path.join(root, t.replace('./dist/hooks-bundle/', 'dist/hooks/')))

await build({
  entryPoints,
  outdir: path.join(root, 'dist', 'hooks-bundle'),
  outbase: path.join(root, 'dist', 'hooks'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // `circadian` is the running CLI's API, and dependencies load from node_modules as before.
  packages: 'external',
  logLevel: 'warning',
})
console.log(`${pkg.name}: ${entryPoints.length} hook(s) bundled into dist/hooks-bundle`)
