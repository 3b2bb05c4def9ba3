import { UserError, type ValidatedConfig } from 'circadian'

export const BATCH_TYPES = ['batch-import', 'batch-score', 'batch-match'] as const

export interface ConnectionChoice {
  connection: string
  /** The job it was taken from, if any. */
  job?: string
}

function batchJobs(
  config: ValidatedConfig,
  types: readonly string[],
): Array<{ job: string; type: string; connection: string }> {
  return [...config.jobs.values()]
    .filter((j) => types.includes(j.type))
    .map((j) => ({ job: j.name, type: j.type, connection: (j.options as { connection: string }).connection }))
}

/**
 * Which database the `batch` commands read: `--connection NAME`; else the connection of `--job NAME`; else
 * the one connection all the config's batch jobs use. Batch jobs on several connections is an error that
 * lists them.
 */
export function chooseConnection(
  config: ValidatedConfig,
  flags: { job?: string; connection?: string },
  types: readonly string[] = BATCH_TYPES,
): ConnectionChoice {
  const configured = Object.keys(config.connections ?? {})
  if (flags.connection) {
    if (!configured.includes(flags.connection))
      throw new UserError(
        `--connection: "${flags.connection}" is not a connection in ${config.file} (configured: ${configured.join(', ') || 'none'})`,
      )
    return { connection: flags.connection }
  }
  const jobs = batchJobs(config, types)
  if (flags.job) {
    const found = jobs.find((j) => j.job === flags.job)
    if (!found)
      throw new UserError(
        `--job: "${flags.job}" is not a ${types.join('/')} job in ${config.file} (those jobs: ${jobs.map((j) => j.job).join(', ') || 'none'})`,
      )
    return found
  }
  const connections = [...new Set(jobs.map((j) => j.connection))]
  if (connections.length === 1) return { connection: connections[0] }
  if (!connections.length)
    throw new UserError(
      `no ${types.join('/')} job in ${config.file}: add one (circadian init --template batch writes a complete pipeline) or pass --connection NAME`,
    )
  const list = connections
    .map(
      (c) =>
        `${c} (${jobs
          .filter((j) => j.connection === c)
          .map((j) => j.job)
          .join(', ')})`,
    )
    .join('; ')
  throw new UserError(
    `the batch jobs use several connections: ${list}; choose one with --job NAME or --connection NAME`,
  )
}
