// bench/sql-alerts: 5,000 sql-alert evaluations through the plugin's evaluation path — `circadian run --all`
// on a config of 5,000 alerts, `maxConcurrent` at a time, every evaluation a recorded run with its alert
// state — on SQLite and on PostgreSQL. Anchor, measured in the same run: a bare knex loop running the same
// 5,000 queries with the same concurrency; between the two, the plugin's query path alone (no run records,
// no state). Prints evaluations per second, the overhead per evaluation, and peak RSS (the CLI plus its
// SQLite query processes) per alert.
// And the same 5,000 alerts in one `circadian serve`, all firing at one instant: evaluations per second
// from the first start to the last finish, the scheduler's overhead per evaluation (serve's time per
// evaluation minus run --all's), and RSS per alert of the serve process tree.
//
//   node bench/sql-alerts.mjs                 BENCH_ALERTS=5000 BENCH_CONCURRENCY=8 BENCH_ONLY=sqlite,pg BENCH_KEEP=1 (keep the scratch files and database)
//   CIRCADIAN_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres (admin URL; a scratch database is made)
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import knex from 'knex'
import { fireAt, serveOnce } from './lib/sql-alerts-serve.mjs'
import { watchTreeRss } from './lib/sql-alerts-tree-rss.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')
const BARE = path.join(ROOT, 'bench', 'lib', 'sql-alerts-bare.mjs')
const EVAL = path.join(ROOT, 'bench', 'lib', 'sql-alerts-eval.mjs')
const N = Number(process.env.BENCH_ALERTS ?? 5000)
const SMALL = 50
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const PG_ADMIN = process.env.CIRCADIAN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

// 9 in every 100 alerts are ALERT (value > 90): the run exits 1, as a real fleet of alerts would.
const QUERY =
  "select case when value > 90 then 'ALERT' else 'OK' end as status, value as actual_value, 90 as threshold, label from metrics where id = $i"

function configText(connection, state) {
  // Under serve, every alert fires at BENCH_CRON; misfireGrace keeps the last of them on time.
  return `import { defineConfig } from 'circadian'
const jobs = {}
const n = Number(process.env.BENCH_ALERTS)
const trigger = process.env.BENCH_CRON ? { schedule: process.env.BENCH_CRON, misfireGrace: '1h' } : {}
for (let i = 1; i <= n; i++) {
  jobs['alert_' + i] = { type: 'sql-alert', connection: 'data', query: ${JSON.stringify(QUERY)}.replace('$i', String(i)), ...trigger }
}
export default defineConfig({
  timezone: 'UTC',
  maxConcurrent: ${CONCURRENCY},
  ${state ? `state: ${JSON.stringify(state)},` : ''}
  connections: { data: ${JSON.stringify(connection)} },
  jobs,
})
`
}

async function seed(db) {
  await db.schema.dropTableIfExists('metrics')
  await db.schema.createTable('metrics', (t) => {
    t.integer('id').primary()
    t.integer('value')
    t.string('label')
  })
  const rows = Array.from({ length: N }, (_, k) => ({ id: k + 1, value: (k + 1) % 100, label: `m${k + 1}` }))
  for (let k = 0; k < rows.length; k += 500) await db('metrics').insert(rows.slice(k, k + 500))
}

/** One `circadian run --all --json` over `alerts` alerts: wall ms, peak tree RSS, outcome counts. */
function runCli(dir, alerts) {
  return new Promise((resolve, reject) => {
    // stdout to a file: the CLI exits right after printing, and a pipe would be cut at 64 KB.
    const outFile = path.join(dir, `runs-${alerts}.json`)
    const outFd = openSync(outFile, 'w')
    const start = performance.now()
    const child = spawn(process.execPath, [BIN, 'run', '--all', '--json', '--no-notify'], {
      cwd: dir,
      env: { ...process.env, BENCH_ALERTS: String(alerts) },
      stdio: ['ignore', outFd, 'pipe'],
    })
    closeSync(outFd)
    const rss = watchTreeRss(child.pid)
    let err = ''
    child.stderr.on('data', (c) => (err += c))
    child.on('close', (code) => {
      const ms = performance.now() - start
      const peakKb = rss.stop()
      if (code !== 0 && code !== 1) return reject(new Error(`circadian run exited ${code}: ${err.slice(-2000)}`))
      let runs
      try {
        runs = JSON.parse(readFileSync(outFile, 'utf8')).runs
      } catch (e) {
        return reject(e)
      }
      const counts = {}
      for (const r of runs) counts[r.status] = (counts[r.status] ?? 0) + 1
      if (runs.length !== alerts) return reject(new Error(`expected ${alerts} runs, got ${runs.length}`))
      resolve({ ms, peakKb, counts })
    })
  })
}

