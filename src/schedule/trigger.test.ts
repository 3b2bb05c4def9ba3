import { describe, expect, it } from 'vitest'
import { CronSyntaxError, parseCron } from './cron-expression.js'
import { cronTrigger, intervalTrigger, nextFires, onceTrigger } from './trigger.js'

const at = (iso: string) => Date.parse(iso)
const isoList = (instants: number[]) => instants.map((i) => new Date(i).toISOString())

describe('cronTrigger', () => {
  it('keeps the expression as written and evaluates it in the zone', () => {
    const trigger = cronTrigger('0 9 * * 1-5', 'Europe/Berlin')
    expect(trigger.kind).toBe('cron')
    expect(trigger.text).toBe('0 9 * * 1-5')
    // Friday afternoon -> Monday 09:00 CEST
    expect(isoList(nextFires(trigger, at('2026-03-27T12:00:00Z'), 2))).toEqual([
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
    ])
  })

  it('accepts an already parsed expression, and a nickname keeps its text', () => {
    const trigger = cronTrigger(parseCron('@daily'), 'America/New_York')
    expect(trigger.text).toBe('@daily')
    expect(trigger.next(at('2026-01-01T12:00:00Z'))).toBe(at('2026-01-02T05:00:00Z'))
  })

  it('refuses a bad expression with a CronSyntaxError', () => {
    expect(() => cronTrigger('0 25 * * *', 'UTC')).toThrow(CronSyntaxError)
    expect(() => cronTrigger('0 25 * * *', 'UTC')).toThrow('hour 25 is out of range 0-23')
  })

  it('the same expression in different zones fires at different instants', () => {
    const from = at('2026-06-01T00:00:00Z')
    expect(cronTrigger('0 12 * * *', 'UTC').next(from)).toBe(at('2026-06-01T12:00:00Z'))
    expect(cronTrigger('0 12 * * *', 'Asia/Tokyo').next(from)).toBe(at('2026-06-01T03:00:00Z'))
    expect(cronTrigger('0 12 * * *', 'America/New_York').next(from)).toBe(at('2026-06-01T16:00:00Z'))
  })
})

describe('intervalTrigger: anchored at the epoch, not at the process start', () => {
  it('fires on multiples of the interval since 1970-01-01T00:00:00Z', () => {
    const trigger = intervalTrigger(5 * 60_000, 'every 5m')
    expect(trigger.kind).toBe('interval')
    expect(trigger.text).toBe('every 5m')
    expect(isoList(nextFires(trigger, at('2026-03-29T00:58:12Z'), 3))).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:05:00.000Z',
      '2026-03-29T01:10:00.000Z',
    ])
  })

  it('is strictly after: from a fire instant the next one is a whole interval later', () => {
    const trigger = intervalTrigger(5 * 60_000, 'every 5m')
    expect(trigger.next(at('2026-03-29T01:00:00Z'))).toBe(at('2026-03-29T01:05:00Z'))
    expect(trigger.next(at('2026-03-29T00:59:59.999Z'))).toBe(at('2026-03-29T01:00:00Z'))
  })

  it('two instances started at different times agree on every fire', () => {
    const a = intervalTrigger(7 * 60_000, 'every 7m')
    const b = intervalTrigger(7 * 60_000, 'every 7m')
    const fromA = nextFires(a, at('2026-05-01T10:00:00Z'), 20)
    const fromB = nextFires(b, at('2026-05-01T10:33:20Z'), 10)
    expect(fromA).toEqual(expect.arrayContaining(fromB))
    expect(fromA.every((f) => f % (7 * 60_000) === 0)).toBe(true)
  })

  it('an explicit anchor shifts the grid', () => {
    const trigger = intervalTrigger(60_000, 'every 1m', 1000)
    expect(trigger.next(0)).toBe(1000)
    expect(trigger.next(1000)).toBe(61_000)
    expect(trigger.next(-1)).toBe(1000)
  })

  it('follows real time across DST: hourly stays 60 real minutes apart in Berlin spring forward', () => {
    expect(isoList(nextFires(intervalTrigger(3_600_000, 'every 1h'), at('2026-03-28T23:30:00Z'), 3))).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ])
  })
})

