// batch-import's CSV reader alone on a UTF-8 file (reading and decoding included): the ceiling of the import.
//   node bench/lib/batch-parser-only.mjs FILE   → prints {"rows": N, "seconds": S}   (needs plugins/batch built)
import { readCsv } from '../../plugins/batch/dist/import/csv-records.js'

const started = performance.now()
let rows = 0
const source = { file: process.argv[2], display: process.argv[2], encoding: 'utf-8', delimiter: ',' }
for await (const batch of readCsv(source, new AbortController().signal, [])) rows += batch.length
console.log(JSON.stringify({ rows: rows - 1, seconds: (performance.now() - started) / 1000 }))
