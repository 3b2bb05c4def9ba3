// bench/prune: a store with many runs pruned to policy while a `serve` beside it fires per-second jobs.
// Builds the store with raw multi-row inserts (old runs of a few jobs), starts `circadian serve` on it with
// JOBS per-second `command` jobs, measures fire lateness (started_at - scheduled_for, from the runs table)
// for BASELINE seconds without pruning, then runs the retention prune in this process (200-row batches,
// 20 ms pauses, as serve's background pruner does) and measures lateness during it.
// Goal (issue 20): no fire later than 50 ms during pruning.
// Usage: node bench/prune.mjs [--runs 10000000] [--jobs 4] [--baseline 15]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-prune-'))
const file = path.join(work, '.circadian', 'state.db')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const { openStore } = await import(path.join(ROOT, 'dist', 'state', 'store.js'))
const { pruneStore } = await import(path.join(ROOT, 'dist', 'state', 'retention-prune.js'))

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
const serve = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'serve'], {
  cwd: work,
  stdio: ['ignore', 'ignore', 'inherit'],
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
  return { fires: ms.length, p50: p(0.5), p99: p(0.99), max: ms[ms.length - 1] ?? NaN }
}

const baselineFrom = new Date().toISOString()
await sleep(BASELINE_S * 1000)
const pruneFrom = new Date().toISOString()
const pruner = await openStore({ client: 'better-sqlite3', filename: file })
const t0 = Date.now()
const report = await pruneStore(pruner, {
  targets: [],
  defaults: { maxAge: 90 * 86_400_000, keepPerJob: 1000 },
  dryRun: false,
  now: Date.now(),
  batchSize: 200,
  pauseMs: 20,
})
const pruneMs = Date.now() - t0
await pruner.close()
const pruneTo = new Date().toISOString()
await sleep(1500)
serve.kill('SIGTERM')
await new Promise((r) => serve.on('close', r))

const before = lateness(baselineFrom, pruneFrom)
const during = lateness(pruneFrom, pruneTo)
console.log(
  `pruned ${report.totals.runs.toLocaleString()} runs (+${report.totals.run_attempts} attempts) in ${(pruneMs / 1000).toFixed(1)} s (${Math.round(report.totals.runs / (pruneMs / 1000)).toLocaleString()} runs/s); space: ${report.space}`,
)
console.log(
  `fire lateness without pruning: ${before.fires} fires, p50 ${before.p50} ms, p99 ${before.p99} ms, max ${before.max} ms`,
)
console.log(
  `fire lateness during pruning:  ${during.fires} fires, p50 ${during.p50} ms, p99 ${during.p99} ms, max ${during.max} ms`,
)
console.log(
  during.max <= 50
    ? 'goal met: no fire later than 50 ms during pruning'
    : `goal missed: a fire was ${during.max} ms late during pruning`,
)
rmSync(work, { recursive: true, force: true })
