// The anchor of bench/sql-alerts: the same alert queries through a bare knex instance, same concurrency,
// nothing else (no run records, no state, no contract checks). Prints { ms, count } as JSON.
// argv: <json: { client, connection, queries: string[] | { template, n }, concurrency }>
import knex from 'knex'

const { client, connection, template, n, concurrency } = JSON.parse(process.argv[2])
const db = knex({
  client,
  connection,
  useNullAsDefault: true,
  pool: client === 'better-sqlite3' ? { min: 1, max: 1 } : { min: 0, max: concurrency },
})
await db.raw('select 1')
const start = performance.now()
let next = 1
let count = 0
async function worker() {
  while (next <= n) {
    const i = next++
    const rows = await db.raw(template.replaceAll('$i', String(i)))
    const list = Array.isArray(rows) ? (Array.isArray(rows[0]) ? rows[0] : rows) : rows.rows
    if (list.length === 1) count++
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))
const ms = performance.now() - start
await db.destroy()
process.stdout.write(JSON.stringify({ ms, count }))
