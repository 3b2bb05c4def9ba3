import type { Knex } from 'knex'
import { applyMigrations, type Migration, type MigrationSet, pendingMigrationNames } from './migration-runner.js'
import * as m001 from './migrations/001-initial.js'
import * as m002 from './migrations/002-scheduling.js'
import * as m003 from './migrations/003-reliability.js'
import * as m004 from './migrations/004-lean-run-indexes.js'
import * as m005 from './migrations/005-outbox.js'
import * as m006 from './migrations/006-run-control.js'
import * as m007 from './migrations/007-retention-indexes.js'
import * as m008 from './migrations/008-claim-index-by-instant.js'

/** The core's numbered migrations. */
export const MIGRATIONS: Migration[] = [
  { name: '001-initial', ...m001 },
  { name: '002-scheduling', ...m002 },
  { name: '003-reliability', ...m003 },
  { name: '004-lean-run-indexes', ...m004 },
  { name: '005-outbox', ...m005 },
  { name: '006-run-control', ...m006 },
  { name: '007-retention-indexes', ...m007 },
  { name: '008-claim-index-by-instant', ...m008 },
]

export const MIGRATIONS_TABLE = 'circadian_migrations'

const coreSet = (schema?: string): MigrationSet => ({ migrations: MIGRATIONS, tableName: MIGRATIONS_TABLE, schema })

/** Brings the core's tables up to date; safe when several processes start at once on one database. */
export async function migrateToLatest(knex: Knex, schema?: string): Promise<void> {
  await applyMigrations(knex, coreSet(schema))
}

export async function pendingMigrations(knex: Knex, schema?: string): Promise<string[]> {
  return pendingMigrationNames(knex, coreSet(schema))
}
