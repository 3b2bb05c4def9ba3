// bench/scheduler: circadian serve vs croner alone (one Cron per job, nothing recorded), in the same run.
// Lateness is what a user feels: scheduled instant -> the job type's run() called ("job invoked"); the run
// row's started_at stamp is printed beside it. Every fire must be recorded and invoked (not skipped).
//   (a) 1,000 jobs firing every second for 30 s, every fire recorded in SQLite;
//   (b) 10,000 jobs every second, the same figures;
//   (d) a burst: 50,000 jobs due at the same instant (every minute at second 0) for 3 minutes: time until the
//       last job of an instant is invoked, and p99;
//   (c) 100,000 jobs with mixed schedules: time until scheduling, RSS per job.
// The machine is shared, so (a) and (b) run croner, circadian, croner (A B A) and compare with both anchors;
// (d) runs croner then circadian. Ratios are circadian / croner.
// Jobs are of a trivial in-process type ("noop") that this benchmark registers through the plugin hook.
// Goals (issue 22): job-invoked p99 <= 1.2x croner's at 1,000 jobs/s and <= 2x at 10,000; 0 missed and every
// fire recorded and invoked; <= 5 KB per scheduled job.
// Usage: node bench/scheduler.mjs [--seconds 30] [--minutes 3] [--only a,b,d,c] [--semi-space MB (default 0: node's default)]
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { cronerAnchor } from './lib/croner-anchor.mjs'
import { linkNoopPlugin } from './lib/noop-plugin.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const SECONDS = Number(arg('seconds', 30))
const MINUTES = Number(arg('minutes', 3))
const ONLY = arg('only', 'a,b,d,c').split(',')
// The young generation's size, in MB, for serve and croner alike (--max-semi-space-size; node's default when 0).
// Measured both ways at 1,000 and 10,000 jobs/s: 64 did not help (docs/operations.md#scheduler-performance).
const SEMI_MB = Number(arg('semi-space', 0))
const GC_FLAGS = SEMI_MB ? [`--max-semi-space-size=${SEMI_MB}`] : []
const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-sched-'))
const home = path.join(work, 'home')
const env = {
  ...process.env,
  HOME: home,
  XDG_DATA_HOME: path.join(home, 'data'),
  XDG_CACHE_HOME: path.join(home, 'cache'),
  XDG_CONFIG_HOME: path.join(home, 'config'),
}

const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-')

function setupPlugin() {
  linkNoopPlugin(BIN, path.join(work, 'noop-plugin'), env)
}

function writeConfig(dir, jobs, schedules) {
  mkdirSync(dir, { recursive: true })
  const lines = [`export default {`, `  maxConcurrent: ${jobs + 10},`, `  jobs: {`]
  for (let i = 0; i < jobs; i++) lines.push(`    j${i}: { type: 'noop', schedule: '${schedules(i)}' },`)
  lines.push('  },', '}', '')
  writeFileSync(path.join(dir, 'circadian.config.mjs'), lines.join('\n'))
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : NaN
}

