#!/usr/bin/env node
// Runs test files under libfaketime at chosen instants and time zones, and prints instant → pass/fail.
// Usage: npm run test:clock -- [--at name|instant,...|all] [--tz zone] [--list] [--bail] [file or directory ...] [-- vitest options]
// Without files it runs the fast unit tests; without --at, the default instants. Logs: test-output/clock/.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1'
const LOGS = path.join(ROOT, 'test-output', 'clock')

/** Each instant is exact (with its offset); `tz` is the machine's zone for the run. */
const INSTANTS = [
  { name: 'utc-midnight-before', at: '2026-06-14T23:59:50Z', tz: 'UTC' },
  { name: 'utc-midnight-after', at: '2026-06-15T00:00:05Z', tz: 'UTC' },
  { name: 'berlin-midnight-before', at: '2026-06-14T23:59:50+02:00', tz: 'Europe/Berlin' },
  { name: 'berlin-midnight-after', at: '2026-06-15T00:00:05+02:00', tz: 'Europe/Berlin' },
  {
    name: 'berlin-night-on-utc',
    at: '2026-12-07T01:06:00+01:00',
    tz: 'UTC',
    why: 'the CI failure of issue 25: 00:06 UTC, 01:06 Berlin',
  },
  { name: 'minute-before', at: '2026-06-15T10:41:58Z', tz: 'UTC' },
  { name: 'hour-before', at: '2026-06-15T10:59:58Z', tz: 'UTC' },
  { name: 'berlin-spring-dst', at: '2026-03-29T01:59:50+01:00', tz: 'Europe/Berlin', why: '02:00 → 03:00' },
  {
    name: 'berlin-spring-dst-utc',
    at: '2026-03-29T01:15:00+01:00',
    tz: 'UTC',
    why: 'a daily 02:00 Berlin job fires at 03:00, twice in the next 24 h; machine on UTC',
  },
  { name: 'berlin-autumn-dst', at: '2026-10-25T02:59:50+02:00', tz: 'Europe/Berlin', why: '03:00 → 02:00' },
  {
    name: 'berlin-autumn-dst-utc',
    at: '2026-10-25T02:30:00+02:00',
    tz: 'UTC',
    why: 'in the repeated hour: a daily 02:00 Berlin job does not fire in the next 24 h; machine on UTC',
  },
  { name: 'newyork-spring-dst', at: '2026-03-08T01:59:50-05:00', tz: 'America/New_York' },
  { name: 'newyork-autumn-dst', at: '2026-11-01T01:59:50-04:00', tz: 'America/New_York' },
  { name: 'leap-day', at: '2028-02-29T23:59:50Z', tz: 'UTC' },
  { name: 'new-year', at: '2026-12-31T23:59:50Z', tz: 'UTC' },
  { name: 'new-year-berlin', at: '2026-12-31T23:59:50+01:00', tz: 'Europe/Berlin' },
  { name: 'chatham', at: '2026-06-14T23:59:50+12:45', tz: 'Pacific/Chatham', why: 'UTC+12:45' },
  { name: 'st-johns', at: '2026-06-14T23:59:50-02:30', tz: 'America/St_Johns', why: 'UTC−02:30' },
]
/** Default instants: each kind of edge once. */
const DEFAULT_AT = [
  'utc-midnight-before',
  'berlin-night-on-utc',
  'hour-before',
  'berlin-spring-dst',
  'berlin-autumn-dst',
  'newyork-autumn-dst',
  'leap-day',
  'new-year',
  'chatham',
  'st-johns',
]
/** Default files: the fast tests (in-process, fake clocks where time is the subject; no CLI process, no browser). */
const DEFAULT_FILES = [
  'src',
  'test/config',
  'test/state',
  'test/run',
  'test/serve',
  'test/reliability',
  'test/helpers',
  'test/api.test.ts',
]

function usage(message) {
  if (message) console.error(`test:clock: ${message}`)
  const print = message ? console.error : console.log
  print(`usage: npm run test:clock -- [--at name|instant,...|all] [--tz zone] [--list] [--bail] [file or directory ...] [-- vitest options]
  --at          instants to run: names (see --list), or ISO instants with their offset (2026-06-15T10:59:50Z)
                (default: ${DEFAULT_AT.join(',')})
  --tz          the machine's zone for the ISO instants given to --at (default UTC)
  --list        list the named instants and exit
  --bail        stop at the first instant that fails
  files         what vitest runs (default: ${DEFAULT_FILES.join(' ')}); never test/isolated
  -- ...        passed on to vitest (e.g. -- -t "run --due")`)
  process.exit(message ? 2 : 0)
}

/** A named instant, or an ISO instant with its offset (run with TZ=`tz`). */
function instantOf(text, tz) {
  const named = INSTANTS.find((x) => x.name === text)
  if (named) return named
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text) || Number.isNaN(Date.parse(text)))
    usage(`"${text}" is neither a named instant (see --list) nor an ISO instant with an offset`)
  return { name: text, at: text, tz }
}

