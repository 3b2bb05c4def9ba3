import type { JobDefinition } from '../config/model.js'
import type { RunRequest } from '../run/execute-run.js'
import type { JobLogger, RunTrigger } from '../run/job-type.js'
import { type RunOutcome, recordedOutcome } from '../run/outcome.js'
import { type RecordedRun, type RunRecorder, claimFor } from '../run/recorder.js'
import { RunStop } from '../run/run-stop.js'

export interface Dispatch {
  job: JobDefinition
  trigger: RunTrigger
  /** The occurrence this run is for (null for a manual trigger). */
  occurrence: number | null
  /** Scheduler-owned occurrences are claimed, so each is run or recorded once. */
  claim: boolean
  /** Part of a catch-up sequence for its job: it waits for the previous one instead of overlapping it. */
  chained?: boolean
  /** Attempts an earlier run of this occurrence made before its process died: they count against `retry`. */
  priorAttempts?: number
  /** Told the run's id as soon as its row exists (or that the run was skipped). */
  onRecorded?(runId: string, status: 'running' | 'queued' | 'skipped'): void
}

interface Waiting {
  dispatch: Dispatch
  run: RecordedRun
  seq: number
  resolve(outcome: RunOutcome | null): void
}

interface Active {
  controller: RunStop
  done: Promise<RunOutcome>
  runId: string
  startedAt: number
}

export interface DispatcherOptions {
  maxConcurrent: number
  pools: Record<string, number>
  recorder: RunRecorder
  execute(job: JobDefinition, request: RunRequest): Promise<RunOutcome>
  onOutcome(outcome: RunOutcome, dispatch: Dispatch): void
  log: JobLogger
  /** Jobs with a run in progress on other instances sharing the store (a snapshot at most a moment old). */
  othersRunning?(): ReadonlySet<string>
}

const OVERLAP_SUMMARY = 'the previous run of this job was still running'

/**
 * Decides when a due run starts: the job's overlap policy (skip, queue, allow, replace), then the global
 * `maxConcurrent` and the job's pool; when more runs are due than slots, higher priority first, then the
 * earlier scheduled time.
 */
export class Dispatcher {
  private readonly active = new Map<string, Set<Active>>()
  /**
   * Per job: its runs whose work is still going. This is what `overlap` looks at: a run whose job returned
   * and whose end is being recorded does not make the next fire skip or wait.
   */
  private readonly working = new Map<string, number>()
  /** Runs claimed and waiting: for a slot, or (overlap `queue`) for their job's running run. */
  private waiting: Waiting[] = []
  /** Per job: how many of `waiting` are its runs (read on every submit; the list itself may be long). */
  private readonly waitingPerJob = new Map<string, number>()
  /** Entries were added since `waiting` was last sorted. */
  private unsorted = false
  private running = 0
  /** Per job: submissions between their overlap check and their row being written. */
  private readonly submitting = new Map<string, number>()
  private readonly poolRunning = new Map<string, number>()
  private seq = 0
  private accepting = true

  constructor(private options: DispatcherOptions) {}

  setLimits(maxConcurrent: number, pools: Record<string, number>): void {
    this.options = { ...this.options, maxConcurrent, pools }
    this.pump()
  }

