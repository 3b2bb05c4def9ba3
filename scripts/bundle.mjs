// Bundles the CLI into one CommonJS file, dist/circadian.cjs. One file parses and compiles far faster than
// hundreds of modules, and a CommonJS script can use a V8 code cache on Node 20 (see bin/load-bundle.js).
import { renameSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'
import { bundleOptions, routeDynamicImports } from './bundle-options.mjs'

const result = await build({ ...bundleOptions, write: false, minifyWhitespace: true, minifySyntax: true })
const { code: routed, count } = routeDynamicImports(result.outputFiles[0].text)
// esbuild escapes non-ASCII text except inside regular expression literals (ansis has a raw U+009B in one).
// A single such character makes V8 hold the whole 1.2 MB source as two-byte text: slower to read and to
// check against the code cache. \uXXXX means the same character in a regex, a string or an identifier
// (control characters other than tab and line breaks are escaped too; they only occur in such literals).
const code = routed.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
// Written aside, then renamed: a CLI starting meanwhile sees the old bundle or the new one, never half.
writeFileSync('dist/circadian.cjs.tmp', code)
renameSync('dist/circadian.cjs.tmp', 'dist/circadian.cjs')
console.log(`dist/circadian.cjs: ${(code.length / 1024).toFixed(0)} KiB, ${count} dynamic imports routed`)
