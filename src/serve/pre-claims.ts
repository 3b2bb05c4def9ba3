import type { JobDefinition } from '../config/model.js'
import type { JobLogger } from '../run/job-type.js'
import type { RecordedRun, RunRecorder } from '../run/recorder.js'

/** What a claim made ahead came to: the run (its row committed), another row holds it, or it was not written. */
export type HeldClaim = RecordedRun | 'elsewhere' | null

interface Ahead {
  occurrence: number
  type: string
  run: RecordedRun
  /** The row's commit: true when this row holds the claim. */
  inserted: Promise<boolean>
  /** What `inserted` resolved to, once it has (read without waiting at the instant). */
  held?: boolean
}

/**
 * Occurrences claimed ahead of their instant, one per job: the claim's commit happens while the scheduler
 * waits, so at the instant the job starts with its row already durable. A claim is either taken (its run
 * starts) or released (its row deleted, the occurrence free again): on a reschedule, a removal, a pause
 * or a full slot, and at shutdown. A crash leaves the row `running`, so recovery records it interrupted and
 * the occurrence is never run twice.
 */
export class PreClaims {
  private readonly ahead = new Map<string, Ahead>()
  /** Per job: a release not yet committed; the job's next claim is written after it. */
  private readonly releasing = new Map<string, Promise<void>>()

  constructor(
    private readonly recorder: RunRecorder,
    private readonly log: JobLogger,
  ) {}

  /** Claims `occurrence` (due at `dueAt`) for `job` now; a claim the job already holds for it is kept. */
  claim(job: JobDefinition, occurrence: number, dueAt: number): void {
    const held = this.ahead.get(job.name)
    if (held?.occurrence === occurrence && held.type === job.type) return
    if (held) this.release(job.name)
    // Written after a release of this job's commits: the two rows may hold the same occurrence's claim.
    const { run, inserted } = this.recorder.claimAhead(job, occurrence, dueAt, this.releasing.get(job.name))
    const entry: Ahead = { occurrence, type: job.type, run, inserted }
    inserted.then(
      (held) => (entry.held = held),
      () => {},
    )
    this.ahead.set(job.name, entry)
  }

  /**
   * The claim for `occurrence` of `job`, handed over (the caller starts the run or releases it): its run,
   * 'elsewhere' when another row holds the occurrence, null when none was made or it could not be written.
   */
  take(job: string, occurrence: number): HeldClaim | Promise<HeldClaim> {
    const entry = this.ahead.get(job)
    if (entry?.occurrence !== occurrence) return null
    this.ahead.delete(job)
    // Committed before the instant (the usual case): answered at once, so the job starts in this tick.
    if (entry.held !== undefined) return entry.held ? entry.run : 'elsewhere'
    return entry.inserted.then(
      (held) => (held ? entry.run : 'elsewhere'),
      () => null,
    )
  }

  /**
   * The claim for `occurrence` of `job` if its commit is already known, without handing it over: its run, or
   * 'elsewhere'. Undefined when there is none or it is not committed yet (take() waits for it).
   */
  ready(job: string, occurrence: number): RecordedRun | 'elsewhere' | undefined {
    const entry = this.ahead.get(job)
    if (entry?.occurrence !== occurrence || entry.held === undefined) return undefined
    return entry.held ? entry.run : 'elsewhere'
  }

  /** The job's claim ahead was used (its run started) or found held elsewhere: nothing is left to let go. */
  forget(job: string): void {
    this.ahead.delete(job)
  }

  /** Lets go of the job's claim ahead, if it has one: its row is deleted once written. */
  release(job: string): Promise<void> {
    const held = this.ahead.get(job)
    if (!held) return this.releasing.get(job) ?? Promise.resolve()
    this.ahead.delete(job)
    return this.track(
      job,
      held.inserted.then((mine) => (mine ? this.recorder.release(held.run) : undefined)),
    )
  }

  /** Releases a run taken from here that will not start after all. */
  giveBack(job: string, run: RecordedRun): Promise<void> {
    return this.track(job, this.recorder.release(run))
  }

  /** Releases every claim ahead (shutdown); resolves once the deletes committed. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.ahead.keys()].map((job) => this.release(job)))
    await Promise.all(this.releasing.values())
  }

  private track(job: string, write: Promise<void>): Promise<void> {
    const done = write
      .catch((err: unknown) =>
        this.log.warn(
          `${job}: a run claimed ahead could not be released (${err instanceof Error ? err.message : String(err)}); it will be recorded interrupted`,
          { job },
        ),
      )
      .finally(() => {
        if (this.releasing.get(job) === done) this.releasing.delete(job)
      })
    this.releasing.set(job, done)
    return done
  }
}
