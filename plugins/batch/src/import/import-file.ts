import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { matchKey } from '../text/normalize.js'
import type { RowSink } from '../db/bulk-insert.js'
import { convertInWorker, parseWorkerAvailable } from './convert-in-worker.js'
import { type ConvertedBatch, type FeedLayout, convertFile } from './convert-records.js'
import type { FeedSpec, RowEnv } from './feeds/spec.js'
import type { InspectedFeed } from './inspect-feed.js'
import type { ImportProgress } from './progress.js'
import type { RejectSink } from './rejects.js'

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
  /** The partner the rows come from (the other bookkeeping values are fixed in the upsert statement). */
  source: string
  delimiter: string
  signal: AbortSignal
}

/** Below this a worker thread's start (tens of ms) costs more than overlapping the reading with the writes saves. */
export const PARALLEL_FROM_BYTES = 4 << 20

/** Streams one inspected file into the rows and rejects sinks. */
export async function importFile(feed: InspectedFeed, target: ImportTarget): Promise<FileStats> {
  const { progress, source } = target
  const stats: FileStats = {
    file: feed.display,
    encoding: feed.encoding.encoding,
    detected: feed.encoding.detected,
    rows: 0,
    accepted: 0,
    rejected: 0,
    ignoredColumns: feed.columns.ignored,
  }
  const layout: FeedLayout = {
    kind: target.spec.kind,
    file: feed.file,
    display: feed.display,
    encoding: feed.encoding.encoding,
    delimiter: target.delimiter,
    columns: feed.columns,
    headerLine: feed.headerLine,
    env: target.env,
  }
  // On a worker thread when it pays: a big file and a second CPU.
  const inWorker =
    availableParallelism() > 1 && (await stat(feed.file)).size >= PARALLEL_FROM_BYTES && parseWorkerAvailable()
  const batches: AsyncIterable<ConvertedBatch> = inWorker
    ? convertInWorker(layout, target.signal)
    : convertFile(layout, target.signal)
  const keyed = (target.spec.matchKeys ?? []).map(
    ([key, of]) => [target.spec.columns.indexOf(key), target.spec.columns.indexOf(of)] as const,
  )
  for await (const batch of batches) {
    target.signal.throwIfAborted()
    stats.rows += batch.records
    progress.rows += batch.records
    for (const values of batch.rows) {
      for (const [key, of] of keyed) values[key] = values[of] === null ? null : matchKey(values[of] as string)
      values[values.length - 1] = source
      // SQLite writes at once and returns nothing; only a server database's batch flush is awaited.
      const pending = target.rows.write(values)
      if (pending) await pending
    }
    stats.accepted += batch.rows.length
    progress.accepted += batch.rows.length
    for (const reject of batch.rejects) await target.rejects.add(reject)
    stats.rejected += batch.rejects.length
    progress.rejected += batch.rejects.length
    progress.tick(feed.display)
  }
  return stats
}