/** Starts serve; resolves with the child and the time until it logged that it is serving. */
async function startServe(dir) {
  const started = Date.now()
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=8192', ...GC_FLAGS, BIN, 'serve', '--log-level', 'warn'],
    {
      cwd: dir,
      env,
      // stdout is not read: a pipe nobody drains fills up (1,000 runs interrupted at shutdown log 1,000 warnings)
      // and the process can never exit, so it goes nowhere.
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let err = ''
  child.stderr.on('data', (c) => (err += c))
  // With --log-level warn nothing is logged on start; wait for the instance row instead.
  const db = path.join(dir, '.circadian', 'state.db')
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited: ${err}`)
    try {
      const d = new Database(db, { readonly: true, fileMustExist: true })
      const n = d.prepare('select count(*) as n from instances where stopped_at is null').get().n
      d.close()
      if (n) break
    } catch {}
    await sleep(50)
  }
  return { child, readyMs: Date.now() - started }
}

async function stop(child) {
  child.kill('SIGTERM')
  await new Promise((r) => child.on('close', r))
}

/** The first and last scheduled instants measured: whole periods, starting a little after now. */
function windowFrom(now, periodMs, count) {
  const first = Math.ceil((now + 2000) / periodMs) * periodMs
  return { first, last: first + (count - 1) * periodMs }
}

function latenessStats(sorted) {
  return { p50: pct(sorted, 50), p99: pct(sorted, 99), max: sorted[sorted.length - 1] }
}

async function circadianScenario({ jobs, pattern, periodMs, count }) {
  const dir = path.join(work, `serve-${jobs}-${periodMs}-${Date.now()}`)
  writeConfig(dir, jobs, () => pattern)
  const { child } = await startServe(dir)
  const { first, last } = windowFrom(Date.now(), periodMs, count)
  // The last instant's runs are given time to be invoked and recorded.
  await sleep(last - Date.now() + (periodMs >= 60_000 ? 30_000 : 2000))
  const rss = rssKb(child.pid)
  await stop(child)
  const db = new Database(path.join(dir, '.circadian', 'state.db'), { readonly: true })
  const rows = db
    .prepare(
      `select status, started_at, scheduled_for, finished_at, data from runs where scheduled_for between ? and ?`,
    )
    .all(new Date(first).toISOString(), new Date(last).toISOString())
  db.close()
  rmSync(dir, { recursive: true, force: true })
  const expected = jobs * count
  const statuses = {}
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1
  const started = rows
    .filter((r) => r.started_at)
    .map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for))
    .sort((a, b) => a - b)
  const invokedRows = rows.filter((r) => r.data)
  const invoked = invokedRows.map((r) => JSON.parse(r.data).invokedLateMs).sort((a, b) => a - b)
  // Per scheduled instant: when its last job was invoked.
  const lastByInstant = new Map()
  for (const r of invokedRows)
    lastByInstant.set(
      r.scheduled_for,
      Math.max(lastByInstant.get(r.scheduled_for) ?? 0, JSON.parse(r.data).invokedLateMs),
    )
  const finishes = rows
    .filter((r) => r.finished_at)
    .map((r) => Date.parse(r.finished_at))
    .sort((a, b) => a - b)
  return {
    expected,
    recorded: rows.length,
    invokedCount: invoked.length,
    missing: expected - rows.length,
    statuses,
    ...latenessStats(invoked),
    startedP99: pct(started, 99),
    lastInvoked: [...lastByInstant.entries()].sort().map(([, ms]) => ms),
    recordedPerSecond: finishes.length / Math.max(1, (finishes[finishes.length - 1] - finishes[0]) / 1000),
    rssMb: rss / 1024,
  }
}

const cronerScenario = (sc) => cronerAnchor(sc, { root: ROOT, work, nodeFlags: GC_FLAGS })

async function memoryPerJob() {
  const mixed = [
    '* * * * *',
    '0 * * * *',
    '*/5 * * * *',
    '0 9 * * 1-5',
    '30 2 * * *',
    '0 0 1 * *',
    '15 */2 * * *',
    '0 22 * * SUN',
  ]
  const small = path.join(work, 'mem-1')
  writeConfig(small, 1, () => '0 0 1 1 *')
  const big = path.join(work, 'mem-100k')
  writeConfig(big, 100_000, (i) => mixed[i % mixed.length])
  const a = await startServe(small)
  await sleep(3000)
  const base = rssKb(a.child.pid)
  await stop(a.child)
  const b = await startServe(big)
  await sleep(5000)
  const full = rssKb(b.child.pid)
  await stop(b.child)
  const script = path.join(work, 'croner-mem.cjs')
  writeFileSync(
    script,
    `const { Cron } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'croner', 'dist', 'croner.cjs'))})
