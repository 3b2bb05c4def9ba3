// Writes V8's compiled code for dist/circadian.cjs beside it (dist/circadian-<content hash>.v8cache), made by
// one representative command: `validate` of a TypeScript config. bin/load-bundle.js uses it while the user's
// own cache (~/.cache/circadian) is missing, so the first command on a fresh machine skips compiling too.
// Run last in the build: the command loads every plugin's hooks.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { shippedCacheFor } from '../bin/load-bundle.js'

const bundle = path.resolve('dist/circadian.cjs')
for (const name of readdirSync('dist'))
  if (/^circadian-[0-9a-f]{16}\.v8cache$/.test(name)) rmSync(path.join('dist', name))

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-code-cache-'))
try {
  const config = path.join(dir, 'circadian.config.ts')
  writeFileSync(
    config,
    `import { defineConfig } from 'circadian'
export default defineConfig({
  timezone: 'Europe/Berlin',
  jobs: {
    extract: { type: 'command', schedule: '0 2 * * *', command: 'echo extract', timeout: '10m', retry: { attempts: 3, delay: '30s' } },
    load: { type: 'command', command: ['echo', 'load'], after: ['extract'] },
  },
})
`,
  )
  const env = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') }
  delete env.CIRCADIAN_NO_CODE_CACHE
  delete env.NODE_OPTIONS
  execFileSync(process.execPath, ['bin/run.js', 'validate', '--config', config], { env, stdio: 'ignore' })
  const cacheDir = path.join(dir, 'cache', 'circadian')
  const [made] = readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'))
  if (!made) throw new Error('code-cache: the validate run wrote no V8 cache')
  const target = shippedCacheFor(bundle, readFileSync(bundle, 'utf8'))
  copyFileSync(path.join(cacheDir, made), target)
  console.log(`${path.relative(process.cwd(), target)}: ${(readFileSync(target).length / 1024).toFixed(0)} KiB`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
