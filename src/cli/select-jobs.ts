import type { JobDefinition, ValidatedConfig } from '../config/model.js'
import { didYouMean } from '../config/suggest.js'
import { UsageError } from './base-command.js'

/** The named jobs, in the order given; an unknown name is a usage error with a suggestion. */
export function selectJobs(config: ValidatedConfig, names: readonly string[]): JobDefinition[] {
  const known = [...config.jobs.keys()]
  const unknown = names.filter((n) => !config.jobs.has(n))
  if (unknown.length) {
    const list = unknown.map((n) => `"${n}"${didYouMean(n, known)}`).join(', ')
    throw new UsageError(
      `Unknown job${unknown.length > 1 ? 's' : ''}: ${list}. Jobs in ${config.file}: ${known.join(', ') || 'none'}`,
    )
  }
  return [...new Set(names)].map((n) => config.jobs.get(n)!)
}