const mixed = ${JSON.stringify(mixed)}
const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1])
global.gc && gc(); const before = rss(); const t = Date.now(); const jobs = []
for (let i = 0; i < 100000; i++) jobs.push(new Cron(mixed[i % mixed.length], () => {}))
const ms = Date.now() - t; global.gc && gc(); console.log(JSON.stringify({ kbPerJob: (rss() - before) / 100000, ms })); process.exit(0)
`,
  )
  // 100,000 Cron objects (each with its own timer) outgrow node's default heap: give the anchor room.
  const anchor = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', script], {
    encoding: 'utf8',
    timeout: 600_000,
  })
  if (anchor.status !== 0)
    throw new Error(
      `the croner anchor failed (exit ${anchor.status}, ${anchor.signal ?? 'no signal'}): ${anchor.stderr.split('\n').slice(0, 3).join(' ')}`,
    )
  const cr = JSON.parse(anchor.stdout)
  return { readyMs: b.readyMs, kbPerJob: (full - base) / 100_000, cronerKbPerJob: cr.kbPerJob, cronerMs: cr.ms }
}

try {
  setupPlugin()
  console.log(
    `bench/scheduler (${SECONDS} s windows; machine: ${os.cpus().length} cores; node flags for serve and croner: ${GC_FLAGS.join(' ') || 'defaults'})`,
  )
  const scenarios = [
    {
      key: 'a',
      jobs: 1000,
      pattern: '* * * * * *',
      periodMs: 1000,
      count: SECONDS,
      goal: 1.2,
      label: `1,000 jobs every second for ${SECONDS} s`,
    },
    {
      key: 'b',
      jobs: 10_000,
      pattern: '* * * * * *',
      periodMs: 1000,
      count: SECONDS,
      goal: 2,
      label: `10,000 jobs every second for ${SECONDS} s`,
    },
    {
      key: 'd',
      jobs: 50_000,
      pattern: '0 * * * * *',
      periodMs: 60_000,
      count: MINUTES,
      goal: null,
      label: `50,000 jobs due at the same instant, every minute for ${MINUTES} min`,
    },
  ]
  for (const sc of scenarios) {
    if (!ONLY.includes(sc.key)) continue
    // A B A for the per-second scenarios; the burst (minutes long) runs A B.
    const anchors = [await cronerScenario(sc)]
    const c = await circadianScenario(sc)
    if (sc.periodMs < 60_000) anchors.push(await cronerScenario(sc))
    const other =
      Object.entries(c.statuses)
        .filter(([s]) => s !== 'succeeded')
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none'
    console.log(`(${sc.key}) ${sc.label}`)
    console.log(
      `  circadian serve: job invoked p50 ${fmt(c.p50, 0)} ms, p99 ${fmt(c.p99, 0)} ms, max ${fmt(c.max, 0)} ms (row started_at p99 ${fmt(c.startedP99, 0)} ms); invoked ${c.invokedCount}/${c.expected}, recorded ${c.recorded}/${c.expected} (${c.missing} missing; not succeeded: ${other}); ${fmt(c.recordedPerSecond, 0)} runs recorded/s, RSS ${fmt(c.rssMb, 0)} MB`,
    )
    if (sc.periodMs >= 60_000)
      console.log(`    last job invoked per instant: ${c.lastInvoked.map((ms) => `${fmt(ms, 0)} ms`).join(', ')}`)
    for (const [i, k] of anchors.entries()) {
      console.log(
        `  croner alone #${i + 1}: lateness p50 ${fmt(k.p50, 0)} ms, p99 ${fmt(k.p99, 0)} ms, max ${fmt(k.max, 0)} ms; fired ${k.fired}/${k.expected} (${k.missing} missing; nothing recorded)`,
      )
      if (sc.periodMs >= 60_000)
        console.log(`    last job invoked per instant: ${k.lastInvoked.map((ms) => `${fmt(ms, 0)} ms`).join(', ')}`)
    }
    const anchorP99 = anchors.reduce((sum, k) => sum + k.p99, 0) / anchors.length
    const ratios = anchors.map((k) => fmt(c.p99 / Math.max(1, k.p99), 2) + 'x').join(' / ')
    const anchorLast = Math.max(...anchors.flatMap((k) => k.lastInvoked))
    console.log(
      `  ratio job-invoked p99 circadian/croner: ${fmt(c.p99 / Math.max(1, anchorP99), 2)}x against the anchors' mean (${ratios} against each)${sc.goal ? `   goal: <= ${sc.goal}x` : ''}; every fire invoked: ${c.invokedCount === c.expected ? 'yes' : 'NO'}`,
    )
    if (sc.periodMs >= 60_000)
      console.log(
        `  ratio time until the last job is invoked (worst instant): ${fmt(Math.max(...c.lastInvoked) / Math.max(1, anchorLast), 2)}x`,
      )
  }
  if (ONLY.includes('c')) {
    const m = await memoryPerJob()
    console.log('(c) 100,000 jobs, mixed schedules')
    console.log(
      `  circadian serve: ${fmt(m.kbPerJob, 2)} KB RSS per job; ready (config loaded, validated, scheduled) in ${fmt(m.readyMs / 1000, 1)} s`,
    )
    console.log(
      `  croner alone:    ${fmt(m.cronerKbPerJob, 2)} KB RSS per job (one Cron each, created in ${m.cronerMs} ms)`,
    )
    console.log(`  ratio: ${fmt(m.kbPerJob / m.cronerKbPerJob, 2)}x   goal: <= 5 KB per job`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
