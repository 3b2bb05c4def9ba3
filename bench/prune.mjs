// bench/prune: a store with many runs pruned to policy while a `serve` beside it fires per-second jobs.
// Builds the store with raw multi-row inserts (old runs of a few jobs), starts `circadian serve` on it with
// JOBS per-second `command` jobs, measures fire lateness (started_at - scheduled_for, from the runs table)
// for BASELINE seconds without pruning, then prunes to policy (maxAge 90 d, keepPerJob 1000) and measures
// lateness during it: by default in this process, a second one on the file (as `circadian state prune` beside
// serve: the default time-sized batches and pauses, holding the retention lease as any pruner does); with
// --pruner serve, serve's own background loop does it. Ends by checking the store reached the policy.
// Goal (issue 20): no fire later than 50 ms during pruning.
// Usage: node bench/prune.mjs [--runs 10000000] [--jobs 4] [--baseline 15] [--pruner process|serve]
// (--pruner serve: serve's own loop prunes, from a minute after it started; keep --baseline under 50 s)
import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const RUNS = arg('runs', 10_000_000)
const JOBS = arg('jobs', 4)
const BASELINE_S = arg('baseline', 15)
/** Who prunes: `process`, a second process on the file (as `circadian state prune` beside serve); `serve`, its own loop. */
const PRUNER = process.argv.includes('--pruner') ? process.argv[process.argv.indexOf('--pruner') + 1] : 'process'
const TRACE = process.env.PRUNE_TRACE === '1'
const slow = []
const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-prune-'))
const file = path.join(work, '.circadian', 'state.db')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const { openStore } = await import(path.join(ROOT, 'dist', 'state', 'store.js'))
const { pruneStore } = await import(path.join(ROOT, 'dist', 'state', 'retention-prune.js'))
const { RetentionRepository } = await import(path.join(ROOT, 'dist', 'state', 'retention.js'))

// 1. The store: migrated by circadian, filled with raw multi-row inserts (old runs, one an "hour" apart).
const store = await openStore({ client: 'better-sqlite3', filename: file })
await store.close()
const db = new Database(file)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = OFF')
const buildStart = Date.now()
const oldJobs = ['import', 'score', 'match', 'report']
const ROWS = 500
const cols = '(id, job, type, trigger, scheduled_for, created_at, started_at, finished_at, status, attempts, instance)'
const insert = db.prepare(`insert into runs ${cols} values ${Array(ROWS).fill('(?,?,?,?,?,?,?,?,?,?,?)').join(',')}`)
const base = Date.now() - 400 * 86_400_000
const fill = db.transaction((from) => {
  const params = []
  for (let i = from; i < from + ROWS; i++) {
    const at = new Date(base + i * 1000).toISOString()
    params.push(
      `r${i.toString(36).padStart(12, '0')}`,
      oldJobs[i % oldJobs.length],
      'command',
      'schedule',
      at,
      at,
      at,
      at,
      i % 10 === 0 ? 'failed' : 'succeeded',
      1,
      'bench',
    )
  }
  insert.run(...params)
})
for (let i = 0; i < RUNS; i += ROWS) fill(i)
const jobStateInsert = db.prepare(
  `insert or ignore into job_state (job, paused, consecutive_failures, updated_at) values (?, 0, 0, ?)`,
)
for (const j of oldJobs) jobStateInsert.run(j, new Date().toISOString())
db.close()
const buildMs = Date.now() - buildStart
console.log(`store: ${RUNS.toLocaleString()} runs inserted in ${(buildMs / 1000).toFixed(1)} s`)

// 2. serve beside it, with per-second jobs.
const jobs = Array.from(
  { length: JOBS },
  (_, i) => `tick${i}: { type: 'command', schedule: '* * * * * *', command: 'true' }`,
).join(', ')
writeFileSync(
  path.join(work, 'circadian.config.ts'),
  `import { defineConfig } from 'circadian'\nexport default defineConfig({ retention: { pruneEvery: '1000d' }, jobs: { ${jobs} } })\n`,
)
const serveLog = path.join(work, 'serve.log')
const serve = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'serve'], {
  cwd: work,
  stdio: ['ignore', openSync(serveLog, 'w'), 'inherit'],
})
await sleep(5000)

const lateness = (fromIso, toIso) => {
  const d = new Database(file, { readonly: true })
  const rows = d
    .prepare(
      `select scheduled_for, started_at from runs where job like 'tick%' and scheduled_for >= ? and scheduled_for < ? and started_at is not null`,
    )
    .all(fromIso, toIso)
  d.close()
  const ms = rows.map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for)).sort((a, b) => a - b)
  const p = (q) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] : NaN)
  const late = rows
    .filter((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for) > 50)
    .map((r) => `${r.scheduled_for} +${Date.parse(r.started_at) - Date.parse(r.scheduled_for)} ms`)
  return { fires: ms.length, p50: p(0.5), p99: p(0.99), max: ms[ms.length - 1] ?? NaN, late }
}

