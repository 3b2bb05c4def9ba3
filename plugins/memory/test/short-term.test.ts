import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { T } from '../src/store/tables.js'
import { type Harness, SECOND, T0, harness, strengths } from './harness.js'

describe.each(['sqlite', 'pg', 'mysql'] as const)('short-term memory on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => h.cleanup())

  // [activation, seconds since last access, access count, importance] and the score worked out by hand:
  // 0.4·activation + 0.3·max(0, 1 - age/3600) + 0.2·min(1, accesses/5) + 0.1·importance
  const candidates: Array<[number, number, number, number, number]> = [
    [1.0, 0, 5, 1.0, 1.0], //       0.4 + 0.3 + 0.2 + 0.1
    [0.5, 1800, 1, 0.5, 0.44], //   0.2 + 0.15 + 0.04 + 0.05
    [0.8, 360, 2, 0.6, 0.73], //    0.32 + 0.27 + 0.08 + 0.06
    [0.2, 3000, 1, 0.1, 0.18], //   0.08 + 0.05 + 0.04 + 0.01
    [0.6, 720, 10, 0.3, 0.71], //   0.24 + 0.24 + 0.2 (10/5 capped at 1) + 0.03
    [0.3, 0, 1, 0.9, 0.55], //      0.12 + 0.3 + 0.04 + 0.09
    [0.7, 1080, 3, 0.5, 0.66], //   0.28 + 0.21 + 0.12 + 0.05
    [0.1, 3600, 1, 0.0, 0.08], //   0.04 + 0 (exactly 1 h: still a candidate) + 0.04 + 0
    [0.9, 1440, 4, 0.2, 0.72], //   0.36 + 0.18 + 0.16 + 0.02
    [0.4, 180, 2, 0.4, 0.565], //   0.16 + 0.285 + 0.08 + 0.04
    [0.5, 2520, 1, 0.8, 0.41], //   0.2 + 0.09 + 0.04 + 0.08
  ]

  async function seed() {
    const ids: number[] = []
    for (const [activation, age, accessCount, importance] of candidates) {
      ids.push(
        (await h.add([{ content: `memory ${ids.length}`, activation, accessCount, importance }], T0 - age * SECOND))[0],
      )
    }
    const [inShortTerm, inLongTerm] = await h.add(
      [
        {
          content: 'already short-term',
          activation: 1,
          accessCount: 5,
          importance: 1,
          store: 'short-term',
          strength: 0.3,
        },
        {
          content: 'already long-term',
          activation: 1,
          accessCount: 5,
          importance: 1,
          store: 'long-term',
          strength: 0.9,
        },
      ],
      T0 - 10 * SECOND,
    )
    const [tooOld] = await h.add(
      [{ content: 'too old', activation: 1, accessCount: 5, importance: 1 }],
      T0 - 3601 * SECOND,
    )
    return { ids, inShortTerm, inLongTerm, tooOld }
  }

  it('admits the 9 best scores (0.4·activation + 0.3·recency + 0.2·frequency + 0.1·importance); the rest decay ×0.9', async () => {
    const { ids, inShortTerm, inLongTerm, tooOld } = await seed()
    const result = await h.run({ stage: 'short-term' }, { at: T0 })
    expect(result.status).toBe('ok')
    expect(result.data).toMatchObject({ candidates: 11, admitted: 9, decayed: 2, capacity: 9 })
    const admitted = (result.data as { scores: Array<{ id: number; score: number }> }).scores
    // By score: 1.0, 0.73, 0.72, 0.71, 0.66, 0.565, 0.55, 0.44, 0.41 — not 0.18 and 0.08.
    expect(admitted.map((a) => a.id)).toEqual([0, 2, 8, 4, 6, 9, 5, 1, 10].map((i) => ids[i]))
    for (const a of admitted) expect(a.score).toBeCloseTo(candidates[ids.indexOf(a.id)][4], 10)
    const stm = await strengths(h.db, T.shortTerm)
    for (const i of [0, 2, 8, 4, 6, 9, 5, 1, 10]) expect(stm[ids[i]]).toBeCloseTo(candidates[i][4], 10)
    expect(stm[ids[3]]).toBeUndefined()
    expect(stm[ids[7]]).toBeUndefined()
    const activation = async (id: number) => Number((await h.db(T.items).where({ id }).first('activation')).activation)
    // The two that lost decay: 0.2 × 0.9 and 0.1 × 0.9; the admitted keep theirs.
    expect(await activation(ids[3])).toBeCloseTo(0.18, 10)
    expect(await activation(ids[7])).toBeCloseTo(0.09, 10)
    expect(await activation(ids[0])).toBe(1)
    // Not candidates at all: already stored, or accessed more than an hour ago.
    expect(stm[inShortTerm]).toBeCloseTo(0.3, 10)
    for (const id of [inShortTerm, inLongTerm, tooOld]) expect(await activation(id)).toBe(1)
    expect(result.summary).toBe(
      '9 admitted to short-term memory (of 11 candidates from the last 1h, at most 9); 2 decayed ×0.9',
    )
  })

  it('applies its parameters: capacity, minimum score, weights, decay', async () => {
    const { ids } = await seed()
    const result = await h.run(
      { stage: 'short-term', capacity: 2, minScore: 0.72, decay: 0.5, weights: { importance: 0.1 } },
      { at: T0 },
    )
    // Scores of at least 0.72: 1.0, 0.73, 0.72 — capacity 2 admits the first two; nine decay ×0.5.
    expect(result.data).toMatchObject({ candidates: 11, admitted: 2, decayed: 9 })
    expect((result.data as { scores: Array<{ id: number }> }).scores.map((s) => s.id)).toEqual([ids[0], ids[2]])
    expect(Number((await h.db(T.items).where({ id: ids[8] }).first('activation')).activation)).toBeCloseTo(0.45, 10)
  })
})
