// The middle figure of bench/sql-alerts: the same alert queries through the plugin's query path alone
// (read-only transaction, database-enforced timeout, row guard, contract check) — no run records, no
// alert state. Same connection settings as a job gets (the core's ConnectionManager). Prints { ms, count }.
// argv: <json: { connection, template, n, concurrency }>
import { ConnectionManager } from 'circadian'
import { evaluateQuery } from '../../plugins/sql-alerts/dist/evaluate/evaluate-query.js'
import { sqlAlertOptions } from '../../plugins/sql-alerts/dist/job-type/options.js'

const { connection, template, n, concurrency } = JSON.parse(process.argv[2])
const connections = new ConnectionManager({ data: connection }, process.cwd())
await connections.prepare()
const db = connections.get('data')
const optionsFor = (i) => sqlAlertOptions.parse({ connection: 'data', query: template.replaceAll('$i', String(i)) })
await evaluateQuery(db, optionsFor(1))
const start = performance.now()
let next = 1
let count = 0
async function worker() {
  while (next <= n) {
    const i = next++
    const evaluation = await evaluateQuery(db, optionsFor(i))
    if (evaluation.kind !== 'ERROR') count++
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))
const ms = performance.now() - start
await connections.closeAll()
process.stdout.write(JSON.stringify({ ms, count }))
