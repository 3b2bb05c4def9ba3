import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { T } from '../src/store/tables.js'
import { HOUR, type Harness, MINUTE, T0, harness, strengths } from './harness.js'

describe.each(['sqlite', 'pg', 'mysql'] as const)('consolidation on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => h.cleanup())

  /** Short-term memories admitted an hour ago, made two hours ago. */
  async function shortTerm(list: Record<string, number>): Promise<Record<string, number>> {
    const names = Object.keys(list)
    const ids = await h.add(
      names.map((name) => ({
        content: `memory ${name}`,
        store: 'short-term' as const,
        strength: list[name],
        createdAt: T0 - 2 * HOUR,
      })),
      T0 - HOUR,
    )
    return Object.fromEntries(names.map((n, i) => [n, ids[i]]))
  }

  it('strengthens ×1.2, weakens ×0.8 or decays ×0.9; transfers above 0.7; prunes below 0.01', async () => {
    const id = await shortTerm({ a: 0.65, b: 0.9, c: 0.4, d: 0.1, e: 0.012, f: 0.3, g: 0.2, h: 0.6, i: 0.58 })
    // f was accessed after it was admitted: rehearsal strengthens it despite its 0.3.
    await h
      .db(T.items)
      .where({ id: id.f })
      .update({ last_accessed_at: T0 - 30 * MINUTE, access_count: 2 })
    const result = await h.run({ stage: 'consolidation' }, { at: T0 })
    expect(result.status).toBe('ok')
    expect(result.data).toMatchObject({
      replayed: 9,
      strengthened: 4,
      weakened: 2,
      decayed: 3,
      transferred: 3,
      pruned: 1,
      path: 'rule-based',
    })
    const stm = await strengths(h.db, T.shortTerm)
    const ltm = await strengths(h.db, T.longTerm)
    expect(ltm[id.a]).toBeCloseTo(0.78, 10) //      0.65 ≥ 0.6: ×1.2 = 0.78 > 0.7: transferred
    expect(ltm[id.b]).toBe(1) //                    0.9 × 1.2 = 1.08, capped at 1: transferred
    expect(ltm[id.h]).toBeCloseTo(0.72, 10) //      exactly 0.6 counts as strong: 0.72, transferred
    expect(stm[id.c]).toBeCloseTo(0.36, 10) //      0.4 decays ×0.9
    expect(stm[id.d]).toBeCloseTo(0.08, 10) //      0.1 < 0.2 weakens ×0.8
    expect(stm[id.e]).toBeUndefined() //            0.012 × 0.8 = 0.0096 < 0.01: pruned
    expect(ltm[id.e]).toBeUndefined()
    expect(stm[id.f]).toBeCloseTo(0.36, 10) //      rehearsed: 0.3 × 1.2
    expect(stm[id.g]).toBeCloseTo(0.18, 10) //      exactly 0.2 is not weak: decays
    expect(stm[id.i]).toBeCloseTo(0.522, 10) //     0.58 decays
    for (const t of ['a', 'b', 'h']) expect(stm[id[t]]).toBeUndefined()
    const fates = Object.fromEntries(
      ((await h.db(T.shortTerm).select('memory_id', 'last_fate', 'replays')) as Array<Record<string, unknown>>).map(
        (r) => [Number(r.memory_id), [r.last_fate, Number(r.replays)]],
      ),
    )
    expect(fates[id.c]).toEqual(['decayed', 1])
    expect(fates[id.d]).toEqual(['weakened', 1])
    expect(fates[id.f]).toEqual(['strengthened', 1])
    expect(result.summary).toBe(
      'replayed 9: 4 strengthened, 2 weakened, 3 decayed; 3 transferred to long-term memory, 1 pruned',
    )
  })

  it('replays at most batchSize memories per run, the least recently replayed first', async () => {
    const id = await shortTerm({ a: 0.4, b: 0.4, c: 0.4, d: 0.4, e: 0.4 })
    const first = await h.run({ stage: 'consolidation', batchSize: 3 }, { at: T0 })
    expect(first.data).toMatchObject({ replayed: 3, decayed: 3 })
    const second = await h.run({ stage: 'consolidation', batchSize: 3 }, { at: T0 + HOUR })
    expect(second.data).toMatchObject({ replayed: 3 })
    const stm = await strengths(h.db, T.shortTerm)
    // d and e (never replayed) went first in the second run, then a (the lowest id of those replayed at T0).
    expect(stm[id.d]).toBeCloseTo(0.36, 10)
    expect(stm[id.e]).toBeCloseTo(0.36, 10)
    expect(stm[id.a]).toBeCloseTo(0.324, 10)
    expect(stm[id.b]).toBeCloseTo(0.36, 10)
  })

  it('deep consolidation replays the whole day in batches, and resumes an interrupted occurrence without replaying twice', async () => {
    const today = await shortTerm({ a: 0.4, b: 0.45, c: 0.5, d: 0.55, e: 0.3, f: 0.35, g: 0.25 })
    const [yesterday] = await h.add(
      [{ content: 'admitted yesterday', store: 'short-term', strength: 0.4, createdAt: T0 - 26 * HOUR }],
      T0 - 25 * HOUR,
    )
    // A signal that reports an abort from its third check on: two batches commit, then the attempt stops.
    let checks = 0
    const stopping = {
      get aborted() {
        return ++checks > 2
      },
      reason: new Error('timed out'),
    } as unknown as AbortSignal
    const at = T0 + 2 * HOUR
    await expect(
      h.run({ stage: 'deep-consolidation', batchSize: 2 }, { at, signal: stopping, runId: 'deep-1' }),
    ).rejects.toThrow('timed out')
    const half = await h.db(T.shortTerm).whereNotNull('replay_key').count({ n: '*' })
    expect(Number(half[0].n)).toBe(4)
    // The retry (same occurrence) replays only the three left.
    const result = await h.run({ stage: 'deep-consolidation', batchSize: 2 }, { at, runId: 'deep-1' })
    expect(result.data).toMatchObject({ replayed: 7, decayed: 7, batches: 4, transferred: 0, pruned: 0 })
    const stm = await strengths(h.db, T.shortTerm)
    const expected: Record<string, number> = { a: 0.36, b: 0.405, c: 0.45, d: 0.495, e: 0.27, f: 0.315, g: 0.225 }
    for (const [name, value] of Object.entries(expected)) expect(stm[today[name]]).toBeCloseTo(value, 10)
    expect(stm[yesterday]).toBeCloseTo(0.4, 10)
    const replays = (await h.db(T.shortTerm).select('memory_id', 'replays')) as Array<{
      memory_id: unknown
      replays: unknown
    }>
    for (const r of replays) expect(Number(r.replays)).toBe(Number(r.memory_id) === yesterday ? 0 : 1)
    // Once done, the occurrence is done.
    const again = await h.run({ stage: 'deep-consolidation', batchSize: 2 }, { at: at + MINUTE, scheduledFor: at })
    expect(again.data).toMatchObject({ alreadyApplied: true, replayed: 7 })
  })
})
