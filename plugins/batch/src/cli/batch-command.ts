import { CircadianCommand, ConnectionManager, Flags, configFlag, jsonFlag, printError, printJson } from 'circadian'
import type { Knex } from 'knex'
import { hasSchema } from '../db/schema.js'
import { BATCH_TYPES, chooseConnection } from './choose-connection.js'

/** The batch database could not be reached: exit code 3, like an unreachable state store. */
class DatabaseUnreachable extends Error {}

export const databaseFlags = {
  config: configFlag,
  json: jsonFlag,
  job: Flags.string({ helpValue: 'NAME', description: 'Read the database (connection) of this batch job.' }),
  connection: Flags.string({ helpValue: 'NAME', description: 'Read this config connection.', exclusive: ['job'] }),
}

/**
 * Base of the `batch` commands: picks the connection from the config (--connection, --job, or the one the
 * batch jobs share), opens it, hands it over (null if no batch job has run there yet) and closes it.
 */
export abstract class BatchCommand extends CircadianCommand {
  protected async withDatabase<T>(
    flags: { config?: string; job?: string; connection?: string },
    read: (db: Knex | null, connection: string) => Promise<T>,
    types: readonly string[] = BATCH_TYPES,
  ): Promise<T> {
    const config = await this.loadConfig(flags.config)
    const { connection } = chooseConnection(config, flags, types)
    const connections = new ConnectionManager(config.connections ?? {}, config.dir)
    await connections.prepare()
    try {
      const db = connections.get(connection)
      let ready: boolean
      try {
        ready = await hasSchema(db)
      } catch (err) {
        throw new DatabaseUnreachable(
          `cannot read the batch tables (connection "${connection}"): ${(err as Error).message}`,
        )
      }
      return await read(ready ? db : null, connection)
    } finally {
      await connections.closeAll()
    }
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (!(err instanceof DatabaseUnreachable)) return super.catch(err)
    if (this.jsonMode || this.argv.includes('--json')) printJson({ error: { message: err.message, exitCode: 3 } })
    else printError(err.message)
    return this.exit(3)
  }
}
