import { type CsvProblem, type CsvRecord, readCsv } from './csv-records.js'
import type { FileEncoding } from './encoding.js'
import { FEEDS } from './feeds/index.js'
import type { CellReader, FeedKind, FeedSpec, RowEnv } from './feeds/spec.js'
import type { ColumnMap } from './header.js'
import { isBlank } from './inspect-feed.js'
import type { Reject } from './rejects.js'
import { RowRejected } from './row-rejected.js'

/** Everything needed to turn one inspected file's records into rows: plain data, so a worker thread can get it. */
export interface FeedLayout {
  kind: FeedKind
  file: string
  display: string
  encoding: FileEncoding
  delimiter: string
  columns: ColumnMap
  headerLine: number
  env: RowEnv
}

/** Rows (the feed's table columns, then an empty slot) and the rejects among `records` records. */
export interface ConvertedBatch {
  rows: unknown[][]
  rejects: Reject[]
  records: number
}

function badBytes(encoding: string): string {
  return encoding === 'utf-8'
    ? "contains bytes that are not valid UTF-8 (is the file Shift_JIS? use encoding 'auto' or 'shift_jis')"
    : `contains bytes that are not valid ${encoding === 'euc-jp' ? 'EUC-JP' : 'Shift_JIS/CP932'}`
}

/** What is wrong with a record before its values are looked at: its width, or bytes that did not decode. */
function shapeProblem(fields: string[], width: number, encoding: string, replaced: boolean): string | null {
  if (fields.length < width || (fields.length > width && !isBlank(fields, width)))
    return `has ${fields.length} fields; the header has ${width}`
  // Decoders put U+FFFD where bytes were not valid in the file's encoding.
  if (replaced) for (let i = 0; i < fields.length; i++) if (fields[i].includes('\uFFFD')) return badBytes(encoding)
  return null
}

/** Validates and converts a file's records, one batch at a time. */
export class RecordConverter {
  private readonly spec: FeedSpec
  private readonly fileOrder: Array<number | undefined>
  private fields: string[] = []
  /** Filled in by readCsv: whether the file's text has held a U+FFFD yet. */
  readonly decoded = { replaced: false }
  // One reader of the current record for the whole file, rather than a closure per row.
  private readonly cell: CellReader

  constructor(private readonly layout: FeedLayout) {
    this.spec = FEEDS[layout.kind]
    const { index } = layout.columns
    this.fileOrder = [...this.spec.required, ...this.spec.optional].map((c) => index.get(c))
    this.cell = (column) => {
      const i = index.get(column)
      return i === undefined ? undefined : this.fields[i]
    }
  }

  convert(records: readonly CsvRecord[], out: ConvertedBatch): void {
    const { spec, layout } = this
    for (const record of records) {
      const fields = (this.fields = record.fields)
      if (record.line <= layout.headerLine || isBlank(fields)) continue
      out.records++
      const shape = shapeProblem(fields, layout.columns.width, layout.encoding, this.decoded.replaced)
      if (shape) {
        out.rejects.push(this.reject(record.line, shape, fields, true))
        continue
      }
      let values: unknown[]
      try {
        values = spec.toRow(this.cell, layout.env)
      } catch (err) {
        if (!(err instanceof RowRejected)) throw err
        out.rejects.push(this.reject(record.line, err.message, fields, true))
        continue
      }
      // The slot the main thread fills with the source: the row then never grows.
      values.push(null)
      out.rows.push(values)
    }
  }

  /** Records that were not valid CSV: rejects with no fields. */
  problems(problems: readonly CsvProblem[], out: ConvertedBatch): void {
    for (const problem of problems) {
      out.records++
      out.rejects.push(this.reject(problem.line, problem.reason, [], false))
    }
  }

  private reject(line: number, reason: string, fields: string[], readable: boolean): Reject {
    return {
      file: this.layout.display,
      line,
      reason,
      externalId: readable ? (this.spec.idOf(this.cell)?.slice(0, 191) ?? null) : null,
      fields,
      columns: readable ? this.fileOrder.map((i) => (i === undefined ? undefined : fields[i])) : [],
    }
  }
}

function emptyBatch(): ConvertedBatch {
  return { rows: [], rejects: [], records: 0 }
}

/**
 * A file's converted rows and rejects, in batches of at least `minRecords` records (but the last); records that
 * are not valid CSV come last.
 */
export async function* convertFile(
  layout: FeedLayout,
  signal: AbortSignal,
  minRecords = 1,
): AsyncGenerator<ConvertedBatch> {
  const converter = new RecordConverter(layout)
  const problems: CsvProblem[] = []
  let batch = emptyBatch()
  for await (const records of readCsv(layout, signal, problems, { report: converter.decoded })) {
    converter.convert(records, batch)
    if (batch.records >= minRecords) {
      yield batch
      batch = emptyBatch()
    }
  }
  converter.problems(problems, batch)
  if (batch.records) yield batch
}
