import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseKind } from '../../../test/helpers/databases.js'
import { T } from '../src/store/tables.js'
import { HOUR, type Harness, harness } from './harness.js'
import { type DayLog, fires, simulateDay } from './simulated-day.js'
import { type TemplateConfig, templateConfig } from './template.js'

// Saturday 7 March 2026, 06:00 in Berlin (UTC+1) to Sunday 06:00: a waking day, a night, and Sunday's
// homeostasis at 03:00.
const FROM = Date.parse('2026-03-07T05:00:00Z')
const TO = FROM + 24 * HOUR

/** The template's schedule, run for a whole simulated day against a real store. */
export function describeSimulatedDay(kind: DatabaseKind): void {
  describe(`a simulated day of the template's schedule on ${kind}`, { timeout: 600_000 }, () => {
    let h: Harness
    let config: TemplateConfig
    let day: DayLog
    const of = (job: string) => day.results.filter((r) => r.job === job)
    const berlinHour = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      hourCycle: 'h23',
      timeZone: 'Europe/Berlin',
    })
    const localHour = (at: number) => Number(berlinHour.format(at))

    beforeAll(async () => {
      // 12,000 transactions: durability on power loss is not what this test is about.
      h = await harness(kind, { fastCommits: true })
      config = await templateConfig('Europe/Berlin')
      day = await simulateDay(h, config, FROM, TO)
    }, 600_000)
    afterAll(async () => h?.cleanup())

    it('fires each stage as often as its schedule says', () => {
      const counts = Object.fromEntries(Object.keys(config.jobs).map((job) => [job, of(job).length]))
      expect(counts).toEqual({
        memory_working: 16 * 720, //            every 5 s from 06:00 to 21:59:55
        memory_short_term: 288, //              every 5 min
        memory_consolidation: 24, //            hourly
        memory_deep_consolidation: 8, //        02:00, 02:15, … 03:45
        memory_rem: 3, //                       22:00, 01:00, 04:00
        memory_rem_half_past: 3, //             23:30, 02:30, 05:30
        memory_homeostasis: 1, //               Sunday 03:00
        memory_health: 96, //                   every 15 min
      })
      expect(fires(config, FROM, TO)).toHaveLength(day.results.length)
    })

    it('runs each stage at its local times', () => {
      expect(new Set(of('memory_working').map((r) => localHour(r.at)))).toEqual(
        new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]),
      )
      expect(of('memory_deep_consolidation').map((r) => new Date(r.at).toISOString().slice(11, 16))).toEqual([
        '01:00',
        '01:15',
        '01:30',
        '01:45',
        '02:00',
        '02:15',
        '02:30',
        '02:45',
      ])
      expect(
        [...of('memory_rem'), ...of('memory_rem_half_past')]
          .map((r) => r.at)
          .sort((a, b) => a - b)
          .map((at) => new Date(at).toISOString().slice(11, 16)),
      ).toEqual(['21:00', '22:30', '00:00', '01:30', '03:00', '04:30'])
      expect(of('memory_homeostasis').map((r) => new Date(r.at).toISOString())).toEqual(['2026-03-08T02:00:00.000Z'])
    })

    it('completes every run, healthy all day, each occurrence recorded once', async () => {
      const notOk = day.results
        .filter((r) => r.result.status !== 'ok')
        .map((r) => `${r.job}@${new Date(r.at).toISOString()}: ${r.result.summary}`)
      expect(notOk).toEqual([])
      const recorded = await h.db(T.stageRuns).where({ status: 'done' }).count({ n: '*' })
      expect(Number(recorded[0].n)).toBe(day.results.length)
    })

    it('moves memories along the pipeline', async () => {
      const data = (job: string) => of(job).map((r) => r.result.data as Record<string, number>)
      expect(of('memory_working')[0].result.summary).toMatch(/^loaded 28 sample memories/)
      expect(Math.max(...data('memory_working').map((d) => d.inContext))).toBe(7)
      expect(data('memory_short_term').reduce((s, d) => s + d.admitted, 0)).toBeGreaterThan(50)
      expect(data('memory_consolidation').reduce((s, d) => s + d.transferred, 0)).toBeGreaterThan(10)
      expect(data('memory_deep_consolidation').reduce((s, d) => s + d.replayed, 0)).toBeGreaterThan(0)
      expect(data('memory_rem').reduce((s, d) => s + d.links, 0)).toBeGreaterThan(0)
      const [homeostasis] = data('memory_homeostasis')
      expect(homeostasis.memories).toBeGreaterThan(10)
      expect(homeostasis.meanScaled).toBeCloseTo(0.5, 10)
      // Nobody rehearses at night: working memory stays as 21:59:55 left it, and the evening's losers faded.
      const counts = Object.fromEntries(
        await Promise.all(
          [T.items, T.shortTerm, T.longTerm, T.associations].map(async (t) => [
            t,
            Number((await h.db(t).count({ n: '*' }))[0].n),
          ]),
        ),
      )
      expect(counts[T.items]).toBe(28 + 2 * 48)
      expect(counts[T.longTerm]).toBeGreaterThan(10)
      expect(counts[T.associations]).toBeGreaterThan(10)
    })
  })
}
