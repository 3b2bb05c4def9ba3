import type { JobDefinition, ValidatedConfig } from '../../config/model.js'

export function summarizeJobTypes(config: ValidatedConfig): string {
  const counts = new Map<string, number>()
  for (const job of config.jobs.values()) counts.set(job.type, (counts.get(job.type) ?? 0) + 1)
  const parts = [...counts].map(([type, n]) => `${type} ×${n}`)
  const n = config.jobs.size
  return `${n} job${n === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`
}

/** How a job is triggered, in a few words: its cron, its interval, its instant, or what it waits for. */
export function describeSchedule(job: JobDefinition): string {
  if (job.trigger) return job.trigger.text
  if (job.after.length) return `after ${job.after.join(', ')}`
  return 'manual'
}
