// The ceiling of any csv-parse import on this machine: csv-parse streaming a file and nothing else.
//   node bench/lib/batch-csv-parse-only.mjs FILE   → prints {"rows": N, "seconds": S}
import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'

const started = performance.now()
let rows = 0
const parser = createReadStream(process.argv[2], { highWaterMark: 1 << 20 }).pipe(
  parse({ bom: true, relax_column_count: true }),
)
parser.on('data', () => rows++)
parser.on('end', () => console.log(JSON.stringify({ rows: rows - 1, seconds: (performance.now() - started) / 1000 })))
