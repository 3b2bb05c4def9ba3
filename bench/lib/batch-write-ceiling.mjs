// The ceiling of any SQLite import of these listings: better-sqlite3 inserting the very rows batch-import
// stored (all 26 columns: the feed's, the derived keys and the bookkeeping), with the same upsert, in one
// transaction on a fresh database set up as a job connection's (SQLite's default rollback journal) with the
// bulk page cache. As batch-import does, the per-run columns are written into the statement and the rest bound.
// No CSV, no validation: only the writing.
//   node bench/lib/batch-write-ceiling.mjs SOURCE.db TARGET.db   → prints {"rows": N, "seconds": S}
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(new URL('../../package.json', import.meta.url))
const Database = require('better-sqlite3')
const [sourceFile, targetFile] = process.argv.slice(2)
const TABLE = 'batch_listings'
const CHUNK = 50_000

const source = new Database(sourceFile, { readonly: true })
const ddl = source.prepare('select sql from sqlite_master where tbl_name = ? and sql is not null').pluck().all(TABLE)
const columns = source
  .prepare(`select * from ${TABLE} limit 1`)
  .columns()
  .map((c) => c.name)
  .filter((c) => c !== 'id')
for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(targetFile + suffix, { force: true })
const target = new Database(targetFile)
target.pragma('cache_size = -65536')
for (const statement of ddl) target.exec(statement)
const updates = columns
  .filter((c) => c !== 'external_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')
const PER_RUN = ['import_run', 'change_seq', 'status', 'first_seen_at', 'last_seen_at']
const sample = source.prepare(`select ${PER_RUN.join(', ')} from ${TABLE} limit 1`).get()
const literal = (v) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`)
const bound = columns.filter((c) => !PER_RUN.includes(c))
const tuple = columns.map((c) => (PER_RUN.includes(c) ? literal(sample[c]) : '?')).join(', ')
const insert = target.prepare(
  `insert into ${TABLE} (${columns.join(', ')}) values (${tuple}) on conflict (external_id) do update set ${updates}`,
)
const read = source.prepare(`select ${bound.join(', ')} from ${TABLE} where id > ? order by id limit ${CHUNK}`).raw()
const lastId = source.prepare(`select id from ${TABLE} where id > ? order by id limit 1 offset ${CHUNK - 1}`).pluck()

let rows = 0
let seconds = 0
let after = 0
target.exec('begin')
for (;;) {
  const chunk = read.all(after) // read outside the timing: only the writes count
  if (!chunk.length) break
  const started = performance.now()
  for (const row of chunk) insert.run(...row)
  seconds += (performance.now() - started) / 1000
  rows += chunk.length
  after = lastId.get(after) ?? Number.MAX_SAFE_INTEGER
}
const started = performance.now()
target.exec('commit')
seconds += (performance.now() - started) / 1000
console.log(JSON.stringify({ rows, seconds }))
