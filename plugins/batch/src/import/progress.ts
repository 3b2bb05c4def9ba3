import type { JobLogger } from 'circadian'

/** Import counters, and a log line every few seconds while a big file streams (`run --log-level info`). */
export class ImportProgress {
  rows = 0
  accepted = 0
  rejected = 0
  private lastReport: number

  /** `started`: when the import began (files found, encodings and headers checked count as import time). */
  constructor(
    private readonly log: JobLogger,
    private readonly now: () => number,
    private readonly started: number,
    private readonly everyMs = 2000,
  ) {
    this.lastReport = now()
  }

  get seconds(): number {
    return (this.now() - this.started) / 1000
  }

  get rowsPerSecond(): number {
    return this.seconds > 0 ? Math.round(this.rows / this.seconds) : this.rows
  }

  tick(file: string): void {
    const t = this.now()
    if (t - this.lastReport < this.everyMs) return
    this.lastReport = t
    this.log.info(`${file}: ${this.rows} rows so far (${this.rowsPerSecond} rows/s), ${this.rejected} rejected`, {
      rows: this.rows,
      rejected: this.rejected,
      rowsPerSecond: this.rowsPerSecond,
    })
  }
}