/** A helper process running the same queries `N` times, `CONCURRENCY` at a time: { ms, peakKb }. */
function runLoop(script, args, what) {
  const child = spawn(
    process.execPath,
    [script, JSON.stringify({ ...args, template: QUERY, n: N, concurrency: CONCURRENCY })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const rss = watchTreeRss(child.pid)
  let out = ''
  child.stdout.on('data', (c) => (out += c))
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const peakKb = rss.stop()
      if (code !== 0) return reject(new Error(`${what} exited ${code}`))
      let parsed
      try {
        parsed = JSON.parse(out)
      } catch (e) {
        return reject(e)
      }
      const { ms, count } = parsed
      if (count !== N) return reject(new Error(`${what} got ${count} results, expected ${N}`))
      resolve({ ms, peakKb })
    }),
  )
}

const runBare = (client, connection) => runLoop(BARE, { client, connection }, 'bare knex loop')
const runEval = (connection) => runLoop(EVAL, { connection }, 'plugin query path')

function report(label, full, small, evalOnly, bare, serve) {
  const perEval = (full.ms - small.ms) / (N - SMALL)
  const perBare = bare.ms / N
  const perQueryPath = evalOnly.ms / N
  const rate = (ms) => (1000 / ms).toFixed(0).padStart(6)
  const rssPerAlertKb = (full.peakKb - small.peakKb) / (N - SMALL)
  console.log(`${label}: ${N} alerts, maxConcurrent ${CONCURRENCY}`)
  console.log(
    `  circadian run --all, whole process    ${(full.ms / 1000).toFixed(2).padStart(8)} s   ${(N / (full.ms / 1000)).toFixed(0).padStart(6)} evaluations/s   outcomes ${JSON.stringify(full.counts)}`,
  )
  console.log(
    `  per evaluation, startup excluded      ${perEval.toFixed(2).padStart(8)} ms  ${rate(perEval)} evaluations/s   ((T${N} − T${SMALL}) / ${N - SMALL}: query, run records, alert state)`,
  )
  console.log(
    `  plugin query path alone               ${perQueryPath.toFixed(2).padStart(8)} ms  ${rate(perQueryPath)} evaluations/s   (read-only transaction, timeout, row guard, contract)`,
  )
  console.log(
    `  bare knex loop (anchor)               ${perBare.toFixed(2).padStart(8)} ms  ${rate(perBare)} queries/s`,
  )
  console.log(
    `  peak RSS, ${N} alerts                 ${(full.peakKb / 1024).toFixed(1).padStart(8)} MB  (${SMALL} alerts: ${(small.peakKb / 1024).toFixed(1)} MB; bare loop: ${(bare.peakKb / 1024).toFixed(1)} MB; CLI and SQLite query processes together)`,
  )
  console.log(
    `  RSS per alert                         ${rssPerAlertKb.toFixed(1).padStart(8)} KB  ((peak${N} − peak${SMALL}) / ${N - SMALL})`,
  )
  console.log('  ratios to the bare knex loop')
  console.log(
    `    full evaluation (run --all)          ${(perEval / perBare).toFixed(1)}x   (+${(perEval - perBare).toFixed(2)} ms per evaluation)`,
  )
  console.log(
    `    plugin query path alone              ${(perQueryPath / perBare).toFixed(1)}x   (+${(perQueryPath - perBare).toFixed(2)} ms per evaluation)`,
  )
  console.log(`    peak RSS, ${N} alerts                ${(full.peakKb / bare.peakKb).toFixed(1)}x`)
  if (serve.error) {
    console.log(`  circadian serve, ${N} alerts firing at one instant: no figures — ${serve.error}`)
    return
  }
  const { serveFull, serveSmall } = serve
  const servePerEval = (serveFull.last - serveFull.first) / N
  const serveRssPerAlert = (serveFull.idleKb - serveSmall.idleKb) / (N - SMALL)
  console.log(`  circadian serve, ${N} alerts firing at one instant`)
  console.log(
    `    first start → last finish          ${((serveFull.last - serveFull.first) / 1000).toFixed(2).padStart(8)} s   ${(1000 / servePerEval).toFixed(0).padStart(6)} evaluations/s   outcomes ${JSON.stringify(serveFull.counts)}`,
  )
  console.log(
    `    per evaluation                     ${servePerEval.toFixed(2).padStart(8)} ms  ${(servePerEval / perBare).toFixed(1)}x the bare knex loop`,
  )
  console.log(
    `    scheduler overhead per evaluation  ${(servePerEval - perEval).toFixed(2).padStart(8)} ms  (serve per evaluation − run --all per evaluation)`,
  )
  console.log(
    `    RSS loaded, idle before the fire   ${(serveFull.idleKb / 1024).toFixed(1).padStart(8)} MB  (${SMALL} alerts: ${(serveSmall.idleKb / 1024).toFixed(1)} MB) → ${serveRssPerAlert.toFixed(1)} KB per alert`,
  )
  console.log(
    `    peak RSS while evaluating          ${(serveFull.peakKb / 1024).toFixed(1).padStart(8)} MB  (${SMALL} alerts: ${(serveSmall.peakKb / 1024).toFixed(1)} MB) → ${((serveFull.peakKb - serveSmall.peakKb) / (N - SMALL)).toFixed(1)} KB per alert`,
  )
}

