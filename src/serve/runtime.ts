import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import type { JobDefinition, ValidatedConfig } from '../config/model.js'
import { toJobLogger } from '../log/logger.js'
import { Notifier } from '../notify/notifier.js'
import { Breakers } from '../reliability/breakers.js'
import { ConnectionManager } from '../run/connections.js'
import { executeRun } from '../run/execute-run.js'
import type { RunTrigger } from '../run/job-type.js'
import { type RunOutcome, recordedOutcome } from '../run/outcome.js'
import { RunRecorder } from '../run/recorder.js'
import type { RunServices } from '../run/services.js'
import type { TimerClock } from '../schedule/clock.js'
import type { Store } from '../state/store.js'
import { startedOrEnded } from '../state/runs.js'
import { DependencyTracker } from './dependencies.js'
import { type Dispatch, Dispatcher } from './dispatcher.js'
import { type OccurrenceContext, handleDueOccurrences, startOnTime } from './occurrences.js'
import { PreClaims } from './pre-claims.js'
import { diffJobs } from './reloader.js'
import { recoverExpiredRuns } from './recovery.js'
import { type DueOccurrences, Scheduler } from './scheduler.js'

/** How old the view of other instances' running jobs (for `overlap` across instances) may be. */
const OTHERS_REFRESH_MS = 250

export interface RuntimeOptions {
  config: ValidatedConfig
  store: Store
  clock: TimerClock
  logger: Logger
  instance: string
  notify: boolean
  /** Notices were queued in the outbox (serve's deliverer sends them at once). */
  onNoticeQueued?: () => void
}

/**
 * The scheduling core of `serve`: the current config, the scheduler, the dispatcher and the dependency
 * tracker, wired together. Everything that reaches the outside world goes through the store.
 */
export interface RuntimeEvents {
  /** A run's row exists and its work starts. */
  started: [{ job: string; runId: string }]
  /** A run or an occurrence ended (succeeded, failed, skipped, missed, ...). */
  outcome: [RunOutcome]
}

export class ServeRuntime extends EventEmitter<RuntimeEvents> {
  config: ValidatedConfig
  readonly paused = new Set<string>()
  /** Set while the store cannot be trusted (its SQLite file was removed or replaced): nothing is fired. */
  storeProblem: string | null = null
  readonly scheduler: Scheduler
  readonly dispatcher: Dispatcher
  readonly recorder: RunRecorder
  private readonly claims: PreClaims
  /** What handling due occurrences needs: one object for every wake-up. */
  private readonly occurrences: OccurrenceContext
  private readonly dependencies: DependencyTracker
  private services: RunServices
  private readonly log
  private readonly inflight = new Set<Promise<unknown>>()

  constructor(private readonly options: RuntimeOptions) {
    super()
    this.setMaxListeners(100)
    this.config = options.config
    this.log = toJobLogger(options.logger)
    this.recorder = new RunRecorder(options.store, options.clock, options.instance)
    this.services = this.servicesFor(options.config)
    options.store.batcher.onTransientError = (err, attempt) => {
      if (attempt === 0)
        this.log.warn(
          `the state store is unreachable (${err instanceof Error ? err.message : String(err)}); writes are kept and retried`,
        )
    }
    this.dispatcher = new Dispatcher({
      maxConcurrent: options.config.maxConcurrent,
      pools: this.poolLimits(options.config),
      recorder: this.recorder,
      execute: (job, request) => executeRun(job, request, this.services),
      onOutcome: (outcome) => this.onOutcome(outcome),
      log: this.log,
      othersRunning: () => this.others,
    })
    this.dependencies = new DependencyTracker({
      jobs: () => this.config.jobs,
      store: options.store,
      recorder: this.recorder,
      dispatcher: this.dispatcher,
      isPaused: (job) => this.paused.has(job),
      log: this.log,
    })
    this.claims = new PreClaims(this.recorder, this.log)
    this.occurrences = {
      recorder: this.recorder,
      dispatcher: this.dispatcher,
      claims: this.claims,
      isPaused: (j) => this.paused.has(j),
      log: this.log,
      report: (o) => this.onOutcome(o),
    }
    this.scheduler = new Scheduler(options.clock, {
      onDue: (due) => {
        if (!this.startOnTime(due)) this.track(this.onDue(due))
      },
      onUpcoming: (job, occurrence, dueAt) => {
        if (!this.paused.has(job.name) && !this.storeProblem) this.claims.claim(job, occurrence, dueAt)
      },
      onClockJump: ({ expected, actual }) =>
        this.log.warn(
          `the clock jumped ${Math.round((actual - expected) / 1000)}s (suspend or time change); due occurrences follow the catch-up rules`,
        ),
    })
  }

