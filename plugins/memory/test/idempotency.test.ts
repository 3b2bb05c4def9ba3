import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { STAGES } from '../src/options/params.js'
import { T } from '../src/store/tables.js'
import { HOUR, type Harness, MINUTE, SECOND, T0, harness } from './harness.js'

async function snapshot(h: Harness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const table of Object.values(T))
    out[table] = (await h.db(table).select()).map((r) => JSON.stringify(r, Object.keys(r).sort())).sort()
  return out
}

/** Something for every stage to change. */
async function busyStore(h: Harness): Promise<void> {
  await h.add(
    [
      { content: 'Atlas launch moves to Thursday', tags: ['atlas'], activation: 0.9, accessCount: 3 },
      { content: 'Atlas notes for Ben', tags: ['atlas'], activation: 0.8, accessCount: 2 },
      { content: 'Water the tomatoes', tags: ['garden'], activation: 0.4 },
    ],
    T0 - 30 * SECOND,
  )
  await h.add(
    [
      { content: 'Atlas review slides', tags: ['atlas'], store: 'short-term', strength: 0.65 },
      { content: 'Basil next to the tomatoes', tags: ['garden'], store: 'short-term', strength: 0.4 },
      { content: 'Atlas kickoff', tags: ['atlas'], store: 'long-term', strength: 0.9 },
      { content: 'Atlas beta feedback', tags: ['atlas'], store: 'long-term', strength: 0.3 },
      { content: 'A forgettable meeting', tags: ['atlas'], store: 'long-term', strength: 0.04 },
    ],
    T0 - HOUR,
  )
}

describe.each(['sqlite', 'pg', 'mysql'] as const)('one occurrence is applied once, on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
    await busyStore(h)
  })
  afterEach(async () => h.cleanup())

  it.each(STAGES)('%s: a second run of the same scheduled occurrence changes nothing', async (stage) => {
    const first = await h.run({ stage }, { at: T0, runId: 'first' })
    expect(first.data).not.toHaveProperty('alreadyApplied')
    const before = await snapshot(h)
    const second = await h.run({ stage }, { at: T0 + 2 * SECOND, scheduledFor: T0, runId: 'second' })
    expect(second.status).toBe('ok')
    expect(second.data).toMatchObject({ alreadyApplied: true })
    expect(second.summary).toContain(
      `already applied for this occurrence (at ${new Date(T0).toISOString()}): ${first.summary}`,
    )
    expect(await snapshot(h)).toEqual(before)
  })

  it('keeps nothing of an attempt stopped by its timeout; the next attempt of the occurrence applies', async () => {
    const before = await snapshot(h)
    const stopped = AbortSignal.abort(new Error('timed out after 10s'))
    await expect(h.run({ stage: 'short-term' }, { at: T0, runId: 'attempt-1', signal: stopped })).rejects.toThrow(
      'timed out after 10s',
    )
    expect(await snapshot(h)).toEqual(before)
    const retry = await h.run({ stage: 'short-term' }, { at: T0, runId: 'attempt-1' })
    expect(retry.data).toMatchObject({ admitted: 3 })
    expect(retry.data).not.toHaveProperty('alreadyApplied')
  })

  it('without a scheduled instant, the run id is the occurrence: a retry is a no-op, a new run applies again', async () => {
    const run = (runId: string, at: number) => h.run({ stage: 'consolidation' }, { at, scheduledFor: null, runId })
    await run('manual-1', T0)
    const before = await snapshot(h)
    expect((await run('manual-1', T0 + MINUTE)).data).toMatchObject({ alreadyApplied: true })
    expect(await snapshot(h)).toEqual(before)
    const next = await run('manual-2', T0 + 2 * MINUTE)
    expect(next.data).toMatchObject({ replayed: 1 })
    expect(await snapshot(h)).not.toEqual(before)
  })
})

describe.each(['pg', 'mysql'] as const)('two instances on one store on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => h.cleanup())

  it('migrate a new store at the same time without a clash', async () => {
    const twins = await Promise.all([h.twin(), h.twin(), h.twin()])
    try {
      const results = await Promise.all(
        twins.map((t, i) => t.run({ stage: 'working' }, { at: T0, runId: `boot-${i}`, scheduledFor: null })),
      )
      expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok'])
      expect((await h.db('memory_migrations').select('name')).map((m) => m.name)).toEqual(['001-initial'])
    } finally {
      await Promise.all(twins.map((t) => t.close()))
    }
  })

  it.each(['consolidation', 'deep-consolidation', 'short-term'])(
    '%s: the same occurrence run by both at once is applied once',
    async (stage) => {
      await busyStore(h)
      const twin = await h.twin()
      try {
        const results = await Promise.all([
          h.run({ stage }, { at: T0, runId: 'a' }),
          twin.run({ stage }, { at: T0, runId: 'b' }),
        ])
        expect(results.filter((r) => (r.data as { alreadyApplied?: boolean }).alreadyApplied)).toHaveLength(1)
        expect(await h.db(T.stageRuns).where({ stage }).select('status')).toEqual([{ status: 'done' }])
        const replays = (await h.db(T.shortTerm).select('replays')).map((r) => Number(r.replays))
        expect(Math.max(0, ...replays)).toBeLessThanOrEqual(1)
      } finally {
        await twin.close()
      }
    },
  )
})

describe('two processes on one SQLite store', () => {
  const fixture = fileURLToPath(new URL('./fixtures/run-stage.ts', import.meta.url))
  const runIn = (file: string, stage: string, runId: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', fixture, file, stage, new Date(T0).toISOString(), runId],
        { timeout: 60_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, unknown>),
      )
    })

  it('migrate a new store and apply one occurrence once', async () => {
    const h = await harness('sqlite')
    try {
      const file = (h.db.client.config.connection as { filename: string }).filename
      const first = await Promise.all([
        runIn(file, 'consolidation', 'p1'),
        runIn(file, 'consolidation', 'p2'),
        runIn(file, 'consolidation', 'p3'),
      ])
      expect(first.filter((r) => (r.data as { alreadyApplied?: boolean }).alreadyApplied)).toHaveLength(2)
      await busyStore(h)
      const results = await Promise.all([runIn(file, 'short-term', 'q1'), runIn(file, 'short-term', 'q2')])
      expect(results.filter((r) => (r.data as { alreadyApplied?: boolean }).alreadyApplied)).toHaveLength(1)
      expect(await h.db(T.stageRuns).where({ stage: 'short-term' }).select('status')).toEqual([{ status: 'done' }])
      expect(
        await h
          .db(T.shortTerm)
          .count({ n: '*' })
          .then((r) => Number(r[0].n)),
      ).toBe(5)
    } finally {
      await h.cleanup()
    }
  })
})
