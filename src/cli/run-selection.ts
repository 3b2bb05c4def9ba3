import type { JobDefinition, ValidatedConfig } from '../config/model.js'
import { withUpstream } from '../config/dependency-graph.js'
import { UsageError } from './base-command.js'
import { selectJobs } from './select-jobs.js'

/**
 * Which jobs `run` runs: the named ones (plus everything they wait for with --with-upstream), or with --all
 * every enabled job. Returned in config order, which runJobs refines by `after`.
 */
export function chooseJobsToRun(
  config: ValidatedConfig,
  names: string[],
  flags: { all: boolean; withUpstream: boolean },
): JobDefinition[] {
  if (flags.all && names.length)
    throw new UsageError('Name jobs to run or use --all, not both (with --due, no names means every enabled job).')
  if (!flags.all && !names.length)
    throw new UsageError('Name the jobs to run (circadian run JOB...) or use --all to run every enabled job.')
  const chosen = flags.all ? [...config.jobs.values()].filter((j) => j.core.enabled) : selectJobs(config, names)
  let names_ = new Set(chosen.map((j) => j.name))
  if (flags.withUpstream) {
    const deps = new Map([...config.jobs.values()].map((j) => [j.name, j.after]))
    names_ = withUpstream(names_, deps)
  }
  return [...config.jobs.values()].filter((j) => names_.has(j.name))
}