  /** Jobs with a run in progress on other instances: refreshed in the background, read without waiting. */
  private others: ReadonlySet<string> = new Set()
  private othersTimer: NodeJS.Timeout | null = null
  private othersLoading = false

  /**
   * One query shared by every dispatch, every OTHERS_REFRESH_MS: a due run checks the latest answer instead
   * of waiting for a fresh one, so its claim (and its job's start) never waits for a read. Also on a SQLite
   * file only this serve uses: a `circadian run` beside it is another instance. The query reads the
   * (status, lease_until) index's running rows only.
   */
  private refreshOthers(): Promise<void> {
    if (this.othersLoading) return Promise.resolve()
    this.othersLoading = true
    return startedOrEnded(
      this.options.store.knex('runs').where({ status: 'running' }).andWhereNot({ instance: this.options.instance }),
      this.options.clock.now(),
    )
      .distinct('job')
      .then((rows: Array<{ job: string }>) => {
        this.others = new Set(rows.map((r) => r.job))
      })
      .catch(() => {})
      .finally(() => {
        this.othersLoading = false
      })
  }

  private poolLimits(config: ValidatedConfig): Record<string, number> {
    return Object.fromEntries(Object.entries(config.pools).map(([name, p]) => [name, p.maxConcurrent]))
  }

  private servicesFor(config: ValidatedConfig): RunServices {
    const connections = new ConnectionManager(config.connections, config.dir)
    return {
      store: this.options.store,
      clock: this.options.clock,
      instance: this.options.instance,
      connections,
      notifier: new Notifier(config.notifiers, {
        enabled: this.options.notify,
        log: this.log,
        store: this.options.store,
        clock: this.options.clock,
        onQueued: () => this.options.onNoticeQueued?.(),
      }),
      breakers: new Breakers(this.options.store, this.options.clock, config.resources),
      logger: this.options.logger,
      configDir: config.dir,
      events: {
        onStart: (job, runId) => {
          this.options.logger.info({ job, run: runId }, 'run started')
          this.emit('started', { job, runId })
        },
        onRetry: (job, r) =>
          this.options.logger.info({ job, attempt: r.attempt, delayMs: r.delayMs }, `retrying: ${r.error}`),
      },
    }
  }

