import type { ConvertedBatch } from './convert-records.js'
import type { FeedError } from './feed-error.js'

/** Records in one message: few enough messages that their fixed cost is small, each a few hundred KiB. */
export const RECORDS_PER_MESSAGE = 500
/** Messages the worker sends before it waits for the main thread to take one. */
export const MAX_IN_FLIGHT = 4

export type WorkerMessage =
  | { type: 'batch'; batch: ConvertedBatch }
  | { type: 'done' }
  | { type: 'error'; message: string; stack?: string; reason?: FeedError['reason'] }
