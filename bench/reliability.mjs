// bench/reliability: how fast circadian records runs (a row inserted when a run starts, finished when it
// ends), with a retry policy and a circuit breaker in the path, next to two anchors in the same run on the
// same SQLite settings (WAL, synchronous=NORMAL):
//   raw   — better-sqlite3 prepared INSERT + UPDATE per run, a transaction per statement;
//   knex  — a bare knex insert + update loop.
// Goal (issue "Reliability"): circadian >= 50% of raw runs/s. Prints runs/s and the overhead per run (µs).
// Usage: node bench/reliability.mjs [--runs 20000]
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const dist = (p) => import(path.join(ROOT, 'dist', p))
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const RUNS = arg('runs', 20_000)
const CONCURRENCY = 200
const work = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-rel-'))

const { openStore } = await dist('state/store.js')
const { validateConfig } = await dist('config/validate.js')
const { buildJobTypeRegistry } = await dist('run/job-type-registry.js')
const { defineJobType } = await dist('run/job-type.js')
const { executeRun } = await dist('run/execute-run.js')
const { Breakers } = await dist('reliability/breakers.js')
const { Notifier } = await dist('notify/notifier.js')
const { ConnectionManager } = await dist('run/connections.js')
const { createLogger } = await dist('log/logger.js')
const { z } = await import('zod')

const iso = () => new Date().toISOString()
const row = (i) => ({
  id: `R${String(i).padStart(25, '0')}`,
  job: 'bench',
  type: 'noop',
  trigger: 'manual',
  scheduled_for: null,
  created_at: iso(),
  started_at: iso(),
  finished_at: null,
  status: 'running',
  reason: null,
  attempts: 0,
  summary: null,
  error: null,
  output: null,
  data: null,
  instance: 'bench:1',
})

async function freshStore(name) {
  const store = await openStore({ client: 'better-sqlite3', filename: path.join(work, `${name}.db`) })
  return store
}

async function rawBaseline() {
  const store = await freshStore('raw')
  await store.close()
  const db = new Database(path.join(work, 'raw.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const cols = Object.keys(row(0))
  const insert = db.prepare(`insert into runs (${cols.join(',')}) values (${cols.map((c) => '@' + c).join(',')})`)
  const update = db.prepare(`update runs set status = 'succeeded', finished_at = @at, attempts = 1 where id = @id`)
  const t = performance.now()
  for (let i = 0; i < RUNS; i++) {
    const r = row(i)
    insert.run(r)
    update.run({ id: r.id, at: iso() })
  }
  const ms = performance.now() - t
  db.close()
  return ms
}

async function knexBaseline() {
  const store = await freshStore('knex')
  const t = performance.now()
  for (let i = 0; i < RUNS; i++) {
    const r = row(i)
    await store.knex('runs').insert(r)
    await store.knex('runs').where({ id: r.id }).update({ status: 'succeeded', finished_at: iso(), attempts: 1 })
  }
  const ms = performance.now() - t
  await store.close()
  return ms
}

async function circadian() {
  const noop = defineJobType({
    type: 'noop',
    options: z.object({}),
    resources: () => ['db:bench'],
    run: async () => ({ status: 'ok' }),
  })
  const registry = buildJobTypeRegistry([{ plugin: 'bench', result: [noop] }])
  const config = validateConfig(
    {
      resources: { 'db:bench': { breaker: { failures: 5, halfOpenAfter: '60s' } } },
      jobs: { bench: { type: 'noop', retry: { attempts: 3, delay: '10ms' } } },
    },
    { file: path.join(work, 'circadian.config.ts'), registry },
  )
  const store = await freshStore('circadian')
  const clock = { now: () => Date.now() }
  const services = {
    store,
    clock,
    instance: 'bench:1',
    connections: new ConnectionManager({}, work),
    notifier: new Notifier({}, { enabled: false }),
    breakers: new Breakers(store, clock, config.resources),
    logger: await createLogger({ level: 'silent' }),
    configDir: work,
  }
  const job = config.jobs.get('bench')
  let next = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) {
        next++
        await executeRun(job, { trigger: 'manual' }, services)
      }
    }),
  )
  const ms = performance.now() - t
  const { n } = await store.knex('runs').where({ status: 'succeeded' }).count({ n: '*' }).first()
  await store.close()
  if (Number(n) !== RUNS) throw new Error(`expected ${RUNS} succeeded runs, found ${n}`)
  return ms
}

try {
  const raw = await rawBaseline()
  const knex = await knexBaseline()
  const ours = await circadian()
  const perSecond = (ms) => (RUNS / ms) * 1000
  console.log(
    `bench/reliability: ${RUNS.toLocaleString('en')} runs recorded (insert at start, finish at end) on SQLite`,
  )
  console.log(
    `  raw better-sqlite3 (prepared, a transaction per statement)  ${perSecond(raw).toFixed(0).padStart(7)} runs/s  ${((raw * 1000) / RUNS).toFixed(1).padStart(6)} µs/run`,
  )
  console.log(
    `  bare knex insert + update loop                                ${perSecond(knex).toFixed(0).padStart(7)} runs/s  ${((knex * 1000) / RUNS).toFixed(1).padStart(6)} µs/run`,
  )
  console.log(
    `  circadian executeRun (retry policy + breaker in the path)     ${perSecond(ours).toFixed(0).padStart(7)} runs/s  ${((ours * 1000) / RUNS).toFixed(1).padStart(6)} µs/run`,
  )
  console.log(
    `  circadian / raw: ${(raw / ours).toFixed(2)}x   (goal >= 0.50x)   circadian / knex: ${(knex / ours).toFixed(2)}x   overhead vs raw: ${(((ours - raw) * 1000) / RUNS).toFixed(1)} µs/run`,
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}
