import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseJudgement } from '../src/llm/enrich.js'
import { memoryStats } from '../src/queries/stats.js'
import { T } from '../src/store/tables.js'
import { longTermFixture } from './fixtures/long-term.js'
import { HOUR, type Harness, MINUTE, SECOND, T0, harness } from './harness.js'
import { type FakeOllama, fakeOllama } from './llm-server.js'

describe('reading an answer', () => {
  it('takes the JSON object, or else the first number from 0 to 1', () => {
    expect(parseJudgement('{"score": 0.7, "label": "same project"}')).toEqual({ score: 0.7, label: 'same project' })
    expect(parseJudgement('Sure! {"score": 1, "label": ""} hope that helps')).toEqual({ score: 1, label: null })
    expect(parseJudgement('Relatedness: 0.35, both about gardening.')).toEqual({ score: 0.35, label: null })
    expect(parseJudgement('{"score": 7}')).toBeNull()
    expect(parseJudgement('no idea')).toBeNull()
  })
})

describe.each(['sqlite', 'pg'] as const)('REM with a local LLM, on %s', (kind) => {
  let h: Harness
  let llm: FakeOllama
  beforeEach(async () => {
    h = await harness(kind)
    llm = await fakeOllama()
  })
  afterEach(async () => {
    await llm.close()
    await h.cleanup()
  })

  const rem = (extra: Record<string, unknown> = {}) => ({
    stage: 'rem',
    llm: { url: llm.url, model: 'llama3.2', ...extra },
  })
  const link = async (a: number, b: number) =>
    h
      .db(T.associations)
      .where({ a_id: Math.min(a, b), b_id: Math.max(a, b) })
      .first()

  it('asks /api/generate about the strongest links and blends its score into their targets', async () => {
    const m = await longTermFixture(h)
    const result = await h.run(rem({ maxPairs: 2 }), { at: T0 + MINUTE })
    expect(result.status).toBe('ok')
    expect(result.summary).toMatch(/ — LLM judged 2 links$/)
    expect(result.data).toMatchObject({
      links: 4,
      llmJudged: 2,
      path: 'llm-enriched',
      llm: { status: 'enriched', called: 2, cached: 0, failures: 0 },
    })
    expect(llm.requests).toHaveLength(2)
    expect(Object.keys(llm.requests[0]).sort()).toEqual(['model', 'prompt', 'stream'])
    expect(llm.requests[0]).toMatchObject({ model: 'llama3.2', stream: false })
    expect(String(llm.requests[0].prompt)).toContain('Memory A: Planned the garden layout with tomatoes')
    // 1-2: (1 - 0.5)·0.6 + 0.5·0.9 = 0.75, strength 0.375; 3-4: 0.5·0.5 + 0.5·0.9 = 0.7 → 0.35.
    const l12 = await link(m.m1, m.m2)
    expect(Number(l12.target)).toBeCloseTo(0.75, 10)
    expect(Number(l12.strength)).toBeCloseTo(0.375, 10)
    expect(l12.label).toBe('same theme')
    expect(Number((await link(m.m3, m.m4)).strength)).toBeCloseTo(0.35, 10)
    // Not judged: rule-based only.
    expect(Number((await link(m.m5, m.m1)).strength)).toBeCloseTo(0.15, 10)
    expect((await link(m.m5, m.m1)).label).toBeNull()
  })

  it('answers from its 24-hour cache and reports the hit rate', async () => {
    await longTermFixture(h)
    await h.run(rem(), { at: T0 + MINUTE })
    expect(llm.requests).toHaveLength(4)
    const second = await h.run(rem(), { at: T0 + 90 * MINUTE })
    expect(llm.requests).toHaveLength(4)
    expect(second.data).toMatchObject({ llm: { status: 'enriched', cached: 4, called: 0 } })
    expect(second.summary).toMatch(/LLM judged 4 links, 4 from cache$/)
    expect((await memoryStats(h.db)).llmCache).toEqual({ entries: 4, hits: 4, misses: 4, hitRate: 0.5 })
    // A day later the answers are stale: asked again.
    await h.run({ ...rem(), window: '48h' }, { at: T0 + 25 * HOUR })
    expect(llm.requests).toHaveLength(8)
    expect((await memoryStats(h.db)).llmCache).toEqual({ entries: 4, hits: 4, misses: 8, hitRate: 1 / 3 })
  })

  it('falls back to its rules when the LLM fails; the breaker opens after 2 failures for 120 s, across runs', async () => {
    const m = await longTermFixture(h)
    llm.mode = 'fail'
    const first = await h.run(rem(), { at: T0 + MINUTE })
    expect(first.status).toBe('ok')
    expect(llm.requests).toHaveLength(2)
    expect(first.summary).toMatch(
      / — rule-based: LLM unavailable \(breaker open after 2 failures \(last: HTTP 500 from \/api\/generate\)\)$/,
    )
    expect(first.data).toMatchObject({
      path: 'rule-based',
      llmJudged: 0,
      llm: { status: 'unavailable', called: 2, failures: 2, skipped: 2, breaker: 'open' },
    })
    expect(Number((await link(m.m1, m.m2)).strength)).toBeCloseTo(0.3, 10)
    // 119 s later the breaker is still open: no request at all.
    const second = await h.run(rem(), { at: T0 + MINUTE + 119 * SECOND })
    expect(llm.requests).toHaveLength(2)
    expect(second.data).toMatchObject({ llm: { status: 'unavailable', called: 0, skipped: 4 } })
    // After 120 s one call may try: it fails, the breaker opens again.
    await h.run(rem(), { at: T0 + MINUTE + 120 * SECOND })
    expect(llm.requests).toHaveLength(3)
    // The LLM is back: after another 120 s the trial call succeeds and closes the breaker.
    llm.mode = 'answer'
    const back = await h.run(rem(), { at: T0 + MINUTE + 240 * SECOND })
    expect(llm.requests).toHaveLength(7)
    expect(back.data).toMatchObject({ path: 'llm-enriched', llm: { status: 'enriched', called: 4, breaker: 'closed' } })
    expect(await h.kv.get('llm-breaker:' + llm.url)).toMatchObject({ failures: 0, openUntil: null })
  })

  it('gives up on a hanging LLM after its request timeout, well within the stage timeout', async () => {
    const m = await longTermFixture(h)
    llm.mode = 'hang'
    const stage = new AbortController()
    // A stage timeout far above the two 300 ms requests, so a loaded machine cannot reach it.
    const stageTimeout = setTimeout(() => stage.abort(new Error('timed out after 120s')), 120_000)
    try {
      const result = await h.run(rem({ timeout: '300ms' }), { at: T0 + MINUTE, signal: stage.signal })
      expect(stage.signal.aborted).toBe(false)
      expect(result.status).toBe('ok')
      expect(result.summary).toMatch(
        /rule-based: LLM unavailable \(breaker open after 2 failures \(last: no answer within 300ms\)\)$/,
      )
      expect(llm.requests).toHaveLength(2)
      expect(Number((await link(m.m1, m.m2)).strength)).toBeCloseTo(0.3, 10)
    } finally {
      clearTimeout(stageTimeout)
    }
    await expect.poll(() => llm.abandoned, { timeout: 30_000 }).toBe(2)
  })

  it('stops at once when the stage itself is stopped during a hanging call, without blaming the LLM', async () => {
    await longTermFixture(h)
    llm.mode = 'hang'
    const stage = new AbortController()
    // The stage is stopped while its first request hangs (not after a fixed time: a loaded machine may not have sent it yet).
    const running = h.run(rem({ timeout: '60s' }), { at: T0 + MINUTE, signal: stage.signal })
    await expect.poll(() => llm.requests.length, { timeout: 30_000 }).toBe(1)
    stage.abort(new Error('timed out after 1s'))
    await expect(running).rejects.toThrow('timed out after 1s')
    expect(llm.requests).toHaveLength(1)
    expect(await h.kv.get('llm-breaker:' + llm.url)).toBeUndefined()
    expect(
      await h
        .db(T.associations)
        .count({ n: '*' })
        .then((r) => Number(r[0].n)),
    ).toBe(0)
  })

  it('keeps to its rules when the answers make no sense, without opening the breaker', async () => {
    await longTermFixture(h)
    llm.mode = 'garbage'
    const result = await h.run(rem(), { at: T0 + MINUTE })
    expect(result.data).toMatchObject({
      path: 'rule-based',
      llm: { status: 'unavailable', called: 4, unparsable: 4, failures: 0, breaker: 'closed' },
    })
    expect(result.summary).toMatch(/rule-based: LLM unavailable \(no usable answer\)$/)
  })
})

describe('every stage without an LLM', () => {
  it('completes on its rule-based path and says so', async () => {
    const h = await harness('sqlite')
    try {
      await longTermFixture(h)
      for (const stage of [
        'working',
        'short-term',
        'consolidation',
        'deep-consolidation',
        'rem',
        'homeostasis',
        'health',
      ]) {
        const result = await h.run({ stage }, { at: T0 + HOUR })
        expect(result.status, stage).toBe('ok')
        expect(result.data, stage).toMatchObject({ path: 'rule-based' })
      }
    } finally {
      await h.cleanup()
    }
  })
})
