import { describe, expect, it } from 'vitest'
import { nextDay } from '../../src/serve/dashboard/timeline.js'
import { cronTrigger, intervalTrigger, onceTrigger } from '../../src/schedule/trigger.js'

const NOW = Date.parse('2026-03-28T12:00:00Z')
const range = (n: number) => [...Array(n).keys()]

describe("the job page's 24-hour timeline", () => {
  it('lists every fire of a daily job and marks its one 5-minute slot', () => {
    const t = nextDay(cronTrigger('0 2 * * *', 'Europe/Berlin'), NOW)
    expect(t).toMatchObject({
      from: '2026-03-28T12:00:00.000Z',
      to: '2026-03-29T12:00:00.000Z',
      truncated: false,
      slotMinutes: 5,
    })
    // 02:00 does not exist in Berlin that night (clocks go from 02:00 to 03:00): the job fires right after
    // the gap, 03:00 CEST = 01:00 UTC, 13 h in: slot 156.
    expect(t.fires).toEqual(['2026-03-29T01:00:00.000Z'])
    expect(t.slots).toEqual([156])
  })

  it('an every-second job lists its first 1,500 fires, yet marks every slot of the day', () => {
    const t = nextDay(cronTrigger('* * * * * *', 'UTC'), NOW)
    expect(t.fires).toHaveLength(1500)
    expect(t.fires[0]).toBe('2026-03-28T12:00:01.000Z')
    expect(t.truncated).toBe(true)
    expect(t.slots).toEqual(range(288))
  })

  it('a job firing only in a window marks only the slots of that window', () => {
    // Every second from 09:00 to 09:59:59 UTC: the 12 slots from 21 h in.
    const t = nextDay(cronTrigger('* * 9 * * *', 'UTC'), NOW)
    expect(t.truncated).toBe(true)
    expect(t.slots).toEqual(range(12).map((i) => 252 + i))
  })

  it('an interval, an instant, and no trigger at all', () => {
    expect(nextDay(intervalTrigger(3_600_000, 'every 1h'), NOW).slots).toEqual(
      range(24)
        .map((h) => 12 * (h + 1))
        .filter((s) => s < 288),
    )
    expect(nextDay(onceTrigger(NOW + 60_000, 'at …'), NOW)).toMatchObject({
      fires: ['2026-03-28T12:01:00.000Z'],
      slots: [0],
    })
    expect(nextDay(onceTrigger(NOW - 60_000, 'at …'), NOW)).toMatchObject({ fires: [], slots: [], truncated: false })
    expect(nextDay(null, NOW)).toMatchObject({ fires: [], slots: [], truncated: false })
  })
})
