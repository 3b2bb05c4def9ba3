import type { Knex } from 'knex'
import type { JobLogger, Notice, PluginKeyValue } from 'circadian'
import type { Occurrence } from '../store/stage-runs.js'

/** What a stage runner gets from its job's ctx. */
export interface StageEnv {
  db: Knex
  occ: Occurrence
  clock: { now(): number }
  signal: AbortSignal
  log: JobLogger
  kv: PluginKeyValue
  notify(names: string[], notice: Notice): Promise<void>
  /** The job's notifiers (its `notify` key). */
  notifiers: string[]
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error ? signal.reason : new Error(`stopped: ${String(signal.reason ?? 'aborted')}`)
}
