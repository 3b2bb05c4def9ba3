import type { Knex } from 'knex'
import { CircadianCommand, ConnectionManager, Flags, configFlag, jsonFlag, printError, printJson } from 'circadian'
import { ensureSchema } from '../store/migrate.js'
import { chooseConnection } from './choose-connection.js'

/** The memory store could not be opened: exit code 3, like an unreachable state store. */
export class StoreUnreachable extends Error {}

export const storeFlags = {
  config: configFlag,
  json: jsonFlag,
  job: Flags.string({ helpValue: 'NAME', description: 'Use the store (connection) of this memory-cycle job.' }),
  connection: Flags.string({
    helpValue: 'NAME',
    description: 'Use this config connection as the store.',
    exclusive: ['job'],
  }),
}

export interface StoreHandle {
  db: Knex
  connection: string
}

/** Base of the `memory` commands: finds the store from the config, opens it (migrating it), closes it. */
export abstract class MemoryCommand extends CircadianCommand {
  protected async withStore<T>(
    flags: { config?: string; job?: string; connection?: string },
    work: (store: StoreHandle) => Promise<T>,
  ): Promise<T> {
    const config = await this.loadConfig(flags.config)
    const { connection } = chooseConnection(config, flags)
    const connections = new ConnectionManager(config.connections ?? {}, config.dir)
    await connections.prepare()
    try {
      const db = connections.get(connection)
      try {
        await db.raw('select 1')
        await ensureSchema(db, Date.now())
      } catch (err) {
        throw new StoreUnreachable(
          `cannot open the memory store (connection "${connection}"): ${(err as Error).message}`,
        )
      }
      return await work({ db, connection })
    } finally {
      await connections.closeAll()
    }
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    if (!(err instanceof StoreUnreachable)) return super.catch(err)
    if (this.jsonMode || this.argv.includes('--json')) printJson({ error: { message: err.message, exitCode: 3 } })
    else printError(err.message)
    return this.exit(3)
  }
}
