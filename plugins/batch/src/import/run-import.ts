import type { JobContext, RunResult } from 'circadian'
import { bulkSink } from '../db/bulk-insert.js'
import { nextChangeSeq } from '../db/meta.js'
import { ensureSchema } from '../db/schema.js'
import { T } from '../db/tables.js'
import { withWriteTransaction } from '../db/transaction.js'
import type { ImportOptions } from '../job-types/import-options.js'
import { FeedError } from './feed-error.js'
import { feedUpsert } from './feed-upsert.js'
import { FEEDS } from './feeds/index.js'
import { resolveFeedFiles } from './files.js'
import { type FileStats, importFile } from './import-file.js'
import { finishImport, tableHasRows } from './finish-import.js'
import { type InspectedFeed, inspectFeed } from './inspect-feed.js'
import { ImportProgress } from './progress.js'
import { RejectSink, rejectFilePath } from './rejects.js'

/** Rejects older than this are dropped when the same job imports again. */
const KEEP_REJECTS_MS = 30 * 24 * 3600 * 1000

export interface ImportReport {
  kind: string
  mode: 'full' | 'delta'
  source: string
  files: FileStats[]
  rows: number
  accepted: number
  rejected: number
  duplicates: number
  absent: number
  seconds: number
  rowsPerSecond: number
  changeSeq: number
  rejectFile: string | null
}

const ABSENT_WORD = { listings: 'closed', users: 'deactivated', applications: 'removed', activity: 'removed' } as const

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
}

export function importSummary(r: ImportReport, job: string): string {
  const encodings = [...new Set(r.files.map((f) => f.encoding))].join('/')
  const parts = [
    `${r.kind}: ${plural(r.rows, 'row')} from ${plural(r.files.length, 'file')} (${encodings}) in ${r.seconds.toFixed(1)}s (${r.rowsPerSecond.toLocaleString('en-US')} rows/s)`,
  ]
  const outcome = [`${r.accepted.toLocaleString('en-US')} upserted`, `${r.rejected.toLocaleString('en-US')} rejected`]
  if (r.duplicates) outcome.push(`${plural(r.duplicates, 'repeated id')} (later row kept)`)
  if (r.mode === 'full')
    outcome.push(
      `${r.absent.toLocaleString('en-US')} ${ABSENT_WORD[r.kind as keyof typeof ABSENT_WORD]} (not in the full feed)`,
    )
  const hint = r.rejected ? `; see: circadian batch rejects --job ${job}` : ''
  return `${parts[0]}: ${outcome.join(', ')}${hint}`
}

/**
 * One import: resolve the files, check every file's encoding and header, then stream all rows into the
 * tables in one transaction (rows, rejects, the full-feed retirements and the import record land together
 * or not at all).
 */
export async function runImport(ctx: JobContext, options: ImportOptions): Promise<RunResult> {
  const started = performance.now()
  const spec = FEEDS[options.kind]
  const source = options.source ?? ctx.run.job
  const patterns = Array.isArray(options.path) ? options.path : [options.path]
  const db = ctx.db(options.connection)
  await ensureSchema(db)

  const files = await resolveFeedFiles(patterns, ctx.configDir)
  const inspected: InspectedFeed[] = []
  for (const file of files) inspected.push(await inspectFeed(file, spec, options, ctx.signal))

  const target = rejectFilePath(options.rejectFile, ctx.configDir, ctx.run.job, ctx.run.id)
  const startedAt = new Date(ctx.clock.now()).toISOString()
  let rejects: RejectSink | null = null
  try {
    const { counts, progress } = await withWriteTransaction(db, ctx.signal, async (trx) => {
      rejects?.discard()
      const seq = await nextChangeSeq(trx)
      const now = new Date(ctx.clock.now()).toISOString()
      const progress = new ImportProgress(ctx.log, () => performance.now(), started)
      rejects = await RejectSink.open(trx, { runId: ctx.run.id, job: ctx.run.job, spec, now }, target)
      const tableHadRows = await tableHasRows(trx, spec)
      const rows = await bulkSink(trx, feedUpsert(spec, { runId: ctx.run.id, seq, status: spec.status.present, now }))
      const stats: FileStats[] = []
      for (const feed of inspected) {
        stats.push(
          await importFile(feed, {
            spec,
            rows,
            rejects,
            progress,
            env: { zone: options.feedTimezone },
            source,
            delimiter: options.delimiter,
            signal: ctx.signal,
          }),
        )
      }
      await rows.flush()
      await rejects.flush()
      if (options.mode === 'full' && progress.accepted === 0) {
        throw new FeedError(
          `the full ${spec.kind} feed has no valid rows; refusing to retire every ${spec.kind === 'listings' ? 'listing' : 'row'} of source "${source}" (fix the feed, or import it with mode 'delta')`,
          'empty-feed',
        )
      }
      const finished = await finishImport(trx, {
        spec,
        runId: ctx.run.id,
        source,
        seq,
        mode: options.mode,
        accepted: progress.accepted,
        repeats: rows.repeats,
        tableHadRows,
      })
      const counts: Omit<ImportReport, 'seconds' | 'rowsPerSecond'> = {
        kind: spec.kind,
        mode: options.mode,
        source,
        files: stats,
        rows: progress.rows,
        accepted: progress.accepted,
        rejected: progress.rejected,
        duplicates: finished.duplicates,
        absent: finished.absent,
        changeSeq: seq,
        rejectFile: target,
      }
      await trx(T.rejects)
        .where({ job: ctx.run.job })
        .where('created_at', '<', new Date(ctx.clock.now() - KEEP_REJECTS_MS).toISOString())
        .delete()
      await trx(T.imports).insert({
        run_id: ctx.run.id,
        job: ctx.run.job,
        kind: spec.kind,
        source,
        mode: options.mode,
        started_at: startedAt,
        finished_at: new Date(ctx.clock.now()).toISOString(),
        row_count: counts.rows,
        accepted: counts.accepted,
        rejected: counts.rejected,
        duplicates: counts.duplicates,
        absent: counts.absent,
        change_seq: seq,
        files: JSON.stringify(stats),
      })
      return { counts, progress }
    })
    ;(rejects as RejectSink | null)?.publish()
    // Read after the commit: the time includes it, as the anchor's (sqlite3 .import) does.
    const report: ImportReport = {
      ...counts,
      seconds: Number(progress.seconds.toFixed(3)),
      rowsPerSecond: progress.rowsPerSecond,
    }
    return { status: 'ok', summary: importSummary(report, ctx.run.job), data: report }
  } catch (err) {
    ;(rejects as RejectSink | null)?.discard()
    throw err
  }
}