const baselineFrom = new Date().toISOString()
await sleep(BASELINE_S * 1000)
const policy = { maxAge: 90 * 86_400_000, keepPerJob: 1000 }
const leaseRow = () => {
  const d = new Database(file, { readonly: true })
  const row = d
    .prepare(`select value, updated_at from kv where namespace = 'circadian' and key = 'retention-lease'`)
    .get()
  d.close()
  return row && Date.parse(row.updated_at) > 0 ? JSON.parse(row.value) : null
}
let pruneFrom
let pruneTo
let pruneMs
let report
if (PRUNER === 'process') {
  // Like any pruner, this one holds the retention lease (renewed), so serve's loop skips its round.
  const pruner = await openStore({ client: 'better-sqlite3', filename: file })
  const repo = new RetentionRepository(pruner.knex)
  if (!(await repo.takeLease('bench', Date.now(), 15 * 60_000))) throw new Error('the retention lease is taken')
  const renew = setInterval(() => void repo.takeLease('bench', Date.now(), 15 * 60_000), 60_000)
  if (TRACE) {
    const exec = RetentionRepository.prototype.execSqlite
    RetentionRepository.prototype.execSqlite = async function (sql) {
      const t = performance.now()
      await exec.call(this, sql)
      const ms = performance.now() - t
      if (ms > 20) slow.push({ at: new Date().toISOString(), ms: Math.round(ms), sql })
    }
    const started = new Map()
    pruner.knex.on('query', (q) => started.set(q.__knexQueryUid, [performance.now(), q.sql]))
    pruner.knex.on('query-response', (_r, q) => {
      const [t, sql] = started.get(q.__knexQueryUid) ?? []
      started.delete(q.__knexQueryUid)
      const ms = performance.now() - t
      if (ms > 20) slow.push({ at: new Date().toISOString(), ms: Math.round(ms), sql: sql.slice(0, 160) })
    })
  }
  pruneFrom = new Date().toISOString()
  const t0 = Date.now()
  report = await pruneStore(pruner, {
    targets: [],
    defaults: policy,
    dryRun: false,
    now: Date.now(),
  })
  pruneMs = Date.now() - t0
  clearInterval(renew)
  await repo.releaseLease('bench')
  await pruner.close()
  pruneTo = new Date().toISOString()
} else {
  // serve's own background pruner (its first round a minute after it started): the span it holds the lease.
  while (!leaseRow()) await sleep(100)
  pruneFrom = new Date().toISOString()
  const t0 = Date.now()
  while (leaseRow()) await sleep(100)
  pruneMs = Date.now() - t0
  pruneTo = new Date().toISOString()
}
await sleep(1500)
serve.kill('SIGTERM')
await new Promise((r) => serve.on('close', r))

const before = lateness(baselineFrom, pruneFrom)
const during = lateness(pruneFrom, pruneTo)
const servePruned = readFileSync(serveLog, 'utf8')
  .split('\n')
  .filter((l) => l.includes('retention: pruned'))
  .map((l) => JSON.parse(l).pruned.runs)
  .reduce((a, b) => a + b, 0)
const pruned = (report?.totals.runs ?? 0) + servePruned
console.log(
  `pruner: ${PRUNER === 'process' ? 'a second process (holding the retention lease)' : "serve's own loop"}; pruned ${pruned.toLocaleString()} runs (${PRUNER === 'process' ? `${servePruned} by serve` : 'all by serve'}) in ${(pruneMs / 1000).toFixed(1)} s (${Math.round(pruned / (pruneMs / 1000)).toLocaleString()} runs/s)${report ? `; space: ${report.space}` : ''}`,
)
console.log(
  `fire lateness without pruning: ${before.fires} fires, p50 ${before.p50} ms, p99 ${before.p99} ms, max ${before.max} ms`,
)
console.log(
  `fire lateness during pruning:  ${during.fires} fires, p50 ${during.p50} ms, p99 ${during.p99} ms, max ${during.max} ms`,
)
if (TRACE && during.late.length) console.log(`late fires:\n  ${during.late.slice(0, 40).join('\n  ')}`)
console.log(
  during.max <= 50
    ? 'goal met: no fire later than 50 ms during pruning'
    : `goal missed: a fire was ${during.max} ms late during pruning`,
)
{
  const d = new Database(file, { readonly: true })
  const left = d.prepare('select job, count(*) n from runs group by job').all()
  d.close()
  console.log(`runs left: ${left.map((r) => `${r.job} ${r.n}`).join(', ')}`)
  const atPolicy = left.filter((r) => oldJobs.includes(r.job)).every((r) => r.n === 1000)
  console.log(`store at policy (1000 runs left of each old job): ${atPolicy ? 'yes' : 'NO'}`)
}
const serveLines = readFileSync(serveLog, 'utf8')
  .split('\n')
  .filter((l) => /retention|warn|error/i.test(l))
if (serveLines.length) console.log(`serve said:\n${serveLines.slice(0, 20).join('\n')}`)
if (TRACE) {
  console.log(`pruner statements over 20 ms: ${slow.length}`)
  for (const s of slow.sort((a, b) => b.ms - a.ms).slice(0, 30)) console.log(`  ${s.ms} ms at ${s.at}: ${s.sql}`)
}
rmSync(work, { recursive: true, force: true })
