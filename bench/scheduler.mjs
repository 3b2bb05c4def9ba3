// bench/scheduler: circadian serve vs croner alone (one Cron per job, nothing recorded), in the same run.
//   (a) 1,000 jobs firing every second for 30 s, every fire recorded in SQLite: lateness p50/p99/max,
//       missed fires, runs recorded per second;
//   (b) 10,000 jobs every second, the same figures;
//   (c) 100,000 jobs with mixed schedules: time until scheduling, RSS per job.
// Jobs are of a trivial in-process type ("noop") that this benchmark registers through the plugin hook.
// Goals (issue "Scheduling engine"): 0 missed and every fire recorded; p99 <= 20 ms at 1,000 jobs/s and
// <= 50 ms at 10,000 (recording included); <= 5 KB per scheduled job.
// Usage: node bench/scheduler.mjs [--seconds 30] [--only a,b,c]
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { linkNoopPlugin } from './lib/noop-plugin.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const SECONDS = Number(arg('seconds', 30))
const ONLY = arg('only', 'a,b,c').split(',')
const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-sched-'))
const home = path.join(work, 'home')
const env = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CACHE_HOME: path.join(home, 'cache'), XDG_CONFIG_HOME: path.join(home, 'config') }

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN)
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
  const child = spawn(process.execPath, ['--max-old-space-size=8192', BIN, 'serve', '--log-level', 'warn'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
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

async function circadianEverySecond(jobs) {
  const dir = path.join(work, `serve-${jobs}`)
  writeConfig(dir, jobs, () => '* * * * * *')
  const { child } = await startServe(dir)
  const t0 = Math.ceil(Date.now() / 1000) * 1000 + 2000
  await sleep(t0 - Date.now() + SECONDS * 1000 + 2000)
  const rss = rssKb(child.pid)
  await stop(child)
  const db = new Database(path.join(dir, '.circadian', 'state.db'), { readonly: true })
  const from = new Date(t0).toISOString()
  const to = new Date(t0 + (SECONDS - 1) * 1000).toISOString()
  const rows = db.prepare(`select status, started_at, scheduled_for, created_at, finished_at, data from runs where scheduled_for between ? and ?`).all(from, to)
  db.close()
  const expected = jobs * SECONDS
  const late = rows.filter((r) => r.started_at).map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for)).sort((a, b) => a - b)
  const invoked = rows.filter((r) => r.data).map((r) => JSON.parse(r.data).invokedLateMs).sort((a, b) => a - b)
  const finishes = rows.filter((r) => r.finished_at).map((r) => Date.parse(r.finished_at)).sort((a, b) => a - b)
  const recordedPerSecond = finishes.length / Math.max(1, (finishes[finishes.length - 1] - finishes[0]) / 1000)
  return {
    expected,
    recorded: rows.length,
    succeeded: rows.filter((r) => r.status === 'succeeded').length,
    missing: expected - rows.length,
    missedRows: rows.filter((r) => r.status === 'missed').length,
    p50: pct(late, 50),
    p99: pct(late, 99),
    max: late[late.length - 1],
    invokedP99: pct(invoked, 99),
    recordedPerSecond,
    rssMb: rss / 1024,
  }
}

async function cronerEverySecond(jobs) {
  const script = path.join(work, 'croner-anchor.cjs')
  writeFileSync(
    script,
    `const { Cron } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'croner', 'dist', 'croner.cjs'))})
const jobs = Number(process.argv[2]), seconds = Number(process.argv[3])
const t0 = Math.ceil(Date.now() / 1000) * 1000 + 2000, t1 = t0 + seconds * 1000
const late = []
for (let i = 0; i < jobs; i++) new Cron('* * * * * *', { startAt: new Date(t0 - 500), stopAt: new Date(t1 - 500) }, () => { const now = Date.now(); late.push(now - Math.floor(now / 1000) * 1000) })
setTimeout(() => { late.sort((a, b) => a - b); const p = (q) => late[Math.min(late.length - 1, Math.floor(q / 100 * late.length))]; console.log(JSON.stringify({ fired: late.length, p50: p(50), p99: p(99), max: late[late.length - 1] })); process.exit(0) }, t1 - Date.now() + 1500)
`,
  )
  const r = spawnSync(process.execPath, [script, String(jobs), String(SECONDS)], { encoding: 'utf8', timeout: (SECONDS + 60) * 1000 })
  const res = JSON.parse(r.stdout)
  return { ...res, expected: jobs * SECONDS, missing: jobs * SECONDS - res.fired }
}

async function memoryPerJob() {
  const mixed = ['* * * * *', '0 * * * *', '*/5 * * * *', '0 9 * * 1-5', '30 2 * * *', '0 0 1 * *', '15 */2 * * *', '0 22 * * SUN']
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
  const anchor = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', script], { encoding: 'utf8', timeout: 600_000 })
  if (anchor.status !== 0) throw new Error(`the croner anchor failed (exit ${anchor.status}, ${anchor.signal ?? 'no signal'}): ${anchor.stderr.split('\n').slice(0, 3).join(' ')}`)
  const cr = JSON.parse(anchor.stdout)
  return { readyMs: b.readyMs, kbPerJob: (full - base) / 100_000, cronerKbPerJob: cr.kbPerJob, cronerMs: cr.ms }
}

try {
  setupPlugin()
  console.log(`bench/scheduler (${SECONDS} s windows; machine: ${os.cpus().length} cores)`)
  for (const [key, jobs] of [['a', 1000], ['b', 10_000]]) {
    if (!ONLY.includes(key)) continue
    const c = await circadianEverySecond(jobs)
    const k = await cronerEverySecond(jobs)
    console.log(`(${key}) ${jobs.toLocaleString('en')} jobs every second`)
    console.log(`  circadian serve: lateness p50 ${fmt(c.p50, 0)} ms, p99 ${fmt(c.p99, 0)} ms, max ${fmt(c.max, 0)} ms (job invoked p99 ${fmt(c.invokedP99, 0)} ms); recorded ${c.recorded}/${c.expected} (${c.missing} missing, ${c.missedRows} recorded missed), ${fmt(c.recordedPerSecond, 0)} runs recorded/s, RSS ${fmt(c.rssMb, 0)} MB`)
    console.log(`  croner alone:    lateness p50 ${fmt(k.p50, 0)} ms, p99 ${fmt(k.p99, 0)} ms, max ${fmt(k.max, 0)} ms; fired ${k.fired}/${k.expected} (${k.missing} missing; nothing recorded)`)
    console.log(`  ratio p99 circadian/croner: ${fmt(c.p99 / Math.max(1, k.p99), 2)}x   goal: p99 <= ${jobs === 1000 ? 20 : 50} ms, 0 missing`)
  }
  if (ONLY.includes('c')) {
    const m = await memoryPerJob()
    console.log('(c) 100,000 jobs, mixed schedules')
    console.log(`  circadian serve: ${fmt(m.kbPerJob, 2)} KB RSS per job; ready (config loaded, validated, scheduled) in ${fmt(m.readyMs / 1000, 1)} s`)
    console.log(`  croner alone:    ${fmt(m.cronerKbPerJob, 2)} KB RSS per job (one Cron each, created in ${m.cronerMs} ms)`)
    console.log(`  ratio: ${fmt(m.kbPerJob / m.cronerKbPerJob, 2)}x   goal: <= 5 KB per job`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
