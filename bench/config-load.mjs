// bench/config-load: how fast is `circadian validate` on a 1,000-job TypeScript config?
// Anchors, measured in the same run: cosmiconfig's default TS loader on the same file (as a whole process),
// and bare `node -e ""`. Also `circadian --version` against bare node.
// Goals (issue "Core"): validate ≥ 5x faster than cosmiconfig's loader, ≤ 3x bare node; --version ≤ 2x bare node.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateConfig } from './lib/generate-config.mjs'
import { fmt, median, ratio, timeProcess } from './lib/measure.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')
const runs = Number(process.env.BENCH_RUNS ?? 9)

const FAULTS = fileURLToPath(new URL('./lib/report-faults.cjs', import.meta.url))
/** Median minor page faults of a whole process (each one a fresh page of memory the kernel maps in). */
function pageFaults(args, options) {
  const counts = []
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, ['--require', FAULTS, ...args], { ...options, encoding: 'utf8' })
    counts.push(Number(/minor-page-faults=(\d+)/.exec(r.stderr)?.[1]))
  }
  return median(counts)
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-config-'))
try {
  const config = path.join(dir, 'circadian.config.ts')
  writeFileSync(config, generateConfig(1000))
  // cosmiconfig's loader resolves `circadian` through node_modules, as a project with it installed would.
  mkdirSync(path.join(dir, 'node_modules'))
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'circadian'))
  const anchor = path.join(dir, 'cosmiconfig-default.cjs')
  writeFileSync(
    anchor,
    `const { cosmiconfig } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'cosmiconfig'))})
cosmiconfig('circadian').load(process.argv[2]).then((r) => { if (Object.keys(r.config.jobs).length !== 1000) process.exit(1) })\n`,
  )

  const bare = median(timeProcess(process.execPath, ['-e', ''], { runs }))
  const validate = median(
    timeProcess(process.execPath, [BIN, 'validate', '--config', config], { runs, cwd: dir, warmup: 2 }),
  )
  // Cold: an empty cache directory for every run (no code cache of the user's own, no transpiled config), as on
  // a fresh CI runner right after `npm ci` (whose build left a code cache beside the bundle).
  const cold = median(
    timeProcess(process.execPath, [BIN, 'validate', '--config', config], {
      runs,
      cwd: dir,
      warmup: 0,
      envPerRun: () => ({ XDG_CACHE_HOME: mkdtempSync(path.join(dir, 'cache-')) }),
    }),
  )
  const cosmiconfig = median(
    timeProcess(process.execPath, [anchor, config], { runs: Math.max(3, Math.floor(runs / 2)), cwd: dir }),
  )
  const version = median(timeProcess(process.execPath, [BIN, '--version'], { runs }))

  console.log('bench/config-load: 1,000-job circadian.config.ts, whole processes, median of runs')
  console.log(`  node -e ""                           ${fmt(bare)}`)
  console.log(`  cosmiconfig default TS loader        ${fmt(cosmiconfig)}`)
  console.log(`  circadian validate                   ${fmt(validate)}   (warm caches)`)
  console.log(
    `  circadian validate, cold             ${fmt(cold)}   (empty cache dir each run: no transpiled config, only the build's code cache)`,
  )
  console.log(`  circadian --version                  ${fmt(version)}`)
  console.log('ratios')
  console.log(`  cosmiconfig / validate               ${ratio(cosmiconfig, validate)}   (goal ≥ 5x)`)
  console.log(`  validate / bare node                 ${ratio(validate, bare)}   (goal ≤ 3x)`)
  console.log(`  cosmiconfig / validate, cold         ${ratio(cosmiconfig, cold)}`)
  console.log(`  validate, cold / bare node           ${ratio(cold, bare)}`)
  console.log(`  --version / bare node                ${ratio(version, bare)}   (goal ≤ 2x)`)

  // Page faults: a cost that differs most between machines. Every page of memory a process touches for the
  // first time is a fault; in some VMs each costs ~10 µs, which makes `validate` (~40 MB more than bare
  // node) slower relative to bare node there than the CPU work alone would.
  const touch = `const b = Buffer.allocUnsafe(${40 << 20}); for (let i = 0; i < b.length; i += 4096) b[i] = 1`
  const touched = median(timeProcess(process.execPath, ['-e', touch], { runs }))
  const bareFaults = pageFaults(['-e', ''])
  const touchFaults = pageFaults(['-e', touch]) - bareFaults
  const perFault = (touched - bare) / touchFaults
  const validateFaults = pageFaults([BIN, 'validate', '--config', config], { cwd: dir })
  console.log('page faults (minor, median of 5)')
  console.log(`  node -e ""                           ${String(bareFaults).padStart(6)}`)
  console.log(`  circadian validate                   ${String(validateFaults).padStart(6)}`)
  console.log(
    `  one fault on this machine            ${(perFault * 1000).toFixed(1).padStart(6)} µs   (touching 40 MB: ${touchFaults} faults, ${(touched - bare).toFixed(0)} ms over bare node)`,
  )
  console.log(
    `  validate's faults beyond bare node   ${fmt((validateFaults - bareFaults) * perFault)}   of the ${fmt(validate - bare).trim()} validate takes beyond bare node`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
