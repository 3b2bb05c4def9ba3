import { JobError } from 'circadian'
import { FeedError } from '../import/feed-error.js'

/** A feed problem becomes a failed attempt with its reason (`failed (header)` in history); others pass as they are. */
export function asJobError(err: unknown): unknown {
  if (err instanceof FeedError) return new JobError(err.message, { reason: err.reason })
  return err
}
