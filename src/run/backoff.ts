import {
  ConstantBackoff,
  DelegateBackoff,
  ExponentialBackoff,
  type IBackoffFactory,
  halfJitterGenerator,
  noJitterGenerator,
} from 'cockatiel'
import type { RetryPolicy } from '../config/schema/job.js'

/**
 * The wait before retry n: exponential doubles from `delay` up to `maxDelay`; fixed waits `delay` each
 * time. With jitter each wait is drawn from [wait/2, wait), so jobs that failed together spread out.
 */
export function backoffFor(policy: RetryPolicy): IBackoffFactory<unknown> {
  if (policy.backoff === 'fixed') {
    if (!policy.jitter) return new ConstantBackoff(policy.delay)
    return new DelegateBackoff(() => Math.floor(policy.delay / 2 + (Math.random() * policy.delay) / 2))
  }
  return new ExponentialBackoff({
    initialDelay: policy.delay,
    maxDelay: policy.maxDelay,
    generator: policy.jitter ? halfJitterGenerator : noJitterGenerator,
  })
}
