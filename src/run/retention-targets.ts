import type { ValidatedConfig } from '../config/model.js'
import type { PruneTarget } from '../state/retention-prune.js'
import type { ConnectionManager } from './connections.js'
import type { JobLogger } from './job-type.js'

/** Each configured job's retention policy (its own keys over the top-level ones) and its type's prune hook. */
export function retentionTargets(
  config: ValidatedConfig,
  connections: ConnectionManager,
  log: JobLogger,
  now: () => number,
): PruneTarget[] {
  return [...config.jobs.values()].map((job) => {
    const policy = {
      maxAge: job.core.retention?.maxAge ?? config.retention.maxAge,
      keepPerJob: job.core.retention?.keepPerJob ?? config.retention.keepPerJob,
    }
    const prune = job.jobType.definition.prune
    return {
      job: job.name,
      policy,
      pluginPrune:
        prune &&
        ((dryRun, signal) =>
          prune(
            { job: job.name, policy, now: now(), dryRun, db: (name) => connections.get(name), signal, log },
            job.options as never,
          )),
    }
  })
}
