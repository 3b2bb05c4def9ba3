import type { ValidatedConfig } from '../config/model.js'
import { UsageError } from '../errors.js'
import { REDACTED } from '../reliability/redact.js'
import { executeRun } from './execute-run.js'
import type { RunOutcome } from './outcome.js'
import type { RunServices } from './services.js'

/**
 * The snapshot with every redacted value taken from the job's current options at the same place: secrets
 * were never stored, so they come from the config (and its environment) as it is now.
 */
export function restoreSecrets(snapshot: unknown, current: unknown): unknown {
  if (typeof snapshot === 'string')
    return snapshot.includes(REDACTED) && typeof current === 'string' ? current : snapshot
  if (Array.isArray(snapshot))
    return snapshot.map((v, i) => restoreSecrets(v, Array.isArray(current) ? current[i] : undefined))
  if (snapshot && typeof snapshot === 'object') {
    const cur = current && typeof current === 'object' ? (current as Record<string, unknown>) : {}
    return Object.fromEntries(Object.entries(snapshot).map(([k, v]) => [k, restoreSecrets(v, cur[k])]))
  }
  return snapshot
}

/** Runs a dead letter's job again with the options it failed with; success resolves the letter. */
export async function replayDeadLetter(
  config: ValidatedConfig,
  id: number,
  services: RunServices,
): Promise<RunOutcome> {
  const letter = await services.store.deadLetters.get(id)
  if (!letter) throw new UsageError(`No dead letter ${id} (see circadian dlq list)`)
  if (letter.resolved_at)
    throw new UsageError(
      `Dead letter ${id} was already resolved by run ${letter.resolved_by_run} at ${letter.resolved_at}`,
    )
  const job = config.jobs.get(letter.job)
  if (!job)
    throw new UsageError(
      `Dead letter ${id} is for job "${letter.job}", which is no longer in ${config.file}; it cannot be replayed`,
    )
  const options = restoreSecrets(JSON.parse(letter.options), job.options)
  const outcome = await executeRun(
    { ...job, options },
    { trigger: 'replay', scheduledFor: letter.scheduled_for ? Date.parse(letter.scheduled_for) : null },
    services,
  )
  await services.store.deadLetters.markReplayed(
    id,
    outcome.id,
    outcome.status === 'succeeded',
    outcome.finishedAt,
    outcome.error ?? null,
  )
  return outcome
}
