import { describe, expect, it } from 'vitest'
import { explainNext } from '../../src/explain/next-steps.js'
import { explainTime } from '../../src/explain/schedule-steps.js'
import { parseAt } from '../../src/explain/explain.js'
import { nextFires } from '../../src/schedule/trigger.js'
import { configOf, stepOf, stepsOf } from './config.js'

const at = (config: ReturnType<typeof configOf>, job: string, text: string) => {
  const j = config.jobs.get(job)!
  return explainTime(j, parseAt(text, j))
}
/** What `next` (the trigger itself) says the fires around an instant are. */
const firesFrom = (config: ReturnType<typeof configOf>, job: string, fromIso: string, n = 3) =>
  nextFires(config.jobs.get(job)!.trigger!, Date.parse(fromIso), n).map((f) => new Date(f).toISOString())

describe('explain: cron fields', () => {
  const config = configOf({ weekdays: { schedule: '30 9 * * 1-5' } })

  it('names the field that failed and the nearest matching wall times before and after', () => {
    const e = at(config, 'weekdays', '2026-01-07T10:30')
    const cron = stepOf(e, 'cron')!
    expect(cron.verdict).toBe('fail')
    expect(cron.detail).toContain("hour 10 is not in '9'")
    expect(cron.data.nearestBefore).toBe('2026-01-07 09:30:00')
    expect(cron.data.nearestAfter).toBe('2026-01-08 09:30:00')
    expect(e.fires).toBe(false)
    // The nearest occurrence is the trigger's own: the same as `next` gives.
    expect(stepOf(e, 'occurrence')!.data.next).toBe(firesFrom(config, 'weekdays', '2026-01-07T09:30:00Z', 1)[0])
  })

  it('blames the day fields when only the day fails (a Saturday)', () => {
    const cron = stepOf(at(config, 'weekdays', '2026-01-10T09:30'), 'cron')!
    expect(cron.verdict).toBe('fail')
    expect(cron.detail).toContain('the day (day-of-month 10')
    expect(cron.data.daysMatch).toBe(false)
  })

  it('a matching time is an occurrence, at the instant `next` gives', () => {
    const e = at(config, 'weekdays', '2026-01-07T09:30')
    expect(stepOf(e, 'cron')!.verdict).toBe('pass')
    expect(e.fires).toBe(true)
    expect(new Date(e.occurrence!).toISOString()).toBe(firesFrom(config, 'weekdays', '2026-01-07T08:00:00Z', 1)[0])
  })
})

