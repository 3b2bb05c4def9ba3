import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseKind } from '../../../test/helpers/databases.js'
import { evaluateQuery } from '../src/evaluate/evaluate-query.js'
import type { Evaluation } from '../src/state/advance.js'
import { type AlertDatabase, alertDatabase, options, rowsQuery } from './fixtures.js'

type Failed = Extract<Evaluation, { kind: 'ERROR' }>
type Passed = Exclude<Evaluation, { kind: 'ERROR' }>

function failed(e: Evaluation): Failed['error'] {
  if (e.kind !== 'ERROR') throw new Error(`expected ERROR, got ${e.kind}: ${JSON.stringify(e)}`)
  return e.error
}

function passed(e: Evaluation): Passed['outcome'] {
  if (e.kind === 'ERROR') throw new Error(`expected a result, got ERROR: ${e.error.message}`)
  return e.outcome
}

/** Per database: a query with typed values, a query that runs for 30 s, and one whose statement writes. */
const DIALECT: Record<
  DatabaseKind,
  { typed: string; slow: string; running: string; writingCte: string; writeReturning: string }
> = {
  sqlite: {
    typed:
      "select 'Alert' as status, 8200.5 as actual_value, 10000 as threshold, 9007199254740993 as big, 'eu' as region, null as missing, '2026-11-23' as day",
    slow: "with recursive c(n) as (select 1 union all select n + 1 from c) select count(*) as n, 'OK' as status from c",
    running: '',
    writingCte: "update metrics set x = 99 returning 'OK' as status",
    writeReturning: "update metrics set x = 99 returning 'OK' as status, x as actual_value",
  },
  pg: {
    typed:
      "select 'Alert' as status, 8200.50::numeric(10,2) as actual_value, 10000 as threshold, 9007199254740993::bigint as big, 'eu' as region, null as missing, date '2026-11-23' as day, timestamptz '2026-11-23 10:00:00+00' as at, timestamp '2026-11-23 10:00:00' as wall",
    slow: "select pg_sleep(30), 'OK' as status",
    running:
      "select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'active' and query like '%pg_sleep(30)%'",
    writingCte: "with u as (update metrics set x = 99 returning x) select 'OK' as status, x as actual_value from u",
    writeReturning: "with u as (update metrics set x = 99 returning x) select 'OK' as status, x as actual_value from u",
  },
  mysql: {
    typed:
      "select 'Alert' as status, cast(8200.50 as decimal(10,2)) as actual_value, 10000 as threshold, 9007199254740993 as big, 'eu' as region, null as missing, date '2026-11-23' as day",
    slow: "select sleep(30) as slept, 'OK' as status",
    running:
      "select count(*) as n from information_schema.processlist where db = database() and id <> connection_id() and command = 'Query' and info like '%sleep(30)%'",
    writingCte: "insert into metrics (x, label) values (99, 'new') returning 'OK' as status",
    writeReturning: "insert into metrics (x, label) values (99, 'new') returning 'OK' as status, x as actual_value",
  },
}

