import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knex, { type Knex } from 'knex'
import { afterEach, describe, expect, it } from 'vitest'
import { applyMigrations } from 'circadian'
import { MIGRATIONS, ensureSchema } from '../src/db/schema.js'
import { MIGRATIONS_TABLE } from '../src/db/tables.js'

const open: Array<{ db: Knex; dir: string }> = []
function sqlite(): Knex {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'batch-schema-'))
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'board.db') },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  })
  open.push({ db, dir })
  return db
}

afterEach(async () => {
  for (const { db, dir } of open.splice(0)) {
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
})

describe('upgrading a database made before the rows were compared column by column', () => {
  it('drops the content hash and keeps the rows', async () => {
    const db = sqlite()
    await applyMigrations(db, { migrations: MIGRATIONS.slice(0, 1), tableName: MIGRATIONS_TABLE })
    const stamp = {
      source: 'feed',
      import_run: 'R1',
      change_seq: 1,
      status: 'open',
      first_seen_at: '2026-01-01T00:00:00.000Z',
      last_seen_at: '2026-01-01T00:00:00.000Z',
    }
    await db('batch_users').insert({ external_id: 'U1', keywords: 'java', content_hash: 'abc', ...stamp })
    await ensureSchema(db)
    expect(await db.schema.hasColumn('batch_users', 'content_hash')).toBe(false)
    expect(await db('batch_users').select('external_id', 'keywords', 'change_seq')).toEqual([
      { external_id: 'U1', keywords: 'java', change_seq: 1 },
    ])
  })
})