  /** Background work (handling occurrences, dependency checks) is tracked so errors are logged and shutdown can wait. */
  private track(p: Promise<unknown>): void {
    const tracked = p
      .catch((err) => this.log.error(`scheduler error: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => this.inflight.delete(tracked))
    this.inflight.add(tracked)
  }

  private onOutcome(outcome: RunOutcome): void {
    this.emit('outcome', outcome)
    // Thousands of outcomes a second: nothing is built for a line the log level drops, or a check with no job to run.
    const level = outcomeLevel(outcome)
    if (this.options.logger.isLevelEnabled(level))
      this.options.logger[level](
        {
          job: outcome.job,
          run: outcome.id,
          status: outcome.status,
          reason: outcome.reason,
          attempts: outcome.attempts,
          error: outcome.error,
        },
        outcomeMessage(outcome),
      )
    if (this.dependencies.hasDownstream(outcome.job)) this.track(this.dependencies.onOutcome(outcome))
  }

  /** The usual fire (see startOnTime), with nothing to await: most fires, thousands a second. */
  private startOnTime(due: DueOccurrences): boolean {
    const job = this.config.jobs.get(due.job.name)
    if (!job || this.storeProblem) return false
    return startOnTime(this.occurrences, job, due, (err) => this.dueFailed(job.name, err))
  }

  private async onDue(due: DueOccurrences): Promise<void> {
    const job = this.config.jobs.get(due.job.name)
    if (!job) return
    if (this.storeProblem) {
      // Not fired and not recorded: once the store is back, the job resumes from its watermark (catch-up rules).
      void this.claims.release(job.name)
      this.resyncLater(job.name, 5000)
      return
    }
    try {
      await this.handleDue(job, due)
    } catch (err) {
      this.dueFailed(job.name, err)
    }
  }

  private dueFailed(name: string, err: unknown): void {
    this.log.warn(
      `${name}: handling its due occurrences failed (${err instanceof Error ? err.message : String(err)}); they will be re-read from the store`,
      { job: name },
    )
    this.resyncLater(name)
  }

  /**
   * Schedules a job again from its stored watermark, once the store answers: whatever fell due since is
   * handled then, by the catch-up rules, and claims make anything already recorded a no-op.
   */
  private resyncLater(name: string, delayMs = 1000): void {
    setTimeout(() => {
      void this.options.store.jobState
        .get(name)
        .then((state) => {
          const job = this.config.jobs.get(name)
          if (job) this.reschedule(job, state?.watermark ? Date.parse(state.watermark) : this.options.clock.now())
        })
        .catch(() => this.resyncLater(name, Math.min(30_000, delayMs * 2)))
    }, delayMs).unref()
  }

  /** Schedules a job again from `after`; a run it had claimed ahead is let go (its next fire may differ). */
  private reschedule(job: JobDefinition, after: number): void {
    void this.claims.release(job.name)
    this.scheduler.schedule(job, after)
  }

  private async handleDue(job: JobDefinition, due: DueOccurrences): Promise<void> {
    await handleDueOccurrences(this.occurrences, job, due.occurrences, due.now, due.truncated)
  }

  /**
   * Starts scheduling. A job with a watermark resumes after it (occurrences missed while nothing ran follow
   * the catch-up rules); a job seen for the first time starts from now.
   */
  async start(): Promise<void> {
    await this.services.connections.prepare()
    const now = this.options.clock.now()
    const states = new Map((await this.options.store.jobState.all()).map((s) => [s.job, s]))
    for (const s of states.values()) if (s.paused) this.paused.add(s.job)
    const fresh: string[] = []
    for (const job of this.config.jobs.values()) {
      const watermark = states.get(job.name)?.watermark
      // A disabled job's time is not downtime: its watermark follows the clock, so enabling it starts from then.
      if (job.trigger && (!watermark || !job.core.enabled)) fresh.push(job.name)
      this.scheduler.schedule(job, watermark && job.core.enabled ? Date.parse(watermark) : now)
    }
    await Promise.all(fresh.map((name) => this.recorder.advanceWatermark(name, now)))
    await this.refreshOthers()
    this.othersTimer = setInterval(() => void this.refreshOthers(), OTHERS_REFRESH_MS)
    this.othersTimer.unref()
    this.scheduler.start()
  }

  async recover(): Promise<number> {
    return recoverExpiredRuns({
      store: this.options.store,
      recorder: this.recorder,
      dispatcher: this.dispatcher,
      jobs: () => this.config.jobs,
      instance: this.options.instance,
      clock: this.options.clock,
      log: this.log,
    })
  }

  /** Applies a new, valid config as a diff: a changed schedule continues from now and never re-fires the past. */
  async applyConfig(next: ValidatedConfig): Promise<{ added: number; removed: number; changed: number }> {
    const diff = diffJobs(this.config.jobs, next.jobs)
    const previous = this.services
    this.config = next
    this.services = this.servicesFor(next)
    await this.services.connections.prepare()
    this.dispatcher.setLimits(next.maxConcurrent, this.poolLimits(next))
    const now = this.options.clock.now()
    for (const name of diff.removed) {
      this.scheduler.unschedule(name)
      void this.claims.release(name)
    }
    const states = new Map((await this.options.store.jobState.all()).map((s) => [s.job, s]))
    for (const job of [...diff.added, ...diff.changed]) {
      const watermark = states.get(job.name)?.watermark
      this.reschedule(job, Math.max(watermark ? Date.parse(watermark) : 0, now))
      if (job.trigger) await this.recorder.advanceWatermark(job.name, now)
    }
    // Runs in progress keep the connections they started with; close the old pool once they are done.
    void this.dispatcher.idle(60_000).then(() => previous.connections.closeAll())
    return { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length }
  }

  /** A run requested from outside (`circadian trigger`, the API), under the job's overlap policy. */
  async trigger(jobName: string, trigger: RunTrigger, onRecorded?: Dispatch['onRecorded']): Promise<RunOutcome | null> {
    const job = this.config.jobs.get(jobName)
    if (!job) return null
    if (this.paused.has(jobName)) {
      const end = {
        status: 'skipped' as const,
        reason: 'paused',
        attempts: 0,
        summary: 'the job is paused (resume it to run it)',
      }
      const rec = await this.recorder.recordTerminal(job, trigger, null, end)
      if (!rec) return null
      onRecorded?.(rec.id, 'skipped')
      const outcome = recordedOutcome(job, trigger, null, end, rec)
      this.onOutcome(outcome)
      return outcome
    }
    const dispatch: Dispatch = { job, trigger, occurrence: null, claim: false, onRecorded }
    return this.dispatcher.submit(dispatch)
  }

  /** Resolves once no occurrence is being handled, no run is in progress and every write has committed. */
  async settled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      await Promise.allSettled([...this.inflight])
      await this.dispatcher.idle(timeoutMs)
      await this.options.store.batcher.drain()
      if (!this.inflight.size && this.dispatcher.activeCount === 0) return
    }
  }

  jobs(): JobDefinition[] {
    return [...this.config.jobs.values()]
  }

  /** Stops firing, lets running runs finish within `graceMs`, then aborts the rest (recorded interrupted). */
  async shutdown(graceMs: number, abortNow = false): Promise<void> {
    this.scheduler.stop()
    // Runs claimed for instants that will not come here: their occurrences are the next instance's.
    await this.claims.releaseAll()
    if (this.othersTimer) clearInterval(this.othersTimer)
    const now = this.options.clock.now()
    await Promise.all(
      this.jobs()
        .filter((j) => j.trigger && !j.core.enabled)
        .map((j) => this.recorder.advanceWatermark(j.name, now)),
    )
    this.dispatcher.stopAccepting()
    if (abortNow || !(await this.dispatcher.idle(graceMs))) {
      this.dispatcher.abortAll('interrupted')
      await this.dispatcher.idle(15_000)
    }
    await Promise.allSettled([...this.inflight])
    await this.options.store.batcher.drain()
    await this.services.connections.closeAll()
  }
}

/** One log line per outcome: a run that did not do its work (or alerted) is a warning, the rest information. */
function outcomeLevel(outcome: RunOutcome): 'info' | 'warn' {
  return outcome.status === 'failed' ||
    outcome.status === 'timed_out' ||
    outcome.status === 'alert' ||
    outcome.status === 'interrupted'
    ? 'warn'
    : 'info'
}

function outcomeMessage(o: RunOutcome): string {
  const status = o.status.replace('_', ' ')
  const reason = o.status === 'skipped' && o.reason ? ` (${o.reason})` : ''
  const detail =
    o.error && o.error !== o.status
      ? `: ${o.error.split('\n')[0]}`
      : o.status === 'alert' && o.summary
        ? `: ${o.summary.split('\n')[0]}`
        : ''
  return `run ${status}${reason}${detail}`
}
