import type { Knex } from 'knex'
import { z } from 'zod'
import type { Clock } from '../schedule/clock.js'

export const RUN_TRIGGERS = ['manual', 'schedule', 'api', 'catchup', 'replay'] as const
export type RunTrigger = (typeof RUN_TRIGGERS)[number]

export const runResultSchema = z.object({
  status: z.enum(['ok', 'alert', 'skipped']),
  summary: z.string().optional(),
  data: z.unknown().optional(),
  /** Captured output of the run (for example a process's stdout and stderr), kept with the run record. */
  output: z.object({ stdout: z.string().optional(), stderr: z.string().optional() }).optional(),
})

export type RunResult = z.infer<typeof runResultSchema>

export interface JobLogger {
  debug(msg: string, extra?: Record<string, unknown>): void
  info(msg: string, extra?: Record<string, unknown>): void
  warn(msg: string, extra?: Record<string, unknown>): void
  error(msg: string, extra?: Record<string, unknown>): void
}

export interface PluginKeyValue {
  get<T = unknown>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
  list<T = unknown>(prefix?: string): Promise<Array<{ key: string; value: T }>>
}

export interface Notice {
  title: string
  text: string
  severity?: 'info' | 'warning' | 'critical'
  fields?: Record<string, string | number | boolean | null>
}

/** What `ctx.notify` queued: one outbox id per notifier (none when notifications are off or nothing was queued). */
export interface NoticeReceipt {
  ids: string[]
}

/** A queued notice's delivery: failed = its last try failed and it will be retried; expired = given up. */
export type NoticeDeliveryState = 'pending' | 'failed' | 'sent' | 'expired' | 'unknown'

export interface RunInfo {
  id: string
  job: string
  type: string
  scheduledFor: Date | null
  attempt: number
  trigger: RunTrigger
}

/** What a job type's `run` receives besides its options. */
export interface JobContext {
  /** Aborted on timeout, on `replace` overlap and on shutdown: stop work and clean up. */
  signal: AbortSignal
  log: JobLogger
  run: RunInfo
  /** A pooled knex instance for a connection named in the config's `connections`. */
  db(name: string): Knex
  /** State that survives between runs, namespaced to the job type's plugin. */
  kv: PluginKeyValue
  /**
   * Queues a notice in the outbox (written to the store before anything is sent; delivered, retried and
   * expired by the core). Returns the outbox ids: read their delivery later with `noticeStates`.
   */
  notify(notifiers: string[], notice: Notice): Promise<NoticeReceipt>
  /** The delivery state of notices this or an earlier run queued (by the ids `notify` returned). */
  noticeStates(ids: string[]): Promise<Record<string, NoticeDeliveryState>>
  clock: Clock
  /** The directory of the config file; relative paths in options are relative to it. */
  configDir: string
  /**
   * Tells circadian the process group (its leader's pid) this attempt started, so that, should circadian
   * die, the instance that recovers the run stops that group. Optional: absent in hand-built contexts.
   */
  processStarted?(pgid: number): void
}

/** What a job type's `prune` receives: the job's retention policy, applied to the type's own tables. */
export interface PruneContext {
  job: string
  /** Keep what is younger than maxAge (ms) OR among the job's newest keepPerJob; delete the rest. */
  policy: { maxAge: number; keepPerJob: number }
  now: number
  /** Count what would be deleted, delete nothing. */
  dryRun: boolean
  db(name: string): Knex
  signal: AbortSignal
  log: JobLogger
}

export interface JobTypeDefinition<Options extends z.ZodType = z.ZodType> {
  /** Unique across all plugins, e.g. 'sql-alert'. */
  type: string
  description?: string
  /** The job's own keys (besides the core ones: schedule, retry, timeout, ...). */
  options: Options
  /** Breaker keys this job uses, e.g. ['db:warehouse']. */
  resources?: (options: z.infer<Options>) => string[]
  /**
   * How long (ms) the job may take to stop after its signal aborts, before the run gives up waiting for it.
   * Default 12 s. The command type waits for its process tree: its killGrace plus a margin.
   */
  stopGrace?: (options: z.infer<Options>) => number
  /**
   * The type sends its own notices about what it finds (through ctx.notify, e.g. an alert entering and
   * leaving), so the core sends none for its runs, whatever the job's notifyOn.
   */
  managesNotices?: boolean
  /**
   * The job's runs are health checks of something serve depends on (a store, a feed): while its last run is
   * an alert or a failure, serve's `/health` is degraded with that run's summary. A function decides per job.
   */
  reportsHealth?: boolean | ((options: z.infer<Options>) => boolean)
  /** Names of config `connections` this job uses; validation reports unknown ones. */
  connections?: (options: z.infer<Options>) => string[]
  /**
   * Prunes the type's own history tables for one job under its retention policy (serve prunes in the
   * background, `circadian state prune` on demand). Delete in small batches and stop when `signal` aborts;
   * return how many rows were (or, with dryRun, would be) deleted.
   */
  prune?: (ctx: PruneContext, options: z.infer<Options>) => Promise<{ deleted: number }>
  /**
   * Throw (ideally a JobError) for a failed attempt; it is retried per the job's policy, unless it is a
   * JobError with `retryable: false` (a failure no retry can fix: the run fails at once, reason `permanent`).
   */
  run: (ctx: JobContext, options: z.infer<Options>) => Promise<RunResult>
}

export function defineJobType<Options extends z.ZodType>(
  definition: JobTypeDefinition<Options>,
): JobTypeDefinition<Options> {
  return definition
}

export interface JobErrorDetails {
  output?: RunResult['output']
  data?: unknown
  reason?: string
  /** false: retrying cannot help (a wrong header, a SQL syntax error); the run fails after this attempt. Default true. */
  retryable?: boolean
}

/** A failed attempt with details worth keeping in the run record. */
export class JobError extends Error {
  readonly output?: RunResult['output']
  readonly data?: unknown
  /** A machine-readable cause such as 'exit-code' or 'memory-limit'. */
  readonly reason?: string
  readonly retryable: boolean

  constructor(message: string, details: JobErrorDetails = {}) {
    super(message)
    this.name = 'JobError'
    this.output = details.output
    this.data = details.data
    this.reason = details.reason
    this.retryable = details.retryable ?? true
  }
}

/**
 * Whether a thrown value says no retry can fix it. Checked by shape, not class, so a plugin bundling its
 * own copy of the API is understood too.
 */
export function isPermanentError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false
}