describe.each(['sqlite', 'pg', 'mysql'] as DatabaseKind[])('alert queries on %s', (kind) => {
  let fx: AlertDatabase
  const sql = DIALECT[kind]
  beforeAll(async () => {
    fx = await alertDatabase(kind)
  })
  afterAll(async () => {
    await fx?.close()
  })

  const evaluate = (
    query: string,
    extra: Parameters<typeof options>[0] extends infer O ? Partial<O> : never = {},
    signal?: AbortSignal,
  ) => evaluateQuery(fx.db, options({ query, ...extra }), signal)
  const metrics = async () => (await fx.db('metrics').select('x').orderBy('x')).map((r: { x: number }) => Number(r.x))

  it('reads ALERT with its values as JSON-safe types (decimals, 64-bit integers, dates) and keeps the other columns as context', async () => {
    const outcome = passed(await evaluate(sql.typed))
    expect(outcome.status).toBe('ALERT')
    expect(outcome.actual_value).toBe(8200.5)
    expect(outcome.threshold).toBe(10000)
    expect(outcome.context).toMatchObject({ big: '9007199254740993', region: 'eu', missing: null, day: '2026-11-23' })
    if (kind === 'pg')
      expect(outcome.context).toMatchObject({ at: '2026-11-23T10:00:00.000Z', wall: '2026-11-23 10:00:00' })
    expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome)
  })

  it('reads OK from a table', async () => {
    const outcome = passed(
      await evaluate(
        "select case when max(x) > 10 then 'ALERT' else 'OK' end as status, max(x) as actual_value, 10 as threshold, min(label) as label from metrics",
      ),
    )
    expect(outcome).toEqual({ status: 'OK', actual_value: 5, threshold: 10, context: { label: 'five' } })
  })

  it('fails with no rows', async () => {
    expect(failed(await evaluate("select 'OK' as status from metrics where x < 0"))).toMatchObject({
      kind: 'no-rows',
      message: expect.stringMatching(/^query returned no rows/),
    })
  })

  it('fails with more than one row, saying how many', async () => {
    expect(failed(await evaluate(rowsQuery(3)))).toMatchObject({
      kind: 'too-many-rows',
      message: expect.stringMatching(/^query returned 3 rows/),
    })
  })

  it('stops reading at maxRows', async () => {
    expect(failed(await evaluate(rowsQuery(50), { maxRows: 10 }))).toMatchObject({
      kind: 'too-many-rows',
      message: expect.stringMatching(/more than 10 rows \(maxRows/),
    })
    // A result far larger than memory would allow is not read at all: the server stops at maxRows + 1.
    expect(failed(await evaluate(rowsQuery(kind === 'mysql' ? 900 : 2_000_000), { maxRows: 1 })).kind).toBe(
      'too-many-rows',
    )
  })

  it('fails without a status column, and with a status that is not ALERT or OK', async () => {
    expect(failed(await evaluate('select x as actual_value from metrics'))).toMatchObject({
      kind: 'missing-status',
      message: expect.stringMatching(/no status column \(columns: actual_value\)/),
    })
    expect(failed(await evaluate("select 'WARN' as status"))).toMatchObject({
      kind: 'bad-status',
      message: `status is "WARN"; it must be 'ALERT' or 'OK' (any case)`,
    })
    expect(failed(await evaluate('select null as status')).kind).toBe('bad-status')
  })

  it('fails on a SQL error with the database message', async () => {
    const error = failed(await evaluate("select 'OK' as status from no_such_table"))
    expect(error.kind).toBe('sql-error')
    expect(error.message).toMatch(/^query failed: .*no_such_table/)
    expect(error.message).not.toMatch(/circadian_alert_rows/)
  })

  it('reports a syntax error against the statement as written, not the row-limiting wrapper', async () => {
    const error = failed(await evaluate("select 'OK' as status frm metrics"))
    expect(error.kind).toBe('sql-error')
    expect(error.message).not.toMatch(/circadian_alert_rows/)
  })

  it('has the database stop a query that overruns queryTimeout', async () => {
    const error = failed(await evaluate(sql.slow, { queryTimeout: '300ms' }))
    // SQLite cannot interrupt a query: its process is killed, and the message says it was cancelled.
    const how = kind === 'sqlite' ? 'it was cancelled' : 'the database stopped it'
    // A timeout may pass on the next attempt: retryable.
    expect(error).toEqual({
      kind: 'timeout',
      message: `query timed out after 300ms (queryTimeout); ${how}`,
      permanent: false,
    })
    if (sql.running) {
      const [row] = kind === 'pg' ? (await fx.db.raw(sql.running)).rows : (await fx.db.raw(sql.running))[0]
      expect(Number(row.n)).toBe(0)
    }
    // The connection (or, for SQLite, a fresh query process) serves the next query.
    expect(passed(await evaluate("select 'OK' as status")).status).toBe('OK')
  })

  it('cancels the query when the run is stopped', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort('timeout'), 300)
    const error = failed(await evaluate(sql.slow, {}, controller.signal))
    expect(error).toEqual({
      kind: 'cancelled',
      message: "query cancelled: the job's timeout expired",
      permanent: false,
    })
    if (sql.running) {
      // The server was told to stop the statement; give it the moment cancellation takes.
      let n = 1
      for (let i = 0; i < 50 && n > 0; i++) {
        const [row] = kind === 'pg' ? (await fx.db.raw(sql.running)).rows : (await fx.db.raw(sql.running))[0]
        n = Number(row.n)
        if (n) await new Promise((r) => setTimeout(r, 100))
      }
      expect(n).toBe(0)
    }
  })

  it('refuses an UPDATE (read-only by default) and changes nothing', async () => {
    const error = failed(await evaluate('update metrics set x = 99'))
    expect(error.kind).toBe('read-only')
    expect(error.message).toMatch(/^query tried to write, but alert queries run read-only/)
    expect(await metrics()).toEqual([5])
  })

  it('refuses a write hidden in a row-returning statement and changes nothing', async () => {
    const error = failed(await evaluate(sql.writingCte))
    expect(error.kind).toBe('read-only')
    expect(await metrics()).toEqual([5])
  })

  it('refuses a second statement before sending anything', async () => {
    expect(failed(await evaluate("select 'OK' as status; delete from metrics")).kind).toBe('multiple-statements')
    expect(await metrics()).toEqual([5])
  })

  it('lets a query write with readOnly: false', async () => {
    const outcome = passed(await evaluate(sql.writeReturning, { readOnly: false }))
    expect(outcome).toMatchObject({ status: 'OK', actual_value: 99 })
    expect((await metrics()).includes(99)).toBe(true)
  })
})

describe('SQLite files', () => {
  it('is an ERROR, not an empty new database, when the file does not exist', async () => {
    const { ConnectionManager } = await import('circadian')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sql-alerts-missing-'))
    const connections = new ConnectionManager(
      { gone: { client: 'better-sqlite3', filename: path.join(dir, 'alerts.db') } },
      process.cwd(),
    )
    await connections.prepare()
    try {
      const error = failed(await evaluateQuery(connections.get('gone'), options({ query: "select 'OK' as status" })))
      expect(error.kind).toBe('sql-error')
      expect(error.message).toBe(
        `query failed: cannot open SQLite database ${path.join(dir, 'alerts.db')}: unable to open database file`,
      )
      expect(existsSync(path.join(dir, 'alerts.db'))).toBe(false)
    } finally {
      await connections.closeAll()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