  /** Resolves when the run finishes, or with null when it was not run (skipped, claimed elsewhere). */
  async submit(dispatch: Dispatch): Promise<RunOutcome | null> {
    if (!this.accepting) return null
    const { job } = dispatch
    // Submissions still writing their row count as running: two triggers in the same instant must not both start.
    const activeRuns = (this.working.get(job.name) ?? 0) + (this.submitting.get(job.name) ?? 0)
    const waitingForJob = this.waitingPerJob.get(job.name) ?? 0
    if (!dispatch.chained && (activeRuns || waitingForJob)) {
      const policy = job.core.overlap
      if (policy === 'skip' || (policy === 'queue' && waitingForJob >= 1)) {
        await this.skip(
          dispatch,
          'overlap',
          policy === 'queue' ? 'a run of this job was running and another was already waiting' : OVERLAP_SUMMARY,
        )
        return null
      }
      if (policy === 'replace') for (const a of this.active.get(job.name) ?? []) a.controller.abort('replaced')
    }
    // The slot is taken and the submission counted now, before anything is awaited: runs submitted
    // together cannot all see the job idle.
    const waitsForJob = !dispatch.chained && job.core.overlap === 'queue' && activeRuns > 0
    const reserved = !waitsForJob && this.reserve(job)
    this.submitting.set(job.name, (this.submitting.get(job.name) ?? 0) + 1)
    let run: RecordedRun | null
    try {
      // Another instance running this job counts too: overlap holds across instances (it cannot be replaced
      // or queued from here, so 'queue' and 'replace' skip in that case).
      if (
        !dispatch.chained &&
        !activeRuns &&
        !waitingForJob &&
        job.core.overlap !== 'allow' &&
        this.options.othersRunning?.().has(job.name)
      ) {
        if (reserved) this.unreserve(job)
        await this.skip(dispatch, 'overlap', 'a run of this job is still in progress on another instance')
        return null
      }
      run = await this.options.recorder.start(job, dispatch.trigger, dispatch.occurrence, {
        claim: dispatch.claim,
        queued: !reserved,
      })
    } finally {
      const left = (this.submitting.get(job.name) ?? 1) - 1
      if (left) this.submitting.set(job.name, left)
      else this.submitting.delete(job.name)
    }
    if (!run) {
      if (reserved) this.unreserve(job)
      return null
    }
    dispatch.onRecorded?.(run.id, reserved ? 'running' : 'queued')
    if (reserved) return this.start(dispatch, run)
    // Stopped while the row was written: it stays queued (claimed) for whoever starts next, like the runs
    // stopAccepting let go; waiting here would never end and would hold shutdown forever.
    if (!this.accepting) return null
    return new Promise((resolve) => this.enqueueWaiting({ dispatch, run, seq: ++this.seq, resolve }))
  }

  /**
   * Starts at once a run claimed ahead (its row committed), when nothing stands in its way: no run of its job
   * here or on another instance (unless overlap is 'allow') and a free slot. Otherwise undefined, and the
   * caller releases the claim and submits the run as usual, which applies the overlap policy and queueing.
   */
  startClaimed(dispatch: Dispatch, run: RecordedRun): Promise<RunOutcome> | undefined {
    if (!this.accepting) return undefined
    const { job } = dispatch
    if (job.core.overlap !== 'allow') {
      const name = job.name
      if (this.working.has(name) || this.submitting.has(name) || this.waitingPerJob.has(name)) return undefined
      if (this.options.othersRunning?.().has(name)) return undefined
    }
    if (!this.reserve(job)) return undefined
    this.options.recorder.markStarted(run)
    dispatch.onRecorded?.(run.id, 'running')
    return this.start(dispatch, run)
  }

  /** Starts (when a slot is free) a run whose row already exists: a queued run taken over from a lost process. */
  resume(dispatch: Dispatch, run: RecordedRun): Promise<RunOutcome | null> {
    if (!this.accepting) return Promise.resolve(null)
    return new Promise((resolve) =>
      this.enqueueWaiting({ dispatch: { ...dispatch, chained: true }, run, seq: ++this.seq, resolve }),
    )
  }

  private enqueueWaiting(w: Waiting): void {
    this.waiting.push(w)
    this.unsorted = true
    const name = w.dispatch.job.name
    this.waitingPerJob.set(name, (this.waitingPerJob.get(name) ?? 0) + 1)
    this.pump()
  }

  private dequeueWaiting(i: number): Waiting {
    const [w] = this.waiting.splice(i, 1)
    const name = w.dispatch.job.name
    const left = (this.waitingPerJob.get(name) ?? 1) - 1
    if (left) this.waitingPerJob.set(name, left)
    else this.waitingPerJob.delete(name)
    return w
  }

