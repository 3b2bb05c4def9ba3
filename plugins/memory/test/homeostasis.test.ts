import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { T } from '../src/store/tables.js'
import { type Harness, T0, harness, strengths } from './harness.js'

describe.each(['sqlite', 'pg', 'mysql'] as const)('homeostasis on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => h.cleanup())

  const longTerm = (values: number[]) =>
    h.add(
      values.map((strength, i) => ({ content: `memory ${i}`, store: 'long-term' as const, strength })),
      T0,
    )

  it('scales long-term strengths to a mean of 0.5 and prunes those below 0.05 with their links', async () => {
    const [weak, low, mid, top] = await longTerm([0.04, 0.36, 0.8, 1.0])
    await h.db(T.associations).insert([
      { a_id: weak, b_id: top, strength: 0.5, target: 0.5, rem_key: 'k', created_at: T0, updated_at: T0 },
      { a_id: low, b_id: mid, strength: 0.5, target: 0.5, rem_key: 'k', created_at: T0, updated_at: T0 },
    ])
    const result = await h.run({ stage: 'homeostasis' }, { at: T0 })
    // mean 2.2 / 4 = 0.55; factor 0.5 / 0.55 = 0.90909…
    expect(result.data).toMatchObject({ memories: 4, pruned: 1, unlinked: 1, path: 'rule-based' })
    expect((result.data as { factor: number }).factor).toBeCloseTo(0.5 / 0.55, 12)
    expect((result.data as { meanBefore: number }).meanBefore).toBeCloseTo(0.55, 12)
    const ltm = await strengths(h.db, T.longTerm)
    expect(ltm[weak]).toBeUndefined() //                  0.04 × 0.909 = 0.0364 < 0.05
    expect(ltm[low]).toBeCloseTo(0.36 / 1.1, 12) //       0.3273
    expect(ltm[mid]).toBeCloseTo(0.8 / 1.1, 12) //        0.7273
    expect(ltm[top]).toBeCloseTo(1.0 / 1.1, 12) //        0.9091
    expect((result.data as { meanAfter: number }).meanAfter).toBeCloseTo((0.36 + 0.8 + 1.0) / 1.1 / 3, 12)
    expect(
      await h
        .db(T.associations)
        .count({ n: '*' })
        .then((r) => Number(r[0].n)),
    ).toBe(1)
    expect(result.summary).toBe(
      'scaled 4 long-term strengths ×0.9091 (mean 0.55 → 0.5, target 0.5); pruned 1 below 0.05 with 1 link',
    )
  })

  it('scales up too (capped at 1), and only part of the way with rate < 1', async () => {
    const [a, b, c] = await longTerm([0.1, 0.1, 0.9])
    await h.run({ stage: 'homeostasis' }, { at: T0 })
    // mean 1.1 / 3; factor 0.5 / (1.1 / 3) = 1.3636…: 0.1364, 0.1364, and 1.227 capped at 1.
    let ltm = await strengths(h.db, T.longTerm)
    expect(ltm[a]).toBeCloseTo(0.15 / 1.1, 12)
    expect(ltm[c]).toBe(1)
    await h.db(T.longTerm).update({ strength: 0.8 })
    await h.run({ stage: 'homeostasis', rate: 0.5, target: 0.4 }, { at: T0 + 1000 })
    // mean 0.8; factor 1 + 0.5·(0.4 / 0.8 - 1) = 0.75
    ltm = await strengths(h.db, T.longTerm)
    for (const id of [a, b, c]) expect(ltm[id]).toBeCloseTo(0.6, 12)
  })

  it('has nothing to do on an empty long-term memory', async () => {
    const result = await h.run({ stage: 'homeostasis' }, { at: T0 })
    expect(result).toMatchObject({
      status: 'ok',
      summary: 'no long-term memories to scale',
      data: { memories: 0, pruned: 0 },
    })
  })
})
