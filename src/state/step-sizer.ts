/**
 * Sizes a repeated step (runs per delete batch, pages per vacuum step) so that one takes about `targetMs`:
 * halved (down to `min`) after a slow step, doubled (up to `max`) after a quick one, starting at `min`. On a
 * large file whose pages are not cached, a step of a fixed size held SQLite's write lock for half a second.
 */
export class StepSizer {
  private size: number

  constructor(
    private readonly max: number,
    private readonly min: number,
    private readonly targetMs: number,
  ) {
    // From the smallest: the first step meets pages no one has read yet, and one of `max` could hold the lock long.
    this.size = min
  }

  get current(): number {
    return this.size
  }

  /** Runs one step of the current size and adjusts the size to how long it took. */
  async step<T>(run: (size: number) => Promise<T>): Promise<T> {
    const started = performance.now()
    const result = await run(this.size)
    this.record(performance.now() - started)
    return result
  }

  record(ms: number): void {
    if (ms > this.targetMs) this.size = Math.max(this.min, Math.floor(this.size / 2))
    else if (ms < this.targetMs / 2) this.size = Math.min(this.max, this.size * 2)
  }
}
