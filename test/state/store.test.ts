import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../src/state/store.js'
import { migrateToLatest, pendingMigrations, MIGRATIONS } from '../../src/state/migrate.js'
import { ALL_DATABASES, createTestDatabase, type TestDatabase } from '../helpers/databases.js'
import type { RunRow } from '../../src/state/runs.js'

const iso = (s: string) => new Date(s).toISOString()

function runRow(overrides: Partial<RunRow> = {}): RunRow {
  return {
    id: `R${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    job: 'import',
    type: 'command',
    trigger: 'manual',
    scheduled_for: null,
    created_at: iso('2026-03-29T01:00:00Z'),
    started_at: iso('2026-03-29T01:00:00Z'),
    finished_at: null,
    status: 'running',
    reason: null,
    attempts: 0,
    summary: null,
    error: null,
    output: null,
    data: null,
    instance: 'host:1',
    ...overrides,
  }
}

describe.each(ALL_DATABASES)('state store on %s', (kind) => {
  let db: TestDatabase
  let store: Store | undefined

  afterEach(async () => {
    await store?.close()
    store = undefined
    await db?.drop()
  })

  async function open(): Promise<Store> {
    db = await createTestDatabase(kind)
    store = await openStore(db.config)
    return store
  }

  it('applies every migration on first open and none on the second', async () => {
    const s = await open()
    expect(await pendingMigrations(s.knex)).toEqual([])
    await migrateToLatest(s.knex)
    const applied = await s.knex('circadian_migrations').select('name')
    expect(applied.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name))
  })

  // SQLite is covered across processes in the CLI tests: better-sqlite3 is synchronous, so several stores in
  // one process would block each other's event loop for the whole busy timeout.
  it.skipIf(kind === 'sqlite')('concurrent migrators on one empty database apply the migrations once', async () => {
    db = await createTestDatabase(kind)
    const stores = await Promise.all(Array.from({ length: 5 }, () => openStore(db.config)))
    try {
      const applied = await stores[0].knex('circadian_migrations').select('name')
      expect(applied.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name))
      // Exactly one lock row: with two, knex's lock could never be taken again.
      expect(await stores[0].knex('circadian_migrations_lock').select('index', 'is_locked')).toEqual([
        { index: 1, is_locked: 0 },
      ])
      expect(await pendingMigrations(stores[1].knex)).toEqual([])
    } finally {
      await Promise.all(stores.map((x) => x.close()))
    }
  })

  it('records a run before it starts and finishes it with a terminal status (batched writes)', async () => {
    const s = await open()
    const row = runRow()
    await s.batcher.write({ kind: 'insert', row })
    expect((await s.runs.get(row.id))?.status).toBe('running')
    await s.batcher.write({
      kind: 'update',
      row: {
        ...row,
        status: 'failed',
        finished_at: iso('2026-03-29T01:00:05Z'),
        attempts: 3,
        error: 'exit code 4',
        output: '{"stdout":"","stderr":"boom"}',
        data: '{"exitCode":4}',
        reason: 'exit-code',
      },
    })
    const done = await s.runs.get(row.id)
    expect(done).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'exit code 4',
      reason: 'exit-code',
      finished_at: '2026-03-29T01:00:05.000Z',
    })
    expect(JSON.parse(done!.data!)).toEqual({ exitCode: 4 })
  })

  it('lists runs newest first, filtered by job and status, limited', async () => {
    const s = await open()
    for (let i = 0; i < 5; i++) {
      await s.runs.insert(
        runRow({
          id: `A${i}`,
          job: i % 2 ? 'a' : 'b',
          created_at: iso(`2026-01-0${i + 1}T00:00:00Z`),
          status: i === 4 ? 'failed' : 'succeeded',
        }),
      )
    }
    expect((await s.runs.list()).map((r) => r.id)).toEqual(['A4', 'A3', 'A2', 'A1', 'A0'])
    expect((await s.runs.list({ job: 'a' })).map((r) => r.id)).toEqual(['A3', 'A1'])
    expect((await s.runs.list({ status: 'failed' })).map((r) => r.id)).toEqual(['A4'])
    expect((await s.runs.list({ limit: 2 })).map((r) => r.id)).toEqual(['A4', 'A3'])
  })

  it('keeps every attempt of a run', async () => {
    const s = await open()
    const row = runRow()
    await s.runs.insert(row)
    await s.batcher.write({
      kind: 'attempt',
      row: {
        run_id: row.id,
        attempt: 1,
        started_at: iso('2026-01-01T00:00:00Z'),
        finished_at: iso('2026-01-01T00:00:01Z'),
        status: 'failed',
        error: 'boom',
      },
    })
    await s.batcher.write({
      kind: 'attempt',
      row: {
        run_id: row.id,
        attempt: 2,
        started_at: iso('2026-01-01T00:00:02Z'),
        finished_at: iso('2026-01-01T00:00:03Z'),
        status: 'succeeded',
        error: null,
      },
    })
    const attempts = await s.runs.attempts(row.id)
    expect(attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, 'failed', 'boom'],
      [2, 'succeeded', null],
    ])
  })

  it('tracks per-job state: a failure streak grows and a success ends it, within and across batches', async () => {
    const s = await open()
    const at = iso('2026-01-01T00:00:00Z')
    const outcome = (job: string, status: string, runId: string) =>
      s.batcher.write({
        kind: 'outcome',
        job,
        status,
        runId,
        at,
        failed: status === 'failed' || status === 'timed_out',
        succeeded: status === 'succeeded',
      })
    await outcome('import', 'failed', 'r1')
    await Promise.all([outcome('import', 'timed_out', 'r2'), outcome('other', 'succeeded', 'o1')])
    expect(await s.jobState.get('import')).toMatchObject({
      consecutive_failures: 2,
      last_status: 'timed_out',
      last_run_id: 'r2',
      paused: false,
    })
    await Promise.all([
      outcome('import', 'failed', 'r3'),
      outcome('import', 'succeeded', 'r4'),
      outcome('import', 'failed', 'r5'),
    ])
    expect(await s.jobState.get('import')).toMatchObject({
      consecutive_failures: 1,
      last_status: 'failed',
      last_run_id: 'r5',
      last_success_at: at,
    })
    await outcome('import', 'succeeded', 'r6')
    expect(await s.jobState.get('import')).toMatchObject({ consecutive_failures: 0, last_status: 'succeeded' })
    expect(await s.jobState.get('other')).toMatchObject({
      consecutive_failures: 0,
      last_status: 'succeeded',
      last_success_at: at,
    })
    await s.jobState.update('import', { watermark: iso('2026-01-01T02:00:00Z'), paused: true }, at)
    expect(await s.jobState.get('import')).toMatchObject({ watermark: '2026-01-01T02:00:00.000Z', paused: true })
  })

  it('an occurrence claim is taken once: a second row for the same (job, claim) is not inserted', async () => {
    const s = await open()
    const claim = '@2026-03-29T01:00:00.000Z'
    const [a, b] = await Promise.all([
      s.batcher.write({ kind: 'insert', row: runRow({ id: 'C1', claim }) }),
      s.batcher.write({ kind: 'insert', row: runRow({ id: 'C2', claim }) }),
    ])
    expect([a, b].sort()).toEqual([false, true])
    expect(await s.batcher.write({ kind: 'insert', row: runRow({ id: 'C3', claim }) })).toBe(false)
    expect(await s.batcher.write({ kind: 'insert', row: runRow({ id: 'C4', job: 'other', claim }) })).toBe(true)
    expect(await s.batcher.write({ kind: 'insert', row: runRow({ id: 'M1' }) })).toBe(true)
    expect(await s.batcher.write({ kind: 'insert', row: runRow({ id: 'M2' }) })).toBe(true)
    const ids = (await s.runs.list({ job: 'import' })).map((r) => r.id).sort()
    expect(ids).toEqual([a ? 'C1' : 'C2', 'M1', 'M2'])
  })

  it('watermarks only move forward, across many jobs in one batch', async () => {
    const s = await open()
    const at = iso('2026-01-01T00:00:00Z')
    const mark = (job: string, w: string) => s.batcher.write({ kind: 'watermark', job, watermark: iso(w), at })
    await Promise.all(Array.from({ length: 1500 }, (_, i) => mark(`job${i}`, '2026-01-01T01:00:00Z')))
    await Promise.all([mark('job1', '2026-01-01T03:00:00Z'), mark('job1', '2026-01-01T02:00:00Z')])
    await mark('job2', '2025-12-31T00:00:00Z')
    expect((await s.jobState.get('job1'))?.watermark).toBe('2026-01-01T03:00:00.000Z')
    expect((await s.jobState.get('job2'))?.watermark).toBe('2026-01-01T01:00:00.000Z')
    expect((await s.jobState.all()).length).toBe(1500)
  })

  it("a run's end and its job's watermark in one batch: both land, and the watermark still only moves forward", async () => {
    const s = await open()
    const at = iso('2026-01-01T00:00:00Z')
    const later = iso('2026-01-01T00:00:05Z')
    const outcome = (job: string, status: string, runId: string, when = at) =>
      s.batcher.write({
        kind: 'outcome',
        job,
        status,
        runId,
        at: when,
        failed: status === 'failed',
        succeeded: status === 'succeeded',
      })
    const mark = (job: string, w: string, when = at) =>
      s.batcher.write({ kind: 'watermark', job, watermark: iso(w), at: when })
    await Promise.all([
      outcome('a', 'failed', 'a1'),
      mark('a', '2026-01-01T01:00:00Z'),
      mark('b', '2026-01-01T01:00:00Z'),
    ])
    await Promise.all([outcome('a', 'failed', 'a2', later), mark('a', '2025-12-31T00:00:00Z')])
    await Promise.all([outcome('b', 'succeeded', 'b1'), mark('b', '2026-01-01T02:00:00Z', later)])
    expect(await s.jobState.get('a')).toMatchObject({
      consecutive_failures: 2,
      last_status: 'failed',
      last_run_id: 'a2',
      watermark: '2026-01-01T01:00:00.000Z',
    })
    expect(await s.jobState.get('b')).toMatchObject({
      consecutive_failures: 0,
      last_status: 'succeeded',
      last_success_at: at,
      watermark: '2026-01-01T02:00:00.000Z',
    })
  })

  it('a deferred write (writeLater) is committed apart from the batch gathered with it, and never starved', async () => {
    const s = await open()
    const at = iso('2026-01-01T00:00:00Z')
    // The claim batch fails (a NOT NULL column missing): the watermark issued beside it is not part of it.
    const failing = s.batcher.write({ kind: 'insert', row: runRow({ id: 'BAD', job: null as unknown as string }) })
    const deferred = s.batcher.writeLater({ kind: 'watermark', job: 'wm', watermark: iso('2026-01-01T01:00:00Z'), at })
    await expect(failing).rejects.toThrow()
    await expect(deferred).resolves.toBe(true)
    expect((await s.jobState.get('wm'))?.watermark).toBe('2026-01-01T01:00:00.000Z')

    // A steady stream of urgent writes: the deferred one rides with the next batch, not after the stream.
    let doneAfter: number | undefined
    let batches = 0
    const later = s.batcher
      .writeLater({ kind: 'watermark', job: 'wm', watermark: iso('2026-01-01T02:00:00Z'), at })
      .then(() => (doneAfter = batches))
    while (doneAfter === undefined && batches < 20) {
      await s.batcher.write({ kind: 'insert', row: runRow() })
      batches++
    }
    await later
    expect(doneAfter).toBeLessThanOrEqual(2)
  })

  it("the claim index leads with the claim (one wake-up's claims share index pages)", async () => {
    const s = await open()
    const columns =
      kind === 'sqlite'
        ? ((await s.knex.raw(`pragma index_info('runs_claim_uq')`)) as Array<{ name: string }>).map((r) => r.name)
        : kind === 'pg'
          ? /\(([^)]*)\)/
              .exec(
                (await s.knex('pg_indexes').where({ indexname: 'runs_claim_uq' }).first('indexdef')).indexdef as string,
              )![1]
              .split(', ')
          : (
              (await s.knex.raw(`show index from runs where Key_name = 'runs_claim_uq'`))[0] as Array<{
                Column_name: string
              }>
            ).map((r) => r.Column_name)
    expect(columns).toEqual(['claim', 'job'])
  })

  it('keeps plugin key-values per namespace, with prefix listing that escapes LIKE wildcards', async () => {
    const s = await open()
    const at = iso('2026-01-01T00:00:00Z')
    await s.kv.set('sql-alerts', 'alert:revenue', { state: 'ALERT', since: at }, at)
    await s.kv.set('sql-alerts', 'alert:revenue', { state: 'OK' }, at)
    await s.kv.set('sql-alerts', 'alert_x', 1, at)
    await s.kv.set('sql-alerts', 'alertYx', 2, at)
    await s.kv.set('memory', 'alert:revenue', 'other plugin', at)
    expect(await s.kv.get('sql-alerts', 'alert:revenue')).toEqual({ state: 'OK' })
    expect(await s.kv.get('memory', 'alert:revenue')).toBe('other plugin')
    expect((await s.kv.list('sql-alerts', 'alert_')).map((e) => e.key)).toEqual(['alert_x'])
    expect((await s.kv.list('sql-alerts')).map((e) => e.key)).toEqual(['alert:revenue', 'alertYx', 'alert_x'].sort())
    await s.kv.delete('sql-alerts', 'alert_x')
    expect(await s.kv.get('sql-alerts', 'alert_x')).toBeUndefined()
  })
})
