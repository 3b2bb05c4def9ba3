#!/usr/bin/env node
// Runs the CLI from the TypeScript sources: bundles src/ in memory and starts it as bin/run.js starts the
// built bundle, so edits need no build. Usage: node bin/dev.js <command> [flags]
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { bundleOptions, routeDynamicImports } from '../scripts/bundle-options.mjs'
import { loadBundle } from './load-bundle.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const distBundle = path.join(root, 'dist', 'circadian.cjs')
const result = await build({
  ...bundleOptions,
  absWorkingDir: root,
  write: false,
  // The in-memory bundle stands in for dist/circadian.cjs, where oclif and paths.ts expect it.
  banner: { js: `const __circadianBundleUrl = ${JSON.stringify(pathToFileURL(distBundle).href)};` },
})
const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'circadian-dev-')), 'circadian.cjs')
writeFileSync(out, routeDynamicImports(result.outputFiles[0].text).code)
process.env.CIRCADIAN_NO_CODE_CACHE = '1'
const cli = loadBundle(pathToFileURL(out), distBundle)
await cli.execute({ dir: import.meta.url })