describe('explain: DST (Vixie rule)', () => {
  const config = configOf({
    fixed: { schedule: '30 2 * * *' },
    wild: { schedule: '*/30 * * * *' },
    star_at_2: { schedule: '*/30 2 * * *' },
    lh_fixed: { schedule: '30 2 * * *', timezone: 'Australia/Lord_Howe' },
    lh_wild: { schedule: '*/30 * * * *', timezone: 'Australia/Lord_Howe' },
    lh_fixed_0130: { schedule: '30 1 * * *', timezone: 'Australia/Lord_Howe' },
  })

  it('gap, fixed job: fires once at the first instant after the gap — what `next` does', () => {
    const e = at(config, 'fixed', '2026-03-29T02:30')
    const dst = stepOf(e, 'dst')!
    expect(dst.verdict).toBe('pass')
    expect(dst.data).toMatchObject({
      kind: 'gap',
      rule: 'fixed',
      firesAt: '2026-03-29T01:00:00.000Z',
      docs: 'docs/scheduling.md#daylight-saving-time',
    })
    expect(dst.detail).toContain('fires once at the first instant after the gap')
    expect(e.fires).toBe(true)
    expect(new Date(e.occurrence!).toISOString()).toBe(firesFrom(config, 'fixed', '2026-03-28T12:00:00Z', 1)[0])
  })

  it('gap, wildcard job: nothing fires for the swallowed wall time; the nearest fires are `next`’s', () => {
    const e = at(config, 'star_at_2', '2026-03-29T02:30')
    const dst = stepOf(e, 'dst')!
    expect(dst.verdict).toBe('fail')
    expect(dst.data).toMatchObject({ kind: 'gap', rule: 'wildcard' })
    expect(dst.detail).toContain('nothing fires for wall times in a gap')
    expect(e.fires).toBe(false)
    expect(stepOf(e, 'occurrence')!.data.next).toBe(firesFrom(config, 'star_at_2', '2026-03-28T02:00:00Z', 1)[0])
    expect(stepOf(e, 'occurrence')!.data.next).toBe('2026-03-30T00:00:00.000Z')
  })

  it('repeated hour, fixed job: first pass only; asked with the second pass offset it says so', () => {
    const first = at(config, 'fixed', '2026-10-25T02:30')
    expect(stepOf(first, 'dst')!.verdict).toBe('pass')
    expect(stepOf(first, 'dst')!.detail).toContain('only the first pass fires')
    const second = at(config, 'fixed', '2026-10-25T02:30:00+01:00')
    expect(stepOf(second, 'dst')!.verdict).toBe('fail')
    expect(stepOf(second, 'dst')!.detail).toContain('this is the second pass')
    expect(second.fires).toBe(false)
    const fires = firesFrom(config, 'fixed', '2026-10-24T12:00:00Z', 2)
    expect(fires).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'])
    expect(stepOf(first, 'dst')!.data.firing).toEqual([fires[0]])
  })

  it('repeated hour, wildcard job: both passes fire, as `next` lists them', () => {
    const second = at(config, 'wild', '2026-10-25T02:30:00+01:00')
    expect(stepOf(second, 'dst')!.verdict).toBe('pass')
    expect(stepOf(second, 'dst')!.detail).toContain('both passes fire')
    expect(firesFrom(config, 'wild', '2026-10-25T00:15:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
    ])
    expect(stepOf(second, 'dst')!.data.firing).toEqual(
      firesFrom(config, 'wild', '2026-10-25T00:15:00Z', 4).filter(
        (f) => f === '2026-10-25T00:30:00.000Z' || f === '2026-10-25T01:30:00.000Z',
      ),
    )
  })

  it("Lord_Howe's 30-minute gap: 02:00–02:30 vanishes; fixed 02:30 is not in it, wildcard 02:00 is", () => {
    // 2026-10-04 02:00 +10:30 → 02:30 +11:00.
    const lh = at(config, 'lh_wild', '2026-10-04T02:00')
    expect(stepOf(lh, 'dst')!.data).toMatchObject({
      kind: 'gap',
      rule: 'wildcard',
      offsetBefore: 630,
      offsetAfter: 660,
    })
    expect(lh.fires).toBe(false)
    const fixed = at(config, 'lh_fixed', '2026-10-04T02:30')
    expect(stepOf(fixed, 'dst')).toBeUndefined()
    expect(fixed.fires).toBe(true)
    expect(new Date(fixed.occurrence!).toISOString()).toBe(firesFrom(config, 'lh_fixed', '2026-10-03T12:00:00Z', 1)[0])
  })

  it("Lord_Howe's 30-minute repeat: 01:30 happens twice; a fixed job fires on the first pass only", () => {
    // 2026-04-05 02:00 +11:00 → 01:30 +10:30: 01:30–02:00 repeats.
    const e = at(config, 'lh_fixed_0130', '2026-04-05T01:30')
    const dst = stepOf(e, 'dst')!
    expect(dst.data).toMatchObject({ kind: 'repeat', rule: 'fixed' })
    expect(dst.data.firing).toEqual([firesFrom(config, 'lh_fixed_0130', '2026-04-04T00:00:00Z', 1)[0]])
  })

  it('--next names the DST shift among the next fires', () => {
    const { steps, fires } = explainNext(config.jobs.get('fixed')!, Date.parse('2026-03-28T12:00:00Z'), 2)
    expect(fires.map((f) => new Date(f).toISOString())).toEqual(firesFrom(config, 'fixed', '2026-03-28T12:00:00Z', 2))
    expect(stepsOf({ steps }, 'next')[0].data.dst).toEqual({ kind: 'gap', wall: '2026-03-29 02:30' })
    expect(stepsOf({ steps }, 'next')[0].detail).toContain('fell in a DST gap')
  })
})

