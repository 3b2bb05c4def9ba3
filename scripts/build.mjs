// `npm run build` and `prepare`: the whole build (`npm run build:all`), unless dist/ is up to date with the
// sources (scripts/build-stamp.mjs). `--force` (or CIRCADIAN_FORCE_BUILD=1) builds anyway.
import { execFileSync } from 'node:child_process'
import { STAMP, inputsHash, staleReason, writeStamp } from './build-stamp.mjs'

const root = process.cwd()
const force = process.argv.includes('--force') || process.env.CIRCADIAN_FORCE_BUILD === '1'
// The self-link lives in node_modules, not dist/: a fresh install needs it even when dist/ is current.
execFileSync(process.execPath, ['scripts/link-self.mjs'], { stdio: 'inherit' })
const reason = force ? 'forced' : staleReason(root)
if (reason === null) {
  console.log(
    `build: dist/ is up to date with the sources (${STAMP}); nothing to do (npm run build -- --force to rebuild)`,
  )
} else {
  console.log(`build: ${reason}; building`)
  const inputs = inputsHash(root)
  const npm = process.env.npm_execpath
  // Under npm, npm_execpath is npm's CLI script; otherwise `npm` from PATH.
  if (npm && /\.(c|m)?js$/.test(npm)) execFileSync(process.execPath, [npm, 'run', 'build:all'], { stdio: 'inherit' })
  else execFileSync('npm', ['run', 'build:all'], { stdio: 'inherit', shell: process.platform === 'win32' })
  const stamp = writeStamp(root, inputs)
  console.log(`build: stamp written (${Object.keys(stamp.outputs).length} output files)`)
}
