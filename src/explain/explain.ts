import type { JobDefinition, ValidatedConfig } from '../config/model.js'
import { parseTimeFlag } from '../config/triggers.js'
import { didYouMean } from '../config/suggest.js'
import { UsageError } from '../errors.js'
import { formatInZone } from '../schedule/zone.js'
import type { Store } from '../state/store.js'
import { explainNext } from './next-steps.js'
import { explainOccurrenceRecords, explainRow } from './record-steps.js'
import { type AskedTime, explainTime } from './schedule-steps.js'
import { type Explanation, iso, step } from './step.js'

export function jobOf(config: ValidatedConfig, name: string): JobDefinition {
  const job = config.jobs.get(name)
  if (!job) throw new UsageError(`unknown job "${name}"${didYouMean(name, config.jobs.keys())}`)
  return job
}

/** Reads `--at` (or the API's `at`) as `next --from` does: ISO with an offset, or a wall time in the job's zone. */
export function parseAt(text: string, job: JobDefinition, flag = '--at'): AskedTime {
  const parsed = parseTimeFlag(text, job.timezone)
  if (parsed === 'format')
    throw new UsageError(
      `${flag} "${text}" is not an ISO date-time (e.g. 2026-03-29T02:30 in the job's zone, or 2026-03-29T00:30:00Z)`,
    )
  if (parsed === 'invalid') throw new UsageError(`${flag} "${text}" is not a valid date-time`)
  return parsed
}

/** Why the job fired, or did not, at a time: the schedule's verdict, then what the store recorded. */
export async function explainAt(
  config: ValidatedConfig,
  store: Store,
  name: string,
  at: string | AskedTime,
  now: number,
): Promise<Explanation> {
  const job = jobOf(config, name)
  const asked = typeof at === 'string' ? parseAt(at, job) : at
  const schedule = explainTime(job, asked)
  const steps = [...schedule.steps]
  if (schedule.occurrence !== null)
    steps.push(...(await explainOccurrenceRecords({ store, jobName: name, job, now }, schedule.occurrence)))
  const question =
    asked.wall !== null
      ? `at ${new Date(asked.wall).toISOString().slice(0, 19).replace('T', ' ')} (${job.timezone})`
      : `at ${formatInZone(job.timezone, asked.instant)}`
  return {
    job: name,
    question,
    timezone: job.timezone,
    occurrence: schedule.occurrence === null ? null : iso(schedule.occurrence),
    steps,
  }
}

/** Why the next `count` fires after `from` are where they are. Needs no store. */
export function explainNextFires(config: ValidatedConfig, name: string, from: number, count: number): Explanation {
  const job = jobOf(config, name)
  const { steps, fires } = explainNext(job, from, count)
  return {
    job: name,
    question: `next ${count} fire${count === 1 ? '' : 's'} after ${formatInZone(job.timezone, from)}`,
    timezone: job.timezone,
    occurrence: fires.length ? iso(fires[0]) : null,
    steps,
  }
}

/** Why one recorded run went as it did: its occurrence's schedule (if it had one), then its row. */
export async function explainRun(
  config: ValidatedConfig,
  store: Store,
  runId: string,
  now: number,
): Promise<Explanation> {
  const row = await store.runs.get(runId)
  if (!row) throw new UsageError(`no run "${runId}" in the store (see \`circadian history\` for run ids)`)
  const job = config.jobs.get(row.job)
  const ctx = { store, jobName: row.job, job, now }
  const steps = []
  if (!job)
    steps.push(
      step('config', 'warn', `"${row.job}" is no longer a job in the config; showing what the store recorded`, {}),
    )
  if (row.scheduled_for && job?.trigger) {
    const occurrence = Date.parse(row.scheduled_for)
    const schedule = explainTime(job, { instant: occurrence, wall: null })
    steps.push(...schedule.steps)
  } else if (!row.scheduled_for) {
    steps.push(
      step('trigger', 'info', `run ${row.id} was not a scheduled occurrence: trigger ${row.trigger}`, {
        trigger: row.trigger,
      }),
    )
  }
  steps.push(...(await explainRow(ctx, row)))
  return {
    job: row.job,
    question: `run ${row.id}`,
    timezone: job?.timezone ?? null,
    occurrence: row.scheduled_for,
    steps,
  }
}