describe('explain: windows, calendars and holidays', () => {
  const config = configOf(
    {
      windowed: { every: '1h', between: '22:00-02:00', days: 'SAT' },
      de: { schedule: '0 9 * * *', calendar: { holidays: 'DE' } },
      jp: { schedule: '0 9 * * *', calendar: { holidays: 'JP', skip: ['2026-01-05'] } },
    },
    'UTC',
  )

  it('between: outside the window, with when it opens again', () => {
    const e = at(config, 'windowed', '2026-01-03T12:00:00Z')
    expect(stepOf(e, 'between')!.verdict).toBe('fail')
    expect(stepOf(e, 'between')!.detail).toContain('12:00 is outside the window 22:00-02:00')
    expect(stepOf(e, 'occurrence')!.data.next).toBe(firesFrom(config, 'windowed', '2026-01-03T12:00:00Z', 1)[0])
  })

  it('days: names the weekday', () => {
    const e = at(config, 'windowed', '2026-01-05T23:00:00Z')
    expect(stepOf(e, 'days')!.detail).toContain('Monday 2026-01-05 is not one of the days SAT')
  })

  it('holidays (DE): names the holiday and the calendar; the next fire skips it as `next` does', () => {
    const e = at(config, 'de', '2026-10-03T09:00:00Z')
    const h = stepOf(e, 'calendar.holidays')!
    expect(h.verdict).toBe('fail')
    expect(h.data).toMatchObject({ calendar: 'DE', date: '2026-10-03' })
    expect(h.data.holiday).toBe('National Holiday')
    expect(h.detail).toContain('public holiday in DE: National Holiday')
    expect(e.fires).toBe(false)
    expect(stepOf(e, 'occurrence')!.data.next).toBe(firesFrom(config, 'de', '2026-10-03T08:00:00Z', 1)[0])
    expect(stepOf(e, 'occurrence')!.data.next).toBe('2026-10-04T09:00:00.000Z')
  })

  it('holidays (JP) and calendar.skip: --next lists what it skipped on the way', () => {
    const { steps, fires } = explainNext(config.jobs.get('jp')!, Date.parse('2025-12-31T12:00:00Z'), 4)
    expect(fires.map((f) => new Date(f).toISOString())).toEqual(firesFrom(config, 'jp', '2025-12-31T12:00:00Z', 4))
    const first = stepsOf({ steps }, 'next')[0]
    expect(first.data.fire).toBe('2026-01-02T09:00:00.000Z')
    expect(first.data.skipped).toEqual([
      expect.objectContaining({ candidate: '2026-01-01T09:00:00.000Z', rule: 'calendar.holidays', calendar: 'JP' }),
    ])
    const fourth = stepsOf({ steps }, 'next')[3]
    expect(fourth.data.fire).toBe('2026-01-06T09:00:00.000Z')
    expect(fourth.data.skipped).toEqual([
      expect.objectContaining({ candidate: '2026-01-05T09:00:00.000Z', rule: 'calendar.skip' }),
    ])
  })
})

describe('explain: jitter', () => {
  it('gives the delay the scheduler computes for that occurrence', async () => {
    const { jitterDelay } = await import('../../src/schedule/jitter.js')
    const config = configOf({ j: { schedule: '0 * * * *', jitter: '10m' } }, 'UTC')
    const e = at(config, 'j', '2026-01-01T01:00:00Z')
    const j = stepOf(e, 'jitter')!
    expect(j.data.delayMs).toBe(jitterDelay('j', Date.parse('2026-01-01T01:00:00Z'), 600_000))
    expect(j.data.dueAt).toBe(new Date(Date.parse('2026-01-01T01:00:00Z') + Number(j.data.delayMs)).toISOString())
  })
})
