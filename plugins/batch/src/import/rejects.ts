import { redactThenTruncate } from 'circadian'
import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import { type RowSink, bulkSink, insertStatement } from '../db/bulk-insert.js'
import { T } from '../db/tables.js'
import { csvLine } from './csv-line.js'
import type { FeedSpec } from './feeds/spec.js'

export interface Reject {
  file: string
  line: number
  reason: string
  externalId: string | null
  /** The record's fields as read, in file order. */
  fields: string[]
  /** The feed's columns in the reject file's order, filled from the record when its header was readable. */
  columns: Array<string | undefined>
}

/** Rejects keep the record's first 50 fields, each cut at 300 characters: enough to see what went wrong. */
const KEEP_FIELDS = 50
const KEEP_CHARS = 300
const REJECT_COLUMNS = ['run_id', 'job', 'kind', 'file', 'line', 'external_id', 'reason', 'record', 'created_at']

/**
 * Where rejected rows go: always the `batch_rejects` table (in the import's transaction, so a failed import
 * leaves none), and, with `rejectFile`, a CSV the partner can fix and send back (written beside and renamed
 * into place when the import commits).
 */
export class RejectSink {
  count = 0
  private table!: RowSink
  private stream: WriteStream | null = null
  private readonly partial: string | null

  private constructor(
    private readonly meta: { runId: string; job: string; spec: FeedSpec; now: string },
    private readonly target: string | null,
  ) {
    this.partial = target ? `${target}.partial` : null
  }

  static async open(
    trx: Knex.Transaction,
    meta: { runId: string; job: string; spec: FeedSpec; now: string },
    target: string | null,
  ): Promise<RejectSink> {
    const sink = new RejectSink(meta, target)
    sink.table = await bulkSink(trx, insertStatement(T.rejects, REJECT_COLUMNS))
    if (sink.partial) {
      mkdirSync(path.dirname(sink.partial), { recursive: true })
      sink.stream = createWriteStream(sink.partial)
      sink.stream.write(csvLine(['file', 'line', 'reason', ...meta.spec.required, ...meta.spec.optional]))
    }
    return sink
  }

  async add(reject: Reject): Promise<void> {
    this.count++
    const record = JSON.stringify(reject.fields.slice(0, KEEP_FIELDS).map((f) => redactThenTruncate(f, KEEP_CHARS + 1)))
    const { runId, job, spec, now } = this.meta
    await this.table.write([
      runId,
      job,
      spec.kind,
      reject.file,
      reject.line,
      reject.externalId,
      reject.reason,
      record,
      now,
    ])
    if (this.stream && !this.stream.write(csvLine([reject.file, reject.line, reject.reason, ...reject.columns]))) {
      await new Promise<void>((resolve) => this.stream!.once('drain', () => resolve()))
    }
  }

  async flush(): Promise<void> {
    await this.table.flush()
    if (this.stream) {
      const stream = this.stream
      this.stream = null
      await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())))
    }
  }

  /** After the commit: the reject file takes its place. */
  publish(): void {
    if (this.partial && this.target) renameSync(this.partial, this.target)
  }

  discard(): void {
    this.stream?.destroy()
    if (this.partial) rmSync(this.partial, { force: true })
  }
}

/** The reject file's path: relative to the config's directory; {job} and {run} are filled in. */
export function rejectFilePath(
  template: string | undefined,
  configDir: string,
  job: string,
  runId: string,
): string | null {
  if (!template) return null
  return path.resolve(configDir, template.replace(/\{job\}/g, job).replace(/\{run\}/g, runId))
}
