import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { T } from '../src/store/tables.js'
import { longTermFixture } from './fixtures/long-term.js'
import { HOUR, type Harness, MINUTE, T0, harness } from './harness.js'

describe.each(['sqlite', 'pg', 'mysql'] as const)('REM on %s', (kind) => {
  let h: Harness
  beforeEach(async () => {
    h = await harness(kind)
  })
  afterEach(async () => h.cleanup())

  const longTerm = () => longTermFixture(h)

  const links = async () =>
    Object.fromEntries(
      (
        (await h
          .db(T.associations)
          .select('a_id', 'b_id', 'strength', 'target', 'shared_tags', 'shared_keywords', 'co_occurring')) as Array<
          Record<string, unknown>
        >
      ).map((r) => [
        `${r.a_id}-${r.b_id}`,
        {
          strength: Number(r.strength),
          target: Number(r.target),
          tags: Number(r.shared_tags),
          keywords: Number(r.shared_keywords),
          co: Number(r.co_occurring),
        },
      ]),
    )

  it('links fresh long-term memories: 0.3 per shared tag, 0.1 per shared keyword, 0.2 if co-occurring; strength moves halfway to the target', async () => {
    const m = await longTerm()
    const result = await h.run({ stage: 'rem' }, { at: T0 + MINUTE })
    expect(result.status).toBe('ok')
    expect(result.data).toMatchObject({ fresh: 4, links: 4, created: 4, updated: 0, path: 'rule-based', llm: null })
    const first = await links()
    // 1-2: tag garden 0.3 + keyword garden 0.1 + made 60 s apart (neighbours in time) 0.2 = 0.6 → 0 + 0.5·0.6
    expect(first[`${m.m1}-${m.m2}`]).toMatchObject({ tags: 1, keywords: 1, co: 1 })
    expect(first[`${m.m1}-${m.m2}`].target).toBeCloseTo(0.6, 10)
    expect(first[`${m.m1}-${m.m2}`].strength).toBeCloseTo(0.3, 10)
    // 3-4: tag work 0.3 + keywords budget, meeting 0.2; 20 min apart is not co-occurring: 0.5 → 0.25
    expect(first[`${m.m3}-${m.m4}`]).toMatchObject({ tags: 1, keywords: 2, co: 0 })
    expect(first[`${m.m3}-${m.m4}`].strength).toBeCloseTo(0.25, 10)
    // The old harvest notes share the garden tag with the fresh 1 and 2: 0.3 → 0.15.
    expect(first[`${m.m5}-${m.m1}`].strength).toBeCloseTo(0.15, 10)
    expect(first[`${m.m5}-${m.m2}`].strength).toBeCloseTo(0.15, 10)
    // Two old memories are not linked (neither is fresh); 2-3 share nothing and were made 2 h apart.
    expect(first[`${m.m6}-${m.m7}`]).toBeUndefined()
    expect(first[`${m.m2}-${m.m3}`]).toBeUndefined()

    const second = await h.run({ stage: 'rem' }, { at: T0 + 90 * MINUTE })
    expect(second.data).toMatchObject({ links: 4, created: 0, updated: 4 })
    const after = await links()
    expect(after[`${m.m1}-${m.m2}`].strength).toBeCloseTo(0.45, 10) //  0.3 + 0.5·(0.6 - 0.3)
    expect(after[`${m.m3}-${m.m4}`].strength).toBeCloseTo(0.375, 10) // 0.25 + 0.5·(0.5 - 0.25)
  })

  it('ignores terms too common to link anything (maxTermFrequency) and memories outside the window', async () => {
    const m = await longTerm()
    // garden is a tag of three long-term memories: with a limit of 2 it links nothing; the keyword garden (2) still does.
    await h.run({ stage: 'rem', maxTermFrequency: 2, learningRate: 1 }, { at: T0 + MINUTE })
    const found = await links()
    expect(Object.keys(found).sort()).toEqual([`${m.m1}-${m.m2}`, `${m.m3}-${m.m4}`].sort())
    expect(found[`${m.m1}-${m.m2}`].strength).toBeCloseTo(0.3, 10) // keyword 0.1 + co-occurring 0.2, learning rate 1
    expect(found[`${m.m3}-${m.m4}`].strength).toBeCloseTo(0.5, 10)
    const later = await h.run({ stage: 'rem', window: '1h' }, { at: T0 + 2 * HOUR })
    expect(later.data).toMatchObject({ fresh: 0, links: 0 })
  })
})
