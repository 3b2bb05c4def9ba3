import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { T } from '../src/store/tables.js'
import { type Harness, SECOND, T0, harness } from './harness.js'

const working = { stage: 'working' }

describe.each(['sqlite', 'pg', 'mysql'] as const)('working memory on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => h.cleanup())

  const context = async () =>
    (
      (await h.db(T.working).orderBy('rank').select('memory_id', 'rank', 'activation', 'entered_at')) as Array<
        Record<string, unknown>
      >
    ).map((r) => ({ id: Number(r.memory_id), rank: Number(r.rank), enteredAt: Number(r.entered_at) }))

  it('takes memories of the last 300 s with activation > 0.6 and >= 2 accesses, top 7 by activation, ties by recency', async () => {
    const at = (agoSeconds: number) => T0 - agoSeconds * SECOND
    const ids = {
      A: (await h.add([{ content: 'a', activation: 0.9, accessCount: 2 }], at(10)))[0],
      B: (await h.add([{ content: 'b', activation: 0.95, accessCount: 3 }], at(20)))[0],
      C: (await h.add([{ content: 'c', activation: 0.7, accessCount: 2 }], at(299)))[0],
      tooOld: (await h.add([{ content: 'd', activation: 0.99, accessCount: 5 }], at(301)))[0],
      notAboveThreshold: (await h.add([{ content: 'e', activation: 0.6, accessCount: 5 }], at(5)))[0],
      onceOnly: (await h.add([{ content: 'f', activation: 0.8, accessCount: 1 }], at(5)))[0],
      G1: (await h.add([{ content: 'g1', activation: 0.8, accessCount: 2 }], at(30)))[0],
      G2: (await h.add([{ content: 'g2', activation: 0.8, accessCount: 2 }], at(40)))[0],
      G3: (await h.add([{ content: 'g3', activation: 0.85, accessCount: 2 }], at(50)))[0],
      G4: (await h.add([{ content: 'g4', activation: 0.75, accessCount: 2 }], at(60)))[0],
      G5: (await h.add([{ content: 'g5', activation: 0.65, accessCount: 2 }], at(70)))[0],
      G6: (await h.add([{ content: 'g6', activation: 0.61, accessCount: 2 }], at(80)))[0],
      G7: (await h.add([{ content: 'g7', activation: 0.7, accessCount: 2 }], at(100)))[0],
    }
    const result = await h.run(working, { at: T0 })
    expect(result.status).toBe('ok')
    // Eligible: A B C G1-G7 = 10. Capacity 7: B .95, A .9, G3 .85, G1 .8 (30 s ago) before G2 .8 (40 s ago),
    // G4 .75, then G7 .7 (100 s ago) wins the tie with C .7 (299 s ago).
    expect(result.data).toMatchObject({
      eligible: 10,
      inContext: 7,
      capacity: 7,
      entered: 7,
      left: 0,
      path: 'rule-based',
    })
    expect((await context()).map((c) => c.id)).toEqual([ids.B, ids.A, ids.G3, ids.G1, ids.G2, ids.G4, ids.G7])
    expect(result.summary).toBe('7 of 7 slots in working memory (10 eligible in the last 5m; 7 entered, 0 left)')
  })

  it('replaces the context on each run, keeping when each memory entered', async () => {
    const first = await h.add(
      [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.62].map((activation, i) => ({
        content: `m${i}`,
        activation,
        accessCount: 2,
      })),
      T0 - 60 * SECOND,
    )
    await h.run(working, { at: T0 })
    expect((await context()).map((c) => c.id)).toEqual(first.slice(0, 7))
    // The 8th memory is rehearsed (0.62 + 0.5·0.38 = 0.81, now the 4th strongest): it enters, the 7th (0.65) leaves.
    await h
      .db(T.items)
      .where({ id: first[7] })
      .update({ activation: 0.81, access_count: 3, last_accessed_at: T0 + 4 * SECOND })
    const result = await h.run(working, { at: T0 + 5 * SECOND })
    expect(result.data).toMatchObject({ eligible: 8, inContext: 7, entered: 1, left: 1 })
    const now = await context()
    expect(now.map((c) => c.id)).toEqual([first[0], first[1], first[2], first[7], first[3], first[4], first[5]])
    expect(now.find((c) => c.id === first[0])!.enteredAt).toBe(T0)
    expect(now.find((c) => c.id === first[7])!.enteredAt).toBe(T0 + 5 * SECOND)
    // 300 s later nothing was accessed: the context empties.
    const later = await h.run(working, { at: T0 + 306 * SECOND })
    expect(later.data).toMatchObject({ eligible: 0, inContext: 0, entered: 0, left: 7 })
  })

  it('takes its parameters from the job', async () => {
    await h.add([{ content: 'x', activation: 0.5, accessCount: 1 }], T0 - 500 * SECOND)
    const result = await h.run(
      { ...working, window: '10m', minActivation: 0.4, minAccessCount: 1, capacity: 3 },
      { at: T0 },
    )
    expect(result.data).toMatchObject({ eligible: 1, inContext: 1, capacity: 3 })
  })
})
