import { type RetentionRepository, type RunCursor, SCAN_PAGE } from './retention.js'

/** How many of a job's kept runs are read, at most, to learn whether a status occurs among them. */
export const KEPT_SCAN_LIMIT = 20_000

/**
 * Which statuses occur among the runs a prune keeps anyway (at or after the cutoff), read lazily, newest
 * first, one bounded page at a time, and only as far as a question needs. A status not found within
 * KEPT_SCAN_LIMIT rows counts as absent: the caller then keeps its newest older run too, which is safe (one
 * run more than needed) and keeps the read bounded on a job with millions of recent runs.
 */
export class KeptStatuses {
  private readonly seen = new Set<string>()
  private after: RunCursor | undefined
  private read = 0
  private done = false

  constructor(
    private readonly repo: RetentionRepository,
    private readonly job: string,
    private readonly cutoff: string,
    private readonly limit = KEPT_SCAN_LIMIT,
  ) {}

  async has(status: string): Promise<boolean> {
    while (!this.seen.has(status) && !this.done) {
      const page = await this.repo.newestFirst(this.job, Math.min(SCAN_PAGE, this.limit - this.read), {
        after: this.after,
        since: this.cutoff,
      })
      for (const r of page) this.seen.add(r.status)
      this.read += page.length
      this.after = page[page.length - 1]
      this.done = page.length < SCAN_PAGE || this.read >= this.limit
    }
    return this.seen.has(status)
  }
}