/** serve with SMALL alerts, then with N, in `dir` (a fresh state store each time is not needed: runs are per occurrence). */
async function serveBoth(dir, store) {
  try {
    const small = fireAt(15_000)
    const serveSmall = await serveOnce({
      bin: BIN,
      dir,
      alerts: SMALL,
      ...small,
      store,
      logFile: path.join(dir, 'serve-small.log'),
    })
    const full = fireAt(30_000)
    const serveFull = await serveOnce({
      bin: BIN,
      dir,
      alerts: N,
      ...full,
      store,
      logFile: path.join(dir, 'serve-full.log'),
    })
    return { serveSmall, serveFull }
  } catch (err) {
    return { error: err.message }
  }
}

const build = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' })
if (build.status !== 0) throw new Error('build circadian first (npm run build)')

const ONLY = process.env.BENCH_ONLY ?? 'sqlite,pg'
const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-sql-alerts-'))
const pgName = `circadian_bench_${Date.now().toString(36)}`

/** SQLite: data file and state store (.circadian/state.db) side by side, as a default project has them. */
async function benchSqlite() {
  const sqliteDir = path.join(work, 'sqlite')
  const dataFile = path.join(sqliteDir, 'data.db')
  mkdirSync(sqliteDir, { recursive: true })
  const db = knex({ client: 'better-sqlite3', connection: { filename: dataFile }, useNullAsDefault: true })
  await seed(db)
  await db.destroy()
  writeFileSync(path.join(sqliteDir, 'circadian.config.mjs'), configText({ client: 'sqlite', filename: 'data.db' }))
  const small = await runCli(sqliteDir, SMALL)
  const full = await runCli(sqliteDir, N)
  const evalOnly = await runEval({ client: 'better-sqlite3', filename: dataFile })
  const bare = await runBare('better-sqlite3', { filename: dataFile })
  const serve = await serveBoth(sqliteDir, {
    client: 'better-sqlite3',
    connection: { filename: path.join(sqliteDir, '.circadian', 'state.db') },
    useNullAsDefault: true,
  })
  report('SQLite (data and state store)', full, small, evalOnly, bare, serve)
}

/** PostgreSQL: a scratch database holding the data and the state store. */
async function benchPostgres() {
  const admin = knex({ client: 'pg', connection: PG_ADMIN, pool: { min: 0, max: 1 } })
  await admin.raw(`create database "${pgName}"`)
  await admin.destroy()
  const pgUrl = Object.assign(new URL(PG_ADMIN), { pathname: `/${pgName}` }).toString()
  const pgDir = path.join(work, 'pg')
  mkdirSync(pgDir, { recursive: true })
  const db = knex({ client: 'pg', connection: pgUrl, pool: { min: 0, max: 1 } })
  await seed(db)
  await db.destroy()
  writeFileSync(
    path.join(pgDir, 'circadian.config.mjs'),
    configText({ client: 'pg', connection: pgUrl, pool: { max: CONCURRENCY } }, { client: 'pg', connection: pgUrl }),
  )
  const small = await runCli(pgDir, SMALL)
  const full = await runCli(pgDir, N)
  const evalOnly = await runEval({ client: 'pg', connection: pgUrl, pool: { max: CONCURRENCY } })
  const bare = await runBare('pg', pgUrl)
  const serve = await serveBoth(pgDir, { client: 'pg', connection: pgUrl })
  report('PostgreSQL (data and state store)', full, small, evalOnly, bare, serve)
}

try {
  if (ONLY.includes('sqlite')) await benchSqlite()
  if (ONLY.includes('sqlite') && ONLY.includes('pg')) console.log('')
  if (ONLY.includes('pg')) await benchPostgres()
} finally {
  if (process.env.BENCH_KEEP) {
    console.log(`kept (BENCH_KEEP): ${work} and database ${pgName}`)
  } else {
    rmSync(work, { recursive: true, force: true })
    const admin = knex({ client: 'pg', connection: PG_ADMIN, pool: { min: 0, max: 1 } })
    await admin.raw(`drop database if exists "${pgName}" with (force)`).catch(() => {})
    await admin.destroy()
  }
}
