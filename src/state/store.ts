import type { Knex } from 'knex'
import type { DatabaseConfig } from '../config/schema/database.js'
import { openKnex } from './connect.js'
import { ControlRepository } from './control.js'
import { JobStateRepository } from './job-state.js'
import { KeyValueRepository } from './kv.js'
import { migrateToLatest } from './migrate.js'
import { OutboxRepository } from './outbox.js'
import {
  ActionRepository,
  BreakerRepository,
  DeadLetterRepository,
  NotificationRepository,
} from './reliability-repos.js'
import { RunControlRepository } from './run-control.js'
import { RunRepository } from './runs.js'
import { WriteBatcher } from './write-batch.js'

/** The state store: one knex instance and the repositories over it. */
export class Store {
  readonly runs: RunRepository
  readonly jobState: JobStateRepository
  readonly kv: KeyValueRepository
  readonly control: ControlRepository
  readonly breakers: BreakerRepository
  readonly deadLetters: DeadLetterRepository
  readonly notifications: NotificationRepository
  /** Notices waiting to be delivered, and those delivered or expired (see src/notify/outbox-delivery.ts). */
  readonly outbox: OutboxRepository
  readonly actions: ActionRepository
  /** Process groups of runs and cancel requests (migration 006). */
  readonly runControl: RunControlRepository
  /** Coalesces run writes issued together into one transaction (see write-batch.ts). */
  readonly batcher: WriteBatcher
  /** Statements sent to the database so far (serve reports it when it stops). */
  queries = 0

  constructor(
    readonly knex: Knex,
    readonly database: DatabaseConfig,
  ) {
    this.runs = new RunRepository(knex)
    this.jobState = new JobStateRepository(knex)
    this.kv = new KeyValueRepository(knex)
    this.control = new ControlRepository(knex)
    this.breakers = new BreakerRepository(knex)
    this.deadLetters = new DeadLetterRepository(knex)
    this.notifications = new NotificationRepository(knex)
    this.outbox = new OutboxRepository(knex)
    this.actions = new ActionRepository(knex)
    this.runControl = new RunControlRepository(knex)
    this.batcher = new WriteBatcher(knex)
    knex.on('query', () => this.queries++)
  }

  async close(): Promise<void> {
    await this.batcher.drain()
    await this.knex.destroy()
  }
}

/** Connects to the configured store and applies pending migrations. */
export async function openStore(database: DatabaseConfig): Promise<Store> {
  const knex = await openKnex(database, true)
  try {
    await migrateToLatest(knex, database.schema)
  } catch (err) {
    await knex.destroy().catch(() => {})
    throw err
  }
  return new Store(knex, database)
}