function parseArgs(argv) {
  const opts = { at: DEFAULT_AT, tz: 'UTC', files: [], vitest: [], bail: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      opts.vitest = argv.slice(i + 1)
      break
    } else if (a === '--list') {
      for (const x of INSTANTS)
        console.log(`${x.name.padEnd(24)} ${x.at.padEnd(26)} TZ=${x.tz}${x.why ? `  (${x.why})` : ''}`)
      process.exit(0)
    } else if (a === '--at' || a === '--tz') {
      const v = argv[++i]
      if (!v) usage(`${a} needs a value`)
      if (a === '--tz') opts.tz = v
      else opts.at = v === 'all' ? INSTANTS.map((x) => x.name) : v.split(',')
    } else if (a === '--bail') opts.bail = true
    else if (a === '--help' || a === '-h') usage()
    else if (a.startsWith('-')) usage(`unknown option ${a}`)
    else opts.files.push(a)
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: opts.tz })
  } catch {
    usage(`--tz ${opts.tz} is not an IANA time zone`)
  }
  opts.at = opts.at.map((text) => instantOf(text, opts.tz))
  if (opts.files.some((f) => path.normalize(f).startsWith('test/isolated')))
    usage('test/isolated restarts the shared PostgreSQL: it is never run here')
  if (!opts.files.length) opts.files = DEFAULT_FILES
  return opts
}

/** libfaketime with a relative offset: every process (vitest, its workers, the CLI they start) shares one clock that runs on from `at`. */
function clockEnv(instant) {
  const offset = (Date.parse(instant.at) - Date.now()) / 1000
  return {
    ...process.env,
    TZ: instant.tz,
    LD_PRELOAD: LIB,
    FAKETIME: `${offset >= 0 ? '+' : ''}${offset.toFixed(3)}`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  }
}

/** Node really sees the instant (libfaketime loaded, offset right), and its timers still fire. */
function checkClock(instant) {
  const probe = `const t0 = Date.now(); setTimeout(() => console.log(JSON.stringify({ t0, elapsed: Date.now() - t0, zone: Intl.DateTimeFormat().resolvedOptions().timeZone })), 200)`
  const r = spawnSync(process.execPath, ['-e', probe], { env: clockEnv(instant), encoding: 'utf8', timeout: 10_000 })
  const seen = r.status === 0 ? JSON.parse(r.stdout) : null
  if (!seen) return `the probe failed: ${r.stderr || r.error}`
  const off = seen.t0 - Date.parse(instant.at)
  if (off < 0 || off > 5000) return `node saw ${new Date(seen.t0).toISOString()}, not ${instant.at}`
  if (seen.elapsed < 150 || seen.elapsed > 5000) return `a 200 ms timer took ${seen.elapsed} ms`
  if (seen.zone !== instant.tz) return `node's zone is ${seen.zone}, not ${instant.tz}`
  return null
}

function runVitest(instant, files, extra) {
  const base = instant.name.replace(/[^\w.-]/g, '_')
  const report = path.join(LOGS, `${base}.json`)
  const log = path.join(LOGS, `${base}.log`)
  const args = [
    path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    ...files,
    ...extra,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: clockEnv(instant),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (out += c))
    child.on('close', (code) => {
      writeFileSync(log, out)
      const failed = []
      let passed = 0
      if (existsSync(report)) {
        const json = JSON.parse(readFileSync(report, 'utf8'))
        passed = json.numPassedTests
        for (const file of json.testResults) {
          if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'))
            failed.push(`${path.relative(ROOT, file.name)}: ${file.message.split('\n')[0]}`)
          for (const t of file.assertionResults)
            if (t.status === 'failed') failed.push(`${path.relative(ROOT, file.name)} > ${t.fullName}`)
        }
      }
      if (code !== 0 && !failed.length) failed.push(`vitest exited with ${code} (see ${path.relative(ROOT, log)})`)
      resolve({ code, passed, failed, seconds: Math.round((Date.now() - started) / 1000) })
    })
  })
}

const opts = parseArgs(process.argv.slice(2))
if (!existsSync(LIB)) {
  console.error(`test:clock needs libfaketime at ${LIB} (Debian: apt-get install faketime)`)
  process.exit(2)
}
mkdirSync(LOGS, { recursive: true })
console.log(`test:clock: ${opts.files.join(' ')}`)
console.log(
  `${'instant'.padEnd(24)} ${'at'.padEnd(26)} ${'machine zone'.padEnd(23)} ${'result'.padEnd(10)} tests   time`,
)
const rows = []
let failures = 0
for (const instant of opts.at) {
  const problem = checkClock(instant)
  const result = problem
    ? { code: 1, passed: 0, failed: [`fake clock not working: ${problem}`], seconds: 0 }
    : await runVitest(instant, opts.files, opts.vitest)
  rows.push({ instant, result })
  const verdict = result.failed.length ? `FAIL (${result.failed.length})` : 'pass'
  console.log(
    `${instant.name.padEnd(24)} ${instant.at.padEnd(26)} ${`TZ=${instant.tz}`.padEnd(23)} ${verdict.padEnd(10)} ${String(result.passed).padStart(4)} passed  ${result.seconds} s`,
  )
  for (const f of result.failed) console.log(`    ✗ ${f}`)
  if (result.failed.length) {
    failures++
    if (opts.bail) break
  }
}
console.log(
  `${failures ? `${failures} of ${rows.length} instants failed` : `all ${rows.length} instants passed`}; logs in ${path.relative(ROOT, LOGS)}/`,
)
process.exit(failures ? 1 : 0)
