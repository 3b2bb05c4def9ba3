import { type JobDefinition, UsageError, type ValidatedConfig } from 'circadian'
import type { SqlAlertOptions } from '../job-type/options.js'

export const SQL_ALERT_TYPE = 'sql-alert'

export interface AlertJob {
  name: string
  options: SqlAlertOptions
  definition: JobDefinition
}

function asAlertJob(job: JobDefinition): AlertJob {
  return { name: job.name, options: job.options as SqlAlertOptions, definition: job }
}

/** Every `sql-alert` job of the config, in config order. */
export function alertJobs(config: ValidatedConfig): AlertJob[] {
  return [...config.jobs.values()].filter((j) => j.type === SQL_ALERT_TYPE).map(asAlertJob)
}

/** The `sql-alert` job named on the command line; an unknown name or a job of another type is a usage error. */
export function findAlertJob(config: ValidatedConfig, name: string): AlertJob {
  const job = config.jobs.get(name)
  const known = alertJobs(config).map((j) => j.name)
  const list = known.length ? `sql-alert jobs: ${known.join(', ')}` : 'the config has no sql-alert jobs'
  if (!job) throw new UsageError(`unknown job "${name}" in ${config.file} (${list})`)
  if (job.type !== SQL_ALERT_TYPE) throw new UsageError(`job "${name}" is a ${job.type} job, not a sql-alert (${list})`)
  return asAlertJob(job)
}

/** The key-value namespace the job type's runs write to (its plugin's name). */
export function namespaceOf(job: AlertJob, fallback: string): string {
  return job.definition.jobType?.plugin ?? fallback
}
