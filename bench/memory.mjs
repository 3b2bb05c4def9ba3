// bench/memory: each stage of the memory pipeline with 10,000 and 100,000 memories.
// For every stage, on two copies of the same store: the plugin (the memory-cycle job type's run(ctx), with
// its occurrence record, store lock and result) against the anchor, the same stage's SQL run directly through
// knex in a transaction (the plugin's own modules, nothing around them). Ratio = the plugin's overhead.
// Also the working stage's time against its 5 s period (goal: well under it at 100,000 memories).
//
//   node bench/memory.mjs            SQLite (the default store)
//   node bench/memory.mjs --pg       SQLite and PostgreSQL ($CIRCADIAN_TEST_PG_URL or postgres@127.0.0.1)
//   BENCH_SIZES=10000 BENCH_RUNS=5 node bench/memory.mjs
// Needs the plugin built: npm run build -w @circadian/plugin-memory
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import knex from 'knex'
import { ConnectionManager } from 'circadian'
import { median } from './lib/measure.mjs'
import { fillStore } from './lib/memory-data.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = path.join(ROOT, 'plugins', 'memory', 'dist')
if (!existsSync(path.join(DIST, 'job-type', 'definition.js'))) {
  console.error('bench/memory: build the plugin first (npm run build -w @circadian/plugin-memory)')
  process.exit(2)
}
const load = (file) => import(path.join(DIST, file))
const { memoryCycleJobType } = await load('job-type/definition.js')
const { memoryCycleOptions } = await load('options/schema.js')
const { resolveParams, STAGES } = await load('options/params.js')
const { ensureSchema } = await load('store/migrate.js')
const { applyWorking } = await load('stages/working.js')
const { applyShortTerm } = await load('stages/short-term.js')
const { replayBatch } = await load('stages/consolidation.js')
const { findLinkCandidates } = await load('stages/rem-links.js')
const { applyLinks } = await load('stages/rem.js')
const { applyHomeostasis } = await load('stages/homeostasis.js')
const { tableSizes, stageLags } = await load('stages/health.js')

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const WITH_PG = process.argv.includes('--pg')
const PG_ADMIN = process.env.CIRCADIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const NOW = Date.parse('2026-03-07T12:00:00Z')
const KEY = 'bench@2026-03-07T12:00:00.000Z'

/** The anchor: each stage's statements through knex, in a transaction, as the plugin's modules run them. Returns rows touched. */
const DIRECT = {
  working: (db, p) => db.transaction((trx) => applyWorking(trx, p, NOW)).then((o) => o.rowsTouched),
  'short-term': (db, p) => db.transaction((trx) => applyShortTerm(trx, p, NOW, KEY)).then((o) => o.rowsTouched),
  consolidation: (db, p) =>
    db.transaction((trx) => replayBatch(trx, p, NOW, KEY)).then((r) => r.replayed + r.transferred),
  'deep-consolidation': async (db, p) => {
    let rows = 0
    for (;;) {
      const r = await db.transaction((trx) => replayBatch(trx, p, NOW, KEY))
      rows += r.replayed + r.transferred
      if (r.replayed < p.batchSize) return rows
    }
  },
  rem: (db, p) =>
    db.transaction(async (trx) => {
      const { candidates } = await findLinkCandidates(trx, p, NOW)
      return (await applyLinks(trx, p, NOW, KEY, candidates, new Map())).links
    }),
  homeostasis: (db, p) => db.transaction((trx) => applyHomeostasis(trx, p, NOW)).then((o) => o.rowsTouched),
  health: async (db, p) => {
    const sizes = await tableSizes(db)
    await stageLags(db, p, NOW)
    return Object.values(sizes).reduce((a, b) => a + b, 0)
  },
}

const silent = { debug() {}, info() {}, warn() {}, error() {} }

function kvInMemory() {
  const map = new Map()
  return {
    get: async (k) => map.get(k),
    set: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
    list: async (prefix = '') => [...map].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value })),
  }
}

async function viaPlugin(db, stage, dir) {
  const ctx = {
    signal: new AbortController().signal,
    log: silent,
    run: {
      id: `bench-${stage}`,
      job: 'bench',
      type: 'memory-cycle',
      scheduledFor: new Date(NOW),
      attempt: 1,
      trigger: 'schedule',
    },
    db: () => db,
    kv: kvInMemory(),
    notify: async () => {},
    clock: { now: () => NOW },
    configDir: dir,
  }
  const result = await memoryCycleJobType.run(ctx, memoryCycleOptions.parse({ stage, connection: 'memory' }))
  if (result.status !== 'ok') throw new Error(`${stage}: ${result.status} ${result.summary}`)
  return result
}

/** A store backend: makes a base store once, then throwaway copies of it. */
function sqliteBackend(dir) {
  return {
    name: 'SQLite',
    base: (n) => ({ client: 'better-sqlite3', filename: path.join(dir, `base-${n}.db`) }),
    async copy(n, i) {
      const filename = path.join(dir, `copy-${n}-${i}.db`)
      copyFileSync(path.join(dir, `base-${n}.db`), filename)
      return { config: { client: 'better-sqlite3', filename }, drop: async () => rmSync(filename, { force: true }) }
    },
  }
}

