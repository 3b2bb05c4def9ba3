import { UserError, type ValidatedConfig } from 'circadian'

export interface StoreChoice {
  connection: string
  /** The memory-cycle job the connection was taken from, if any. */
  job?: string
}

function memoryJobs(config: ValidatedConfig): Array<{ job: string; connection: string }> {
  return [...config.jobs.values()]
    .filter((j) => j.type === 'memory-cycle')
    .map((j) => ({ job: j.name, connection: (j.options as { connection: string }).connection }))
}

/**
 * Which connection the `memory` commands use: `--connection NAME`; else the connection of `--job NAME`;
 * else the one connection every memory-cycle job in the config uses. Several connections is an error that
 * lists them.
 */
export function chooseConnection(config: ValidatedConfig, flags: { job?: string; connection?: string }): StoreChoice {
  const configured = Object.keys(config.connections ?? {})
  if (flags.connection) {
    if (!configured.includes(flags.connection)) {
      throw new UserError(
        `--connection: "${flags.connection}" is not a connection in ${config.file} (configured: ${configured.join(', ') || 'none'})`,
      )
    }
    return { connection: flags.connection }
  }
  const jobs = memoryJobs(config)
  if (flags.job) {
    const found = jobs.find((j) => j.job === flags.job)
    if (!found) {
      const names = jobs.map((j) => j.job).join(', ') || 'none'
      throw new UserError(
        `--job: "${flags.job}" is not a memory-cycle job in ${config.file} (memory-cycle jobs: ${names})`,
      )
    }
    return found
  }
  const connections = [...new Set(jobs.map((j) => j.connection))]
  if (connections.length === 1) return { connection: connections[0], job: jobs[0].job }
  if (!connections.length) {
    throw new UserError(
      `no memory-cycle job in ${config.file}: add one (circadian init --template memory writes a complete pipeline) or pass --connection NAME`,
    )
  }
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
    `the memory-cycle jobs use several connections: ${list}; choose one with --job NAME or --connection NAME`,
  )
}
