import path from 'node:path'
import Database from 'better-sqlite3'
import knex from 'knex'
import { afterEach, describe, expect, it } from 'vitest'
import type { DatabaseConfig } from '../../src/config/schema/database.js'
import { RunRecorder } from '../../src/run/recorder.js'
import type { JobDefinition } from '../../src/config/model.js'
import { FakeClock } from '../../src/schedule/clock.js'
import { openStore } from '../../src/state/store.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'
import { type Harness, startHarness, testType } from './harness.js'

let h: Harness[] = []
let db: TestDatabase | undefined
afterEach(async () => {
  for (const x of h) await x.close()
  h = []
  await db?.drop()
  db = undefined
})

/** Reads a run row on a connection of its own (not the store's), so only committed rows are visible. */
function separateReader(config: DatabaseConfig): {
  read(id: string): Promise<{ status: string; claim: string | null } | undefined>
  close(): Promise<void>
} {
  if (config.client === 'better-sqlite3') {
    const conn = new Database(config.filename!, { readonly: true })
    const st = conn.prepare('select status, claim from runs where id = ?')
    return {
      read: async (id) => st.get(id) as { status: string; claim: string | null } | undefined,
      close: async () => void conn.close(),
    }
  }
  const other = knex({ client: 'pg', connection: config.connection as string, pool: { min: 0, max: 1 } })
  return { read: (id) => other('runs').where({ id }).first('status', 'claim'), close: () => other.destroy() }
}

describe.each(['sqlite', 'pg'] as const)('serve claim path on %s', (kind) => {
  it('many jobs due in one wake-up: each job, when its run() is called, finds its own row committed, running and holding the claim', async () => {
    db = await createTestDatabase(kind)
    const state =
      kind === 'sqlite' ? { client: 'sqlite', filename: path.resolve(db.url) } : { client: 'pg', connection: db.url }
    // Opened once the store has created the database.
    const reader: { current?: ReturnType<typeof separateReader> } = {}
    const seen: Array<{
      job: string
      row: { status: string; claim: string | null } | undefined
      scheduledFor: string
    }> = []
    const probe = testType(async (ctx) => {
      seen.push({
        job: ctx.run.job,
        row: await reader.current!.read(ctx.run.id),
        scheduledFor: ctx.run.scheduledFor!.toISOString(),
      })
      return { status: 'ok' }
    })
    const jobs = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`j${i}`, { type: 'test', schedule: '*/10 * * * * *' }]),
    )
    h.push(await startHarness({ state, jobs }, { now: '2026-01-01T00:00:05Z', types: [probe] }))
    reader.current = separateReader(db.config)
    await h[0].advance(20_000)
    await reader.current.close()
    expect(seen).toHaveLength(120)
    for (const s of seen) expect(s.row).toEqual({ status: 'running', claim: `@${s.scheduledFor}` })
  })
})

describe('group claims on one PostgreSQL database', () => {
  const job = (name: string) => ({ name, type: 'test' }) as JobDefinition

  it('two stores claiming the same occurrences together, in batches: each occurrence is run by exactly one of them', async () => {
    db = await createTestDatabase('pg')
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'))
    const [a, b] = await Promise.all([openStore(db.config), openStore(db.config)])
    try {
      const recorders = [new RunRecorder(a, clock, 'a'), new RunRecorder(b, clock, 'b')]
      const jobs = ['x', 'y', 'z'].map(job)
      const occurrences = Array.from({ length: 150 }, (_, i) => Date.parse('2026-01-01T00:01:00Z') + i * 1000)
      // Both instances issue every claim in the same tick, so each store writes them as one multi-row batch.
      const results = await Promise.all(
        recorders.flatMap((r, n) =>
          jobs.flatMap((j) =>
            occurrences.map(async (o) => ({
              n,
              key: `${j.name}@${o}`,
              run: await r.start(j, 'schedule', o, { claim: true }),
            })),
          ),
        ),
      )
      const winners = new Map<string, number[]>()
      for (const r of results) if (r.run) winners.set(r.key, [...(winners.get(r.key) ?? []), r.n])
      expect(winners.size).toBe(jobs.length * occurrences.length)
      expect([...winners.values()].every((w) => w.length === 1)).toBe(true)
      const rows = await a.knex('runs').select('job', 'claim', 'instance')
      expect(rows).toHaveLength(jobs.length * occurrences.length)
      expect(new Set(rows.map((r) => `${r.job}${r.claim}`)).size).toBe(rows.length)
      // Each row's owner is the instance its recorder was told it won.
      const won = new Map(results.filter((r) => r.run).map((r) => [r.run!.id, r.n === 0 ? 'a' : 'b']))
      const byId = await a.knex('runs').select('id', 'instance')
      expect(byId.every((r) => won.get(r.id) === r.instance)).toBe(true)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('two serve runtimes on one database run each occurrence of many jobs once', async () => {
    db = await createTestDatabase('pg')
    const ran: string[] = []
    const count = testType(async (ctx) => {
      ran.push(`${ctx.run.job}@${ctx.run.scheduledFor!.toISOString()}`)
      return { status: 'ok' }
    })
    const jobs = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`j${i}`, { type: 'test', schedule: '* * * * * *' }]),
    )
    const raw = { state: { client: 'pg', connection: db.url }, jobs }
    h.push(await startHarness(raw, { now: '2026-01-01T00:00:00.500Z', types: [count] }))
    h.push(await startHarness(raw, { now: '2026-01-01T00:00:00.500Z', types: [count] }))
    for (let s = 0; s < 5; s++) await Promise.all(h.map((x) => x.advance(1000)))
    expect(ran).toHaveLength(40 * 5)
    expect(new Set(ran).size).toBe(ran.length)
    const rows = await h[0].runs()
    expect(rows.filter((r) => r.status === 'succeeded')).toHaveLength(40 * 5)
  })
})

describe('stopping while claims are being written', () => {
  it('a run whose queued row is written after the dispatcher stopped accepting resolves (stays queued) instead of holding shutdown', async () => {
    const slow = testType(
      (ctx) =>
        new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({ status: 'ok' }), { once: true })),
    )
    h.push(
      await startHarness(
        { maxConcurrent: 1, jobs: { a: { type: 'test', every: '1h' }, b: { type: 'test', every: '1h' } } },
        { now: '2026-01-01T00:00:00Z', types: [slow] },
      ),
    )
    const { dispatcher } = h[0].runtime
    const jobs = h[0].config.jobs
    const first = dispatcher.submit({ job: jobs.get('a')!, trigger: 'manual', occurrence: null, claim: false })
    await h[0].store.batcher.drain()
    // b gets no slot: its row is written queued, and the dispatcher stops before that write commits.
    const second = dispatcher.submit({ job: jobs.get('b')!, trigger: 'manual', occurrence: null, claim: false })
    dispatcher.stopAccepting()
    const settled = await Promise.race([
      second.then(() => 'resolved'),
      new Promise((r) => setTimeout(() => r('still waiting'), 3000)),
    ])
    expect(settled).toBe('resolved')
    expect((await h[0].runs('b')).map((r) => r.status)).toEqual(['queued'])
    dispatcher.abortAll('interrupted')
    await first
  })
})