function pgBackend() {
  const tag = `circadian_bench_${process.pid}`
  const url = (name) => Object.assign(new URL(PG_ADMIN), { pathname: `/${name}` }).toString()
  const admin = () => knex({ client: 'pg', connection: PG_ADMIN, pool: { min: 0, max: 1 } })
  const created = new Set()
  return {
    name: 'PostgreSQL',
    async prepare(n) {
      const a = admin()
      await a.raw(`create database ${tag}_${n}`).finally(() => a.destroy())
      created.add(`${tag}_${n}`)
    },
    base: (n) => ({ client: 'pg', connection: url(`${tag}_${n}`) }),
    async copy(n, i) {
      const name = `${tag}_${n}_${i}`
      const a = admin()
      await a.raw(`create database ${name} template ${tag}_${n}`).finally(() => a.destroy())
      return {
        config: { client: 'pg', connection: url(name) },
        drop: async () => {
          const b = admin()
          await b.raw(`drop database if exists ${name} with (force)`).finally(() => b.destroy())
        },
      }
    },
    async cleanup() {
      for (const name of created) {
        const a = admin()
        await a.raw(`drop database if exists ${name} with (force)`).finally(() => a.destroy())
      }
    },
  }
}

/** Runs `work` against a fresh copy of the base store, through a pool made the way circadian makes it. */
async function onCopy(backend, n, i, dir, work) {
  const copy = await backend.copy(n, i)
  const connections = new ConnectionManager({ memory: copy.config }, dir)
  await connections.prepare()
  try {
    const db = connections.get('memory')
    await ensureSchema(db, NOW) // once per process, as in serve: not part of the stage's time
    const start = process.hrtime.bigint()
    const out = await work(db)
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, out }
  } finally {
    await connections.closeAll()
    await copy.drop()
  }
}

const pad = (s, n) => String(s).padStart(n)
const ms = (v) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0))
const perSecond = (rows, v) => (rows ? Math.round((rows / v) * 1000).toLocaleString('en-US') : '-')

async function benchBackend(backend, dir) {
  const workingAt = {}
  for (const n of SIZES) {
    await backend.prepare?.(n)
    const connections = new ConnectionManager({ memory: backend.base(n) }, dir)
    await connections.prepare()
    const db = connections.get('memory')
    await ensureSchema(db, NOW)
    const filled = await fillStore(db, n, NOW)
    await connections.closeAll()
    console.log(
      `\n${backend.name}, ${n.toLocaleString('en-US')} memories (${filled.shortTerm.toLocaleString('en-US')} short-term, ${filled.longTerm.toLocaleString('en-US')} long-term, ${filled.terms.toLocaleString('en-US')} tags and keywords); median of ${RUNS}`,
    )
    console.log(
      `  ${'stage'.padEnd(20)}${pad('plugin ms', 11)}${pad('direct ms', 11)}${pad('overhead', 10)}${pad('rows', 11)}${pad('plugin rows/s', 15)}${pad('direct rows/s', 15)}`,
    )
    let copies = 0
    for (const stage of STAGES) {
      const params = resolveParams(stage, {})
      const plugin = []
      const direct = []
      let rows = 0
      for (let r = 0; r < RUNS; r++) {
        // Alternate which goes first, so neither always gets the warmer cache.
        const runPlugin = async () =>
          plugin.push((await onCopy(backend, n, copies++, dir, (db) => viaPlugin(db, stage, dir))).ms)
        const runDirect = async () => {
          const d = await onCopy(backend, n, copies++, dir, (db) => DIRECT[stage](db, params))
          direct.push(d.ms)
          rows = d.out
        }
        if (r % 2) await runDirect().then(runPlugin)
        else await runPlugin().then(runDirect)
      }
      const p = median(plugin)
      const d = median(direct)
      if (stage === 'working') workingAt[n] = p
      const note = stage === 'health' ? '  (rows: counted, not changed)' : ''
      console.log(
        `  ${stage.padEnd(20)}${pad(ms(p), 11)}${pad(ms(d), 11)}${pad(`${(p / d).toFixed(2)}x`, 10)}${pad(rows.toLocaleString('en-US'), 11)}${pad(perSecond(rows, p), 15)}${pad(perSecond(rows, d), 15)}${note}`,
      )
    }
  }
  for (const n of SIZES) {
    console.log(
      `  working stage, ${n.toLocaleString('en-US')} memories: ${ms(workingAt[n])} ms = ${((workingAt[n] / 5000) * 100).toFixed(2)}% of its 5 s period`,
    )
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-bench-memory-'))
const backends = [sqliteBackend(dir), ...(WITH_PG ? [pgBackend()] : [])]
console.log(
  'bench/memory: each stage once per fresh copy of the same store. plugin = the memory-cycle job type run(ctx);',
)
console.log('direct = the same stage SQL through knex in a transaction (the anchor); overhead = plugin / direct.')
try {
  for (const backend of backends) {
    try {
      await benchBackend(backend, dir)
    } finally {
      await backend.cleanup?.()
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