  private async skip(dispatch: Dispatch, reason: string, summary: string): Promise<void> {
    const claim = dispatch.claim && dispatch.occurrence !== null ? claimFor(dispatch.occurrence) : undefined
    const rec = await this.options.recorder.recordTerminal(
      dispatch.job,
      dispatch.trigger,
      dispatch.occurrence,
      { status: 'skipped', reason, attempts: 0, summary },
      { claim },
    )
    if (rec) dispatch.onRecorded?.(rec.id, 'skipped')
    if (rec)
      this.options.onOutcome(
        recordedOutcome(
          dispatch.job,
          dispatch.trigger,
          dispatch.occurrence,
          { status: 'skipped', reason, summary },
          rec,
        ),
        dispatch,
      )
  }

  private reserve(job: JobDefinition): boolean {
    if (!this.hasSlot(job)) return false
    this.running++
    if (job.core.pool) this.poolRunning.set(job.core.pool, (this.poolRunning.get(job.core.pool) ?? 0) + 1)
    return true
  }

  private unreserve(job: JobDefinition): void {
    this.running--
    if (job.core.pool) this.poolRunning.set(job.core.pool, (this.poolRunning.get(job.core.pool) ?? 1) - 1)
    this.pump()
  }

  private hasSlot(job: JobDefinition): boolean {
    if (this.running >= this.options.maxConcurrent) return false
    const pool = job.core.pool
    if (pool === undefined) return true
    return (this.poolRunning.get(pool) ?? 0) < (this.options.pools[pool] ?? Infinity)
  }

  /** Runs a job in a slot already reserved for it. */
  private start(dispatch: Dispatch, run: RecordedRun): Promise<RunOutcome> {
    const { job } = dispatch
    const controller = new RunStop()
    // Its row committed after shutdown began (a slot was reserved before): shutdown's wait and abortAll have
    // already looked at the running runs, so it must not start work now; it is recorded interrupted (0 attempts).
    if (!this.accepting) controller.abort('interrupted')
    // The run's work is over when its job returns: its slot and its job's overlap are free from then, while its
    // end is still being committed (under load that commit can wait behind others for a while).
    let working = true
    const workDone = () => {
      if (!working) return
      working = false
      const left = (this.working.get(job.name) ?? 1) - 1
      if (left) this.working.set(job.name, left)
      else this.working.delete(job.name)
      this.unreserve(job)
    }
    this.working.set(job.name, (this.working.get(job.name) ?? 0) + 1)
    const request: RunRequest = {
      trigger: dispatch.trigger,
      scheduledFor: dispatch.occurrence,
      signal: controller,
      recorded: run,
      priorAttempts: dispatch.priorAttempts,
      onWorkDone: workDone,
    }
    const done = this.options.execute(job, request)
    const entry: Active = { controller, done, runId: run.id, startedAt: Date.now() }
    const set = this.active.get(job.name) ?? new Set()
    set.add(entry)
    this.active.set(job.name, set)
    this.jobOf.set(run.id, job)
    const ended = () => {
      workDone()
      set.delete(entry)
      this.jobOf.delete(run.id)
      if (!set.size) this.active.delete(job.name)
    }
    return done.then(
      (outcome) => {
        ended()
        this.options.onOutcome(outcome, dispatch)
        return outcome
      },
      (err: unknown) => {
        ended()
        throw err
      },
    )
  }

