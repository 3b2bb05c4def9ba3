// Bundles serve's dashboard (src/serve/dashboard/client) into dist/dashboard: app.js, app.css (uPlot's
// styles included) and index.html. Everything is served by serve itself: no CDN, no network at run time.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const client = 'src/serve/dashboard/client'
const out = 'dist/dashboard'

const result = await build({
  entryPoints: [
    { in: `${client}/main.ts`, out: 'app' },
    { in: `${client}/styles.css`, out: 'app' },
  ],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari16'],
  minify: true,
  legalComments: 'none',
  outdir: out,
  write: false,
  logLevel: 'warning',
})

const files = Object.fromEntries(result.outputFiles.map((f) => [path.basename(f.path), f.contents]))
if (!files['app.js'] || !files['app.css'])
  throw new Error(`build-dashboard: expected app.js and app.css, got ${Object.keys(files).join(', ')}`)
const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12)
// The query string changes with the content, so a browser never pairs a new page with an old script.
const html = readFileSync(`${client}/index.html`, 'utf8')
  .replace('{{js}}', hash(files['app.js']))
  .replace('{{css}}', hash(files['app.css']))

// Written aside, then renamed: a running serve reading the files sees the old set or the new one.
const staging = `${out}.tmp`
rmSync(staging, { recursive: true, force: true })
mkdirSync(staging, { recursive: true })
for (const [name, bytes] of Object.entries({ ...files, 'index.html': html }))
  writeFileSync(path.join(staging, name), bytes)
rmSync(out, { recursive: true, force: true })
renameSync(staging, out)
// tsc compiles the client with the rest of src/ (so it is type-checked with it); the browser needs only the bundle.
rmSync('dist/serve/dashboard/client', { recursive: true, force: true })
const size = (name) =>
  `${name} ${(Buffer.byteLength(name === 'index.html' ? html : files[name]) / 1024).toFixed(0)} KiB`
console.log(`dist/dashboard: ${['app.js', 'app.css', 'index.html'].map(size).join(', ')}`)
