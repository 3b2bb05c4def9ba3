import knex, { type Knex } from 'knex'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pruneStore } from '../../src/state/retention-prune.js'
import { RetentionRepository } from '../../src/state/retention.js'
import { openStore } from '../../src/state/store.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { ALL_DATABASES, createTestDatabase } from '../helpers/databases.js'
import { startServe, until } from '../notify/serve-process.js'
import { daysAgo, seedRuns } from './seed.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

describe.each(ALL_DATABASES)('retention on %s', (kind) => {
  it('deletes runs past both rules (with their attempts and delivered notices), keeps the newest of each status', async () => {
    const db = await createTestDatabase(kind)
    const store = await openStore(db.config)
    try {
      const now = Date.now()
      // 100 hourly runs of `a` from 1 day ago back: older than maxAge 2d from ~run 24 on.
      const runs = await seedRuns(store.knex, 'a', 100, now - DAY, ['succeeded', 'succeeded', 'succeeded', 'failed'])
      // One `timed_out` run, very old: the only one of its status, so it stays.
      await seedRuns(store.knex, 'lonely', 1, daysAgo(400, now), ['timed_out'])
      const old = runs[90]
      await store.outbox.enqueue([
        {
          key: 'ntc_old',
          notifier: 'h',
          job: 'a',
          run_id: old.id,
          event: 'failure',
          body: '{"title":"t","text":"x"}',
          created_at: old.created_at,
          next_attempt_at: old.created_at,
          expires_at: old.created_at,
        },
      ])
      await store.knex('notices').where({ key: 'ntc_old' }).update({ status: 'sent', sent_at: old.created_at })
      const policy = { maxAge: 2 * DAY, keepPerJob: 10 }
      const dry = await pruneStore(store, { targets: [{ job: 'a', policy }], defaults: policy, dryRun: true, now })
      expect(Number((await store.knex('runs').count({ n: '*' }).first())?.n)).toBe(101)
      // Runs older than 2 days: those created more than 24 h before `now - 1 day`, i.e. index >= 25 (75 runs).
      const deletable = runs.filter((r) => Date.parse(r.created_at) < now - 2 * DAY)
      expect(dry.totals.runs).toBe(deletable.length)
      const done = await pruneStore(store, {
        targets: [{ job: 'a', policy }],
        defaults: policy,
        dryRun: false,
        now,
        batchSize: 7,
      })
      expect(done.totals).toMatchObject({ runs: deletable.length, run_attempts: deletable.length, notices: 1 })
      const left: Array<{ id: string }> = await store.knex('runs').where({ job: 'a' }).select('id')
      expect(left.length).toBe(100 - deletable.length)
      expect(
        Number(
          (
            await store
              .knex('run_attempts')
              .whereIn(
                'run_id',
                deletable.map((r) => r.id),
              )
              .count({ n: '*' })
              .first()
          )?.n,
        ),
      ).toBe(0)
      expect(await store.knex('runs').where({ job: 'lonely' }).select('status')).toEqual([{ status: 'timed_out' }])
    } finally {
      await store.close()
      await db.drop()
    }
  }, 60_000)

  it('keepPerJob keeps the newest runs whatever their age; the last failure stays when every newer run succeeded', async () => {
    const db = await createTestDatabase(kind)
    const store = await openStore(db.config)
    try {
      const now = Date.now()
      await seedRuns(store.knex, 'b', 30, daysAgo(10, now), ['succeeded'])
      await store.knex('runs').insert({
        id: 'b-last-failure',
        job: 'b',
        type: 'command',
        trigger: 'schedule',
        created_at: new Date(daysAgo(300, now)).toISOString(),
        status: 'failed',
        attempts: 1,
      })
      await seedRuns(store.knex, 'c', 5, daysAgo(50, now), ['failed'])
      const policy = { maxAge: DAY, keepPerJob: 12 }
      await pruneStore(store, {
        targets: [{ job: 'b', policy }],
        defaults: { maxAge: DAY, keepPerJob: 3 },
        dryRun: false,
        now,
      })
      expect(Number((await store.knex('runs').where({ job: 'b' }).count({ n: '*' }).first())?.n)).toBe(13)
      expect(await store.knex('runs').where({ job: 'b', status: 'failed' }).select('id')).toEqual([
        { id: 'b-last-failure' },
      ])
      // `c` is not configured: the defaults apply (keep 3).
      expect(Number((await store.knex('runs').where({ job: 'c' }).count({ n: '*' }).first())?.n)).toBe(3)
    } finally {
      await store.close()
      await db.drop()
    }
  }, 60_000)
})