  /** Starts waiting runs while there are slots: highest priority first, then earliest scheduled time. */
  private pump(): void {
    // Called whenever a run ends: with no slot free (or nothing waiting) it must cost nothing, however many wait.
    if (!this.accepting || !this.waiting.length || this.running >= this.options.maxConcurrent) return
    if (this.unsorted) {
      this.waiting.sort(
        (a, b) =>
          b.dispatch.job.core.priority - a.dispatch.job.core.priority ||
          (a.dispatch.occurrence ?? Infinity) - (b.dispatch.occurrence ?? Infinity) ||
          a.seq - b.seq,
      )
      this.unsorted = false
    }
    for (let i = 0; i < this.waiting.length && this.running < this.options.maxConcurrent;) {
      const w = this.waiting[i]
      const job = w.dispatch.job
      const blockedByOverlap = !w.dispatch.chained && job.core.overlap === 'queue' && this.working.has(job.name)
      if (blockedByOverlap || !this.reserve(job)) {
        i++
        continue
      }
      this.dequeueWaiting(i)
      this.start(w.dispatch, w.run).then(w.resolve, () => w.resolve(null))
    }
  }

  /** Runs in progress, with when they started (wall clock). */
  activeRuns(): Array<{ job: JobDefinition; runId: string; startedAt: number; abort(reason: string): void }> {
    const out = []
    for (const set of this.active.values()) {
      for (const a of set) {
        const job = this.jobOf.get(a.runId)
        if (job)
          out.push({
            job,
            runId: a.runId,
            startedAt: a.startedAt,
            abort: (reason: string) => a.controller.abort(reason),
          })
      }
    }
    return out
  }

  private readonly jobOf = new Map<string, JobDefinition>()

  /** Names of jobs with a run in progress, and how many. */
  runningJobs(): Map<string, number> {
    return new Map([...this.active].map(([name, set]) => [name, set.size]))
  }

  get activeCount(): number {
    return this.running
  }

  get waitingCount(): number {
    return this.waiting.length
  }

  /** Stops starting runs; waiting runs stay claimed (queued) for whoever starts next to pick up. */
  stopAccepting(): Waiting[] {
    this.accepting = false
    const left = this.waiting
    this.waiting = []
    this.waitingPerJob.clear()
    for (const w of left) w.resolve(null)
    return left
  }

  /** Aborts one running run with `reason` (a CancelReason for a cancel); false when it is not running here. */
  abortRun(runId: string, reason: unknown): boolean {
    for (const set of this.active.values()) {
      for (const a of set) {
        if (a.runId !== runId) continue
        a.controller.abort(reason)
        return true
      }
    }
    return false
  }

  /**
   * Ends a run still waiting for a slot without starting it: `interrupted`, reason `cancelled`, `message` as
   * its error. False when it is not waiting here.
   */
  async cancelWaiting(runId: string, message: string): Promise<boolean> {
    const i = this.waiting.findIndex((w) => w.run.id === runId)
    if (i < 0) return false
    const w = this.dequeueWaiting(i)
    const { job, trigger, occurrence } = w.dispatch
    const end = { status: 'interrupted' as const, reason: 'cancelled', attempts: 0, error: message }
    try {
      const at = await this.options.recorder.finish(job, w.run, end)
      const outcome = { ...recordedOutcome(job, trigger, occurrence, end, { id: runId, at }), error: message }
      this.options.onOutcome(outcome, w.dispatch)
      w.resolve(outcome)
    } catch (err) {
      // Not recorded: it waits again (claimed, queued), and the next check of the request tries once more.
      this.enqueueWaiting(w)
      throw err
    }
    this.pump()
    return true
  }

  abortAll(reason: string): void {
    for (const set of this.active.values()) for (const a of set) a.controller.abort(reason)
  }

  /** Resolves when no run is in progress (or after `timeoutMs`); true if everything finished. */
  async idle(timeoutMs: number): Promise<boolean> {
    const all = [...this.active.values()].flatMap((s) => [...s].map((a) => a.done.catch(() => undefined)))
    if (!all.length) return true
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), timeoutMs)
    })
    const finished = await Promise.race([Promise.all(all).then(() => true as const), timeout])
    clearTimeout(timer)
    return finished && this.running === 0 ? true : finished
  }
}
