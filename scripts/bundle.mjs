// Bundles the CLI into one CommonJS file, dist/circadian.cjs. One file parses and compiles far faster than
// hundreds of modules, and a CommonJS script can use a V8 code cache on Node 20 (see bin/load-bundle.js).
import { renameSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'
import { bundleOptions, routeDynamicImports } from './bundle-options.mjs'

const result = await build({ ...bundleOptions, write: false, minifyWhitespace: true, minifySyntax: true })
const { code, count } = routeDynamicImports(result.outputFiles[0].text)
// Written aside, then renamed: a CLI starting meanwhile sees the old bundle or the new one, never half.
writeFileSync('dist/circadian.cjs.tmp', code)
renameSync('dist/circadian.cjs.tmp', 'dist/circadian.cjs')
console.log(`dist/circadian.cjs: ${(code.length / 1024).toFixed(0)} KiB, ${count} dynamic imports routed`)