describe('state prune and serve', () => {
  let box: Sandbox
  let state: Knex
  beforeEach(() => {
    box = sandbox()
  })
  afterEach(async () => {
    await state?.destroy()
    box.cleanup()
  })
  const openState = async () => {
    const store = await openStore({ client: 'better-sqlite3', filename: path.join(box.dir, '.circadian', 'state.db') })
    await store.close()
    state = knex({
      client: 'better-sqlite3',
      connection: { filename: path.join(box.dir, '.circadian', 'state.db') },
      useNullAsDefault: true,
    })
    return state
  }

  it('state prune --dry-run counts, state prune deletes (per-job override), both print what they remove', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ retention: { maxAge: '2d', keepPerJob: 5 }, jobs: { a: { type: 'command', command: 'true' }, b: { type: 'command', command: 'true', retention: { keepPerJob: 50 } } } }`,
      ),
    )
    const k = await openState()
    await seedRuns(k, 'a', 40, daysAgo(3))
    await seedRuns(k, 'b', 40, daysAgo(3))
    const dry = JSON.parse((await box.run(['state', 'prune', '--dry-run', '--json'])).stdout)
    expect(dry).toMatchObject({ dryRun: true, totals: { runs: 35, run_attempts: 35 } })
    expect(dry.jobs.find((j: { job: string }) => j.job === 'b')).toMatchObject({ runs: 0 })
    expect((await k('runs').count({ n: '*' }).first())?.n).toBe(80)
    const text = await box.run(['state', 'prune'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^JOB\s+RUNS\s+ATTEMPTS/)
    expect(text.stdout).toContain('deleted 35 run(s) with 35 attempt(s)')
    expect((await k('runs').where({ job: 'a' }).count({ n: '*' }).first())?.n).toBe(5)
    expect((await k('runs').where({ job: 'b' }).count({ n: '*' }).first())?.n).toBe(40)
    // A new state file reuses freed pages (incremental auto-vacuum).
    expect(await k.raw('pragma auto_vacuum')).toEqual([{ auto_vacuum: 2 }])
  }, 60_000)

  // Before, `state prune` beside a serve that was pruning ran a second pruner on the same rows: on SQLite
  // the two only queue behind each other's writes (and serve's own fires behind both).
  it('state prune waits while another process holds the retention lease, then prunes', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ retention: { maxAge: '2d', keepPerJob: 5 }, jobs: { a: { type: 'command', command: 'true' } } }`),
    )
    const k = await openState()
    await seedRuns(k, 'a', 40, daysAgo(3))
    const serveRepo = new RetentionRepository(k)
    expect(await serveRepo.takeLease('serve-elsewhere', Date.now(), 60_000)).toBe(true)
    const pruning = box.run(['state', 'prune'])
    await new Promise((r) => setTimeout(r, 3000))
    expect((await k('runs').count({ n: '*' }).first())?.n).toBe(40)
    await serveRepo.releaseLease('serve-elsewhere')
    const done = await pruning
    expect(done.code).toBe(0)
    expect(done.stderr).toContain('waiting for it to finish')
    expect((await k('runs').count({ n: '*' }).first())?.n).toBe(5)
    // It let the lease go: serve's next round can take it.
    expect(await serveRepo.takeLease('serve-elsewhere', Date.now(), 60_000)).toBe(true)
  }, 60_000)

  it('a bad retention key is a config error naming its path (exit 2)', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ retention: { keepPerJob: 0 }, jobs: { a: { type: 'command', command: 'true', retention: { maxAge: 'soon' } } } }`,
      ),
    )
    const r = await box.run(['state', 'prune'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('retention.keepPerJob')
    expect(r.stderr).toContain('jobs.a.retention.maxAge')
  })

  it('serve prunes in the background', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ retention: { maxAge: '1d', keepPerJob: 3, pruneEvery: '1s' }, jobs: { a: { type: 'command', schedule: '0 0 1 1 *', command: 'true' } } }`,
      ),
    )
    const k = await openState()
    await seedRuns(k, 'a', 20, daysAgo(2))
    const s = startServe(box.dir, box.env)
    try {
      await s.serving()
      await until(
        async () => Number((await k('runs').where({ job: 'a' }).count({ n: '*' }).first())?.n) === 3,
        30_000,
        'serve to prune',
      )
    } finally {
      s.child.kill('SIGTERM')
      await s.exited
    }
  }, 60_000)
})
