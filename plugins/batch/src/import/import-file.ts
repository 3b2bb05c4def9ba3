import type { RowSink } from '../db/bulk-insert.js'
import { valuesHash } from '../text/normalize.js'
import { type CsvProblem, readCsv } from './csv-records.js'
import type { CellReader, FeedSpec, RowEnv } from './feeds/spec.js'
import { type InspectedFeed, isBlank } from './inspect-feed.js'
import type { ImportProgress } from './progress.js'
import type { RejectSink } from './rejects.js'
import { RowRejected } from './row-rejected.js'

export interface FileStats {
  file: string
  encoding: string
  detected: boolean
  rows: number
  accepted: number
  rejected: number
  ignoredColumns: string[]
}

export interface ImportTarget {
  spec: FeedSpec
  rows: RowSink
  rejects: RejectSink
  progress: ImportProgress
  env: RowEnv
  /** Values the import appends to each row: source, run, change seq, (hash), status, first/last seen. */
  bookkeeping: { source: string; runId: string; seq: number; status: string; now: string }
  delimiter: string
  signal: AbortSignal
}

function badBytes(encoding: string): string {
  return encoding === 'utf-8'
    ? "contains bytes that are not valid UTF-8 (is the file Shift_JIS? use encoding 'auto' or 'shift_jis')"
    : `contains bytes that are not valid ${encoding === 'euc-jp' ? 'EUC-JP' : 'Shift_JIS/CP932'}`
}

/** What is wrong with a record before its values are looked at: its width, or bytes that did not decode. */
function shapeProblem(fields: string[], width: number, encoding: string): string | null {
  if (fields.length < width || (fields.length > width && !isBlank(fields, width))) return `has ${fields.length} fields; the header has ${width}`
  // Decoders put U+FFFD where bytes were not valid in the file's encoding.
  for (let i = 0; i < fields.length; i++) if (fields[i].includes('\uFFFD')) return badBytes(encoding)
  return null
}

/** The row's table values, or why it is rejected. */
function convert(spec: FeedSpec, cell: CellReader, env: RowEnv): unknown[] | string {
  try {
    return spec.toRow(cell, env)
  } catch (err) {
    if (err instanceof RowRejected) return err.message
    throw err
  }
}

/** Streams one inspected file into the rows and rejects sinks. */
export async function importFile(feed: InspectedFeed, target: ImportTarget): Promise<FileStats> {
  const { spec, progress, bookkeeping: b } = target
  const stats: FileStats = { file: feed.display, encoding: feed.encoding.encoding, detected: feed.encoding.detected, rows: 0, accepted: 0, rejected: 0, ignoredColumns: feed.columns.ignored }
  const { index, width } = feed.columns
  const fileOrder = [...spec.required, ...spec.optional].map((c) => index.get(c))
  const problems: CsvProblem[] = []

  const reject = async (line: number, reason: string, fields: string[], cell?: CellReader) => {
    stats.rejected++
    progress.rejected++
    await target.rejects.add({
      file: feed.display,
      line,
      reason,
      externalId: cell ? spec.idOf(cell)?.slice(0, 191) ?? null : null,
      fields,
      columns: cell ? fileOrder.map((i) => (i === undefined ? undefined : fields[i])) : [],
    })
  }

  let fields: string[] = []
  // One reader of the current record for the whole file, rather than a closure per row.
  const cell: CellReader = (column) => {
    const i = index.get(column)
    return i === undefined ? undefined : fields[i]
  }
  for await (const batch of readCsv({ file: feed.file, display: feed.display, encoding: feed.encoding.encoding, delimiter: target.delimiter }, target.signal, problems)) {
    if (target.signal.aborted) throw target.signal.reason ?? new Error('aborted')
    for (const record of batch) {
      fields = record.fields
      if (record.line <= feed.headerLine || isBlank(fields)) continue
      stats.rows++
      progress.rows++
      const values = shapeProblem(fields, width, feed.encoding.encoding) ?? convert(spec, cell, target.env)
      if (typeof values === 'string') {
        await reject(record.line, values, fields, cell)
        continue
      }
      const hash = valuesHash(values)
      values.push(b.source, b.runId, b.seq, hash, b.status, b.now, b.now)
      // SQLite writes at once and returns nothing; only a server database's batch flush is awaited.
      const pending = target.rows.write(values)
      if (pending) await pending
      stats.accepted++
      progress.accepted++
    }
    progress.tick(feed.display)
  }
  for (const problem of problems) {
    stats.rows++
    progress.rows++
    await reject(problem.line, problem.reason, [])
  }
  return stats
}
