import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knex from 'knex'
import type { DatabaseConfig } from '../../src/config/schema/database.js'

export const PG_ADMIN_URL = process.env.CIRCADIAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const MYSQL_ADMIN_URL = process.env.CIRCADIAN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'

export type DatabaseKind = 'sqlite' | 'pg' | 'mysql'
export const ALL_DATABASES: DatabaseKind[] = ['sqlite', 'pg', 'mysql']

export interface TestDatabase {
  kind: DatabaseKind
  config: DatabaseConfig
  /** A connection URL (server databases) or file path (SQLite), for configs written by tests. */
  url: string
  drop(): Promise<void>
}

function uniqueName(): string {
  return `circadian_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
}

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** A database of its own for one test: a SQLite file in a temp dir, or a fresh database on the local server. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-db-'))
    const filename = path.join(dir, 'state.db')
    return {
      kind,
      config: { client: 'better-sqlite3', filename },
      url: filename,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  const name = uniqueName()
  const adminUrl = kind === 'pg' ? PG_ADMIN_URL : MYSQL_ADMIN_URL
  const admin = knex({ client: kind === 'pg' ? 'pg' : 'mysql2', connection: adminUrl, pool: { min: 0, max: 1 } })
  try {
    await admin.raw(kind === 'pg' ? `create database "${name}"` : `create database \`${name}\``)
  } finally {
    await admin.destroy()
  }
  const url = withDatabase(adminUrl, name)
  return {
    kind,
    url,
    config: { client: kind === 'pg' ? 'pg' : 'mysql2', connection: url },
    async drop() {
      const again = knex({ client: kind === 'pg' ? 'pg' : 'mysql2', connection: adminUrl, pool: { min: 0, max: 1 } })
      try {
        await again.raw(
          kind === 'pg' ? `drop database if exists "${name}" with (force)` : `drop database if exists \`${name}\``,
        )
      } finally {
        await again.destroy()
      }
    },
  }
}
