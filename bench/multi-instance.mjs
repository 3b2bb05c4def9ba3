// bench/multi-instance: 1 vs 3 `circadian serve` instances sharing one PostgreSQL store, 1,000 jobs firing
// every second: fires claimed and recorded per second, job-invoked lateness (scheduled instant -> the job's
// run() called; the row's started_at beside it), duplicates (must be 0), and database statements per fire.
// Anchors, in the same run: croner alone for the same jobs (lateness; before each circadian run), and a
// pg-boss publish + fetch + complete loop for the same number of jobs on the same server (throughput).
// Usage: node bench/multi-instance.mjs [--seconds 30] [--jobs 1000]
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import knex from 'knex'
import { cronerAnchor } from './lib/croner-anchor.mjs'
import { linkNoopPlugin } from './lib/noop-plugin.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = path.join(ROOT, 'bin', 'run.js')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const SECONDS = arg('seconds', 30)
const JOBS = arg('jobs', 1000)
// The young generation's size in MB for serve and croner alike, as bench/scheduler.mjs (0: node's default).
const SEMI_MB = arg('semi-space', 0)
const GC_FLAGS = SEMI_MB ? [`--max-semi-space-size=${SEMI_MB}`] : []
const ADMIN = process.env.CIRCADIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-multi-'))
const home = path.join(work, 'home')
const env = {
  ...process.env,
  HOME: home,
  XDG_DATA_HOME: path.join(home, 'data'),
  XDG_CACHE_HOME: path.join(home, 'cache'),
  XDG_CONFIG_HOME: path.join(home, 'config'),
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

async function withDatabase(name, fn) {
  const admin = knex({ client: 'pg', connection: ADMIN, pool: { min: 0, max: 1 } })
  await admin.raw(`drop database if exists "${name}" with (force)`)
  await admin.raw(`create database "${name}"`)
  const url = new URL(ADMIN)
  url.pathname = `/${name}`
  try {
    return await fn(url.toString())
  } finally {
    await admin.raw(`drop database if exists "${name}" with (force)`)
    await admin.destroy()
  }
}

async function circadian(instances) {
  return withDatabase(`circadian_bench_multi_${instances}`, async (url) => {
    const dir = path.join(work, `serve-${instances}`)
    mkdirSync(dir, { recursive: true })
    const jobs = Array.from({ length: JOBS }, (_, i) => `    j${i}: { type: 'noop', schedule: '* * * * * *' },`).join(
      '\n',
    )
    writeFileSync(
      path.join(dir, 'circadian.config.mjs'),
      `export default {\n  maxConcurrent: ${JOBS * 2},\n  state: { client: 'pg', connection: '${url}', pool: { max: 10 } },\n  jobs: {\n${jobs}\n  },\n}\n`,
    )
    const children = Array.from({ length: instances }, (_, i) => {
      const child = spawn(
        process.execPath,
        [...GC_FLAGS, BIN, 'serve', '--instance-id', `bench-${i}`, '--log-level', 'info'],
        {
          cwd: dir,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      child.log = ''
      child.stdout.on('data', (c) => (child.log += c))
      // Drained even though unread: a full pipe would keep the process from ever exiting.
      child.stderr.resume()
      return child
    })
    const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 2 } })
    for (;;) {
      try {
        const { n } = await db('instances').whereNull('stopped_at').count({ n: '*' }).first()
        if (Number(n) === instances) break
      } catch {}
      await sleep(100)
    }
    const from = Math.ceil(Date.now() / 1000) * 1000 + 3000
    await sleep(from - Date.now() + SECONDS * 1000 + 2000)
    for (const c of children) c.kill('SIGTERM')
    await Promise.all(children.map((c) => new Promise((r) => c.on('close', r))))
    const statements = children.reduce(
      (sum, c) => sum + (Number(/"databaseStatements":(\d+)/.exec(c.log)?.[1]) || 0),
      0,
    )
    const rows = await db('runs')
      .whereBetween('scheduled_for', [
        new Date(from).toISOString(),
        new Date(from + (SECONDS - 1) * 1000).toISOString(),
      ])
      .select('job', 'scheduled_for', 'started_at', 'finished_at', 'instance', 'status', 'reason', 'summary', 'data')
    const total = await db('runs').count({ n: '*' }).first()
    await db.destroy()
    const seen = new Map()
    for (const r of rows) seen.set(`${r.job}@${r.scheduled_for}`, (seen.get(`${r.job}@${r.scheduled_for}`) ?? 0) + 1)
    const late = rows
      .filter((r) => r.started_at)
      .map((r) => Date.parse(r.started_at) - Date.parse(r.scheduled_for))
      .sort((a, b) => a - b)
    const invoked = rows
      .filter((r) => r.data)
      .map((r) => JSON.parse(r.data).invokedLateMs)
      .sort((a, b) => a - b)
    const finishes = rows.map((r) => Date.parse(r.finished_at)).sort((a, b) => a - b)
    return {
      expected: JOBS * SECONDS,
      recorded: seen.size,
      duplicates: [...seen.values()].filter((n) => n > 1).length,
      perSecond: finishes.length / ((finishes[finishes.length - 1] - finishes[0]) / 1000 || 1),
      p50: pct(late, 50),
      p99: pct(late, 99),
      invoked: invoked.length,
      invokedP50: pct(invoked, 50),
      invokedP99: pct(invoked, 99),
      notSucceeded: rows.filter((r) => r.status !== 'succeeded').length,
      notSucceededBy: rows
        .filter((r) => r.status !== 'succeeded')
        .reduce((by, r) => {
          const k = [r.status, r.reason, r.summary].filter(Boolean).join(': ')
          by[k] = (by[k] ?? 0) + 1
          return by
        }, {}),
      statementsPerFire: statements / Number(total.n),
      byInstance: Object.fromEntries(
        Array.from({ length: instances }, (_, i) => [
          `bench-${i}`,
          rows.filter((r) => r.instance === `bench-${i}`).length,
        ]),
      ),
    }
  })
}

