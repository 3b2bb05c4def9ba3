import knex, { type Knex } from 'knex'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { type DatabaseKind, type TestDatabase, createTestDatabase } from '../helpers/databases.js'
import { noticeReceiver } from './receiver.js'

/**
 * A run's end and its notices are one transaction (issue 20 §1): whatever stops the write — a crash, a
 * refused insert — a terminal failed run never exists without its notice. The refusal here is real: a
 * trigger in the database aborts every insert into the outbox.
 */
let box: Sandbox
let db: TestDatabase
let receiver: Awaited<ReturnType<typeof noticeReceiver>>
let conn: Knex
afterEach(async () => {
  await conn?.destroy()
  await receiver?.close()
  await db?.drop()
  box?.cleanup()
})

/** Failed or timed-out runs without a notice, read in one statement. */
const ORPHANS = `select count(*) as n from runs r where r.status in ('failed', 'timed_out') and not exists (select 1 from notices n where n.run_id = r.id)`
const orphans = async () => {
  const result = await conn.raw(ORPHANS)
  // pg answers { rows }, better-sqlite3 the rows themselves.
  return Number((result.rows ?? result)[0].n)
}

const REFUSE = {
  sqlite: [`create trigger refuse_notices before insert on notices begin select raise(abort, 'notices refused'); end`],
  pg: [
    `create function refuse_notices() returns trigger as $$ begin raise exception 'notices refused'; end $$ language plpgsql`,
    `create trigger refuse_notices before insert on notices for each row execute function refuse_notices()`,
  ],
}
const ALLOW = { sqlite: [`drop trigger refuse_notices`], pg: [`drop trigger refuse_notices on notices`] }

describe.each(['sqlite', 'pg'] as const)(
  'a run’s end and its notices commit together (%s)',
  (kind: Extract<DatabaseKind, 'sqlite' | 'pg'>) => {
    beforeEach(async () => {
      box = sandbox()
      receiver = await noticeReceiver()
      db = await createTestDatabase(kind)
      const state =
        kind === 'sqlite'
          ? `{ client: 'sqlite', filename: ${JSON.stringify(db.url)} }`
          : `{ client: 'pg', connection: ${JSON.stringify(db.url)} }`
      box.write(
        'circadian.config.ts',
        tsConfig(`{ state: ${state},
        notifiers: { hook: { type: 'webhook', url: '${receiver.url}/n' } },
        jobs: { ok: { type: 'command', command: 'true' }, bad: { type: 'command', command: 'exit 1', notify: ['hook'] } } }`),
      )
      // The store is created (migrated) by a first run.
      expect((await box.run(['run', 'ok'])).code).toBe(0)
      conn = knex(
        kind === 'sqlite'
          ? { client: 'better-sqlite3', connection: { filename: db.url }, useNullAsDefault: true }
          : { client: 'pg', connection: db.url, pool: { min: 0, max: 1 } },
      )
    })

    it('an outbox that refuses the notice leaves no terminal run without it; once it accepts, run and notice land together', async () => {
      for (const sql of REFUSE[kind]) await conn.raw(sql)
      const refused = await box.run(['run', 'bad'])
      expect(refused.code).not.toBe(0)
      expect(await orphans()).toBe(0)
      expect(Number((await conn('notices').count({ n: '*' }))[0].n)).toBe(0)

      for (const sql of ALLOW[kind]) await conn.raw(sql)
      const failed = await box.run(['run', 'bad'])
      expect(failed.code, failed.stderr).toBe(3)
      expect(await orphans()).toBe(0)
      const joined = await conn('runs as r')
        .join('notices as n', 'n.run_id', 'r.id')
        .where('r.status', 'failed')
        .select('r.id', 'n.key', 'n.event', 'n.status')
      expect(joined).toEqual([expect.objectContaining({ event: 'failure', status: 'sent' })])
      expect(receiver.accepted()).toEqual([joined[0].key])
    }, 60_000)
  },
)
