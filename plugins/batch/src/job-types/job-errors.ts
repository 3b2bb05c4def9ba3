import { JobError } from 'circadian'
import { FeedError } from '../import/feed-error.js'

/** Feed problems that are in the file itself: the same file fails the same way on every retry. */
const PERMANENT: ReadonlySet<FeedError['reason']> = new Set(['header', 'encoding', 'csv'])

/**
 * A feed problem becomes a failed attempt with its reason (`failed (header)` in history); a problem in the
 * file itself (header, encoding, broken CSV) is permanent, so the run fails without retrying (reason
 * `permanent`, the feed's reason kept in data). Others pass as they are.
 */
export function asJobError(err: unknown): unknown {
  if (err instanceof FeedError && PERMANENT.has(err.reason))
    return new JobError(err.message, { reason: err.reason, retryable: false, data: { feedError: err.reason } })
  if (err instanceof FeedError) return new JobError(err.message, { reason: err.reason })
  return err
}