async function pgBoss() {
  const { default: PgBoss } = await import('pg-boss')
  return withDatabase('circadian_bench_pgboss', async (url) => {
    const boss = new PgBoss({ connectionString: url, max: 10, supervise: false, schedule: false })
    boss.on('error', () => {})
    await boss.start()
    await boss.createQueue('bench')
    const total = JOBS * SECONDS
    const t = performance.now()
    let done = 0
    for (let sent = 0; sent < total; sent += JOBS) {
      await boss.insert(
        Array.from({ length: Math.min(JOBS, total - sent) }, (_, i) => ({ name: 'bench', data: { i: sent + i } })),
      )
      for (;;) {
        const jobs = await boss.fetch('bench', { batchSize: JOBS })
        if (!jobs?.length) break
        await boss.complete(
          'bench',
          jobs.map((j) => j.id),
        )
        done += jobs.length
      }
    }
    const ms = performance.now() - t
    await boss.stop({ graceful: false, wait: true })
    return { jobs: done, perSecond: (done / ms) * 1000 }
  })
}

try {
  linkNoopPlugin(BIN, path.join(work, 'noop-plugin'), env)
  console.log(
    `bench/multi-instance: ${JOBS.toLocaleString('en')} jobs every second for ${SECONDS} s on PostgreSQL (machine: ${os.cpus().length} cores)`,
  )
  for (const n of [1, 3]) {
    const k = cronerAnchor(
      { jobs: JOBS, pattern: '* * * * * *', periodMs: 1000, count: SECONDS },
      { root: ROOT, work, nodeFlags: GC_FLAGS },
    )
    const r = await circadian(n)
    console.log(
      `  circadian, ${n} instance${n > 1 ? 's' : ''}: job invoked p50 ${r.invokedP50} ms p99 ${r.invokedP99} ms (row started_at p50 ${r.p50} ms p99 ${r.p99} ms); invoked ${r.invoked}/${r.expected}, ${r.recorded}/${r.expected} occurrences recorded (${r.notSucceeded} not succeeded${r.notSucceeded ? ` ${JSON.stringify(r.notSucceededBy)}` : ''}), ${r.duplicates} duplicates, ${r.perSecond.toFixed(0)} fires recorded/s, ${r.statementsPerFire.toFixed(2)} database statements per fire; by instance ${JSON.stringify(r.byInstance)}`,
    )
    console.log(
      `    croner alone just before: p50 ${k.p50} ms p99 ${k.p99} ms (${k.fired}/${k.expected} fired); ratio job-invoked p99 ${(r.invokedP99 / Math.max(1, k.p99)).toFixed(2)}x`,
    )
  }
  const b = await pgBoss()
  console.log(
    `  pg-boss publish + fetch + complete (batches of ${JOBS}): ${b.jobs} jobs, ${b.perSecond.toFixed(0)} jobs/s (throughput ceiling of a queue doing the same bookkeeping; no schedule)`,
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}