describe('onceTrigger', () => {
  it('fires once, strictly after `from`', () => {
    const when = at('2026-12-01T09:00:00Z')
    const trigger = onceTrigger(when, 'at 2026-12-01T09:00:00Z')
    expect(trigger.kind).toBe('once')
    expect(trigger.text).toBe('at 2026-12-01T09:00:00Z')
    expect(trigger.next(when - 1)).toBe(when)
    expect(trigger.next(when)).toBeNull()
    expect(trigger.next(when + 1)).toBeNull()
    expect(nextFires(trigger, at('2026-01-01T00:00:00Z'), 5)).toEqual([when])
  })
})

describe('nextFires', () => {
  it('starts strictly after `from`', () => {
    expect(isoList(nextFires(cronTrigger('0 * * * *', 'UTC'), at('2026-01-01T01:00:00Z'), 2))).toEqual([
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
    ])
  })

  it('returns nothing for a count of 0, and stops early when the trigger runs out', () => {
    expect(nextFires(cronTrigger('* * * * *', 'UTC'), 0, 0)).toEqual([])
    expect(nextFires(cronTrigger('0 0 30 2 *', 'UTC'), 0, 3)).toEqual([])
  })

  it('walks the Berlin fall back with the Vixie rule: wildcard twice, fixed once', () => {
    const from = at('2026-10-24T23:00:00Z')
    expect(isoList(nextFires(cronTrigger('30 * * * *', 'Europe/Berlin'), from, 4))).toEqual([
      '2026-10-24T23:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-25T02:30:00.000Z',
    ])
    expect(isoList(nextFires(cronTrigger('30 2 * * *', 'Europe/Berlin'), from, 2))).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ])
  })
})

describe('performance sanity: per-second jobs over a transition complete (no timing asserted)', () => {
  it('wildcard `* * * * * *` over the Berlin spring forward: 3600 fires, one real second apart', () => {
    const fires = nextFires(cronTrigger('* * * * * *', 'Europe/Berlin'), at('2026-03-29T00:30:00Z'), 3600)
    expect(fires).toHaveLength(3600)
    expect(fires.every((f, i) => f === at('2026-03-29T00:30:00Z') + (i + 1) * 1000)).toBe(true)
    expect(new Date(fires[3599]).toISOString()).toBe('2026-03-29T01:30:00.000Z')
  })

  it('wildcard `* * * * * *` over the Berlin fall back: 7200 fires, one real second apart', () => {
    const fires = nextFires(cronTrigger('* * * * * *', 'Europe/Berlin'), at('2026-10-25T00:00:00Z'), 7200)
    expect(fires.every((f, i) => f === at('2026-10-25T00:00:00Z') + (i + 1) * 1000)).toBe(true)
    expect(new Date(fires[7199]).toISOString()).toBe('2026-10-25T02:00:00.000Z')
  })

  it('fixed per-second `* 0-59 2 * * *` over the Berlin fall back: the first pass only', () => {
    const fires = isoList(nextFires(cronTrigger('* 0-59 2 * * *', 'Europe/Berlin'), at('2026-10-24T23:59:59Z'), 3601))
    expect(fires[0]).toBe('2026-10-25T00:00:00.000Z')
    expect(fires[3599]).toBe('2026-10-25T00:59:59.000Z')
    expect(fires[3600]).toBe('2026-10-26T01:00:00.000Z')
  })

  it('fixed per-second `* 0-59 2 * * *` over the Berlin spring forward: 3600 swallowed seconds fire once', () => {
    expect(isoList(nextFires(cronTrigger('* 0-59 2 * * *', 'Europe/Berlin'), at('2026-03-28T12:00:00Z'), 3))).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
      '2026-03-30T00:00:01.000Z',
    ])
  })
})
