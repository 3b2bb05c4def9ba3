import { describe, expect, it } from 'vitest'
import { parseCron } from './cron-expression.js'
import { nextCronFire } from './cron-trigger.js'

/** The next `count` fires strictly after `from`, as ISO strings. */
function fires(pattern: string, zone: string, from: string, count: number): string[] {
  const expr = parseCron(pattern)
  const out: string[] = []
  let cursor = Date.parse(from)
  while (out.length < count) {
    const next = nextCronFire(expr, zone, cursor)
    if (next === null) break
    out.push(new Date(next).toISOString())
    cursor = next
  }
  return out
}

function nextFire(pattern: string, zone: string, after: string): string | null {
  const next = nextCronFire(parseCron(pattern), zone, Date.parse(after))
  return next === null ? null : new Date(next).toISOString()
}

// Transitions used below (checked with Intl on this machine):
// Europe/Berlin        2026-03-29T01:00Z 02:00 CET -> 03:00 CEST   2026-10-25T01:00Z 03:00 CEST -> 02:00 CET
// America/New_York     2026-03-08T07:00Z 02:00 EST -> 03:00 EDT    2026-11-01T06:00Z 02:00 EDT -> 01:00 EST
// Australia/Lord_Howe  2026-04-04T15:00Z 02:00 +11 -> 01:30 +10:30 2026-10-03T15:30Z 02:00 +10:30 -> 02:30 +11
// Australia/Sydney     2026-04-04T16:00Z 03:00 +11 -> 02:00 +10    2026-10-03T16:00Z 02:00 +10 -> 03:00 +11
// America/Santiago     2026-04-05T03:00Z 00:00 -03 -> 23:00 -04    2026-09-06T04:00Z 00:00 -04 -> 01:00 -03

describe('Europe/Berlin spring forward (2026-03-29 01:00Z, 02:00 CET -> 03:00 CEST)', () => {
  it('fixed job: wall time swallowed by the Berlin spring-forward gap fires once at 03:00 CEST', () => {
    expect(fires('30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ])
  })

  it('fixed job: two wall times swallowed by one gap (`0,30 2 * * *`) fire once, not twice', () => {
    expect(fires('0,30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 3)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ])
  })

  it('fixed job: an hour range (`0 1-3 * * *`) is fixed, so the swallowed 02:00 and the real 03:00 share one fire', () => {
    expect(fires('0 1-3 * * *', 'Europe/Berlin', '2026-03-28T22:00:00Z', 4)).toEqual([
      '2026-03-29T00:00:00.000Z', // 01:00 CET
      '2026-03-29T01:00:00.000Z', // 02:00 swallowed + 03:00 CEST
      '2026-03-29T23:00:00.000Z', // 01:00 CEST on the 30th
      '2026-03-30T00:00:00.000Z',
    ])
  })

  it('wildcard job (`30 * * * *`, hour wildcard): nothing fires for 02:30, which the gap skipped', () => {
    expect(fires('30 * * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', 4)).toEqual([
      '2026-03-28T23:30:00.000Z', // 00:30 CET
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:30:00.000Z', // 03:30 CEST
      '2026-03-29T02:30:00.000Z', // 04:30 CEST
    ])
  })

  it('wildcard job (`* 2 * * *`, minute wildcard): the whole skipped 02:xx hour has nothing to fire', () => {
    expect(fires('* 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-30T00:00:00.000Z', // 02:00 CEST on the 30th
      '2026-03-30T00:01:00.000Z',
    ])
  })

  it('wildcard seconds job (`*/20 * * * * *`) steps from 01:59:40 CET to 03:00:00 CEST, 20 real seconds apart', () => {
    expect(fires('*/20 * * * * *', 'Europe/Berlin', '2026-03-29T00:59:00Z', 5)).toEqual([
      '2026-03-29T00:59:20.000Z',
      '2026-03-29T00:59:40.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:00:20.000Z',
      '2026-03-29T01:00:40.000Z',
    ])
  })

  it('fixed seconds job (`0 30 2 * * *`): swallowed 02:30:00 fires once at the transition', () => {
    expect(fires('0 30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ])
  })

  it('fixed seconds job (`* 30 2 * * *`, only the second starred): 60 swallowed seconds fire once', () => {
    expect(fires('* 30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 3)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-30T00:30:01.000Z',
    ])
  })

  it('fixed job: asking again from the transition instant does not repeat the catch-up fire', () => {
    expect(nextFire('30 2 * * *', 'Europe/Berlin', '2026-03-29T01:00:00Z')).toBe('2026-03-30T00:30:00.000Z')
  })

  it('fixed job: the catch-up fire lands on the exact transition instant when `after` carries milliseconds', () => {
    expect(nextFire('30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00.250Z')).toBe('2026-03-29T01:00:00.000Z')
    expect(nextFire('30 2 * * *', 'Europe/Berlin', '2026-03-29T00:59:59.999Z')).toBe('2026-03-29T01:00:00.000Z')
  })

  it('wildcard job: 03:00 CEST is found from an `after` with milliseconds less than 2 s before the gap', () => {
    // Used to loop forever: the transition search narrowed to a 1-2 s window and stopped moving.
    expect(nextFire('* * * * *', 'Europe/Berlin', '2026-03-29T00:59:30.250Z')).toBe('2026-03-29T01:00:00.000Z')
    expect(nextFire('*/20 * * * * *', 'Europe/Berlin', '2026-03-29T00:59:40.250Z')).toBe('2026-03-29T01:00:00.000Z')
    expect(nextFire('* * * * * *', 'Europe/Berlin', '2026-03-29T00:59:58.500Z')).toBe('2026-03-29T00:59:59.000Z')
  })
})

describe('Europe/Berlin fall back (2026-10-25 01:00Z, 03:00 CEST -> 02:00 CET)', () => {
  it('fixed job: the repeated 02:30 fires once, on its first (CEST) pass', () => {
    expect(fires('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ])
  })

  it('fixed job: asked from inside the second pass, the repeated 02:30 does not fire again', () => {
    expect(nextFire('30 2 * * *', 'Europe/Berlin', '2026-10-25T01:15:00Z')).toBe('2026-10-26T01:30:00.000Z')
    expect(nextFire('30 2 * * *', 'Europe/Berlin', '2026-10-25T01:00:00Z')).toBe('2026-10-26T01:30:00.000Z')
    expect(nextFire('30 2 * * *', 'Europe/Berlin', '2026-10-25T01:29:59.999Z')).toBe('2026-10-26T01:30:00.000Z')
  })

  it('fixed job: asked from inside the first pass, the rest of the first pass still fires', () => {
    expect(nextFire('30 2 * * *', 'Europe/Berlin', '2026-10-25T00:15:00Z')).toBe('2026-10-25T00:30:00.000Z')
  })

  it('wildcard job (`30 * * * *`, hour wildcard) fires 02:30 on both passes', () => {
    expect(fires('30 * * * *', 'Europe/Berlin', '2026-10-24T23:00:00Z', 4)).toEqual([
      '2026-10-24T23:30:00.000Z', // 01:30 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:30:00.000Z', // 03:30 CET
    ])
  })

  it('`@hourly` is a wildcard job: 02:00 fires on both passes', () => {
    expect(fires('@hourly', 'Europe/Berlin', '2026-10-24T23:30:00Z', 3)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ])
  })

  it('fixed job: an hour range (`0 1-3 * * *`) fires the repeated 02:00 on the first pass only', () => {
    expect(fires('0 1-3 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', 4)).toEqual([
      '2026-10-24T23:00:00.000Z', // 01:00 CEST
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-26T00:00:00.000Z', // 01:00 CET on the 26th
    ])
  })

  it('fixed job: a list in the repeated hour (`0,30 2 * * *`) fires each wall time once', () => {
    expect(fires('0,30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 3)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:00:00.000Z',
    ])
  })

  it('wildcard seconds job (`*/20 * * * * *`) fires 02:30:00 on both passes and never pauses', () => {
    const list = fires('*/20 * * * * *', 'Europe/Berlin', '2026-10-24T23:59:59Z', 360)
    expect(list[0]).toBe('2026-10-25T00:00:00.000Z')
    expect(list[359]).toBe('2026-10-25T01:59:40.000Z')
    expect(list).toContain('2026-10-25T00:30:00.000Z')
    expect(list).toContain('2026-10-25T01:30:00.000Z')
  })

  it('fixed seconds job (`0 30 2 * * *`) fires the repeated 02:30:00 once', () => {
    expect(fires('0 30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ])
  })

  it('fixed seconds job (`* 30 2 * * *`) fires the 60 seconds of 02:30 on the first pass only', () => {
    const list = fires('* 30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 61)
    expect(list[0]).toBe('2026-10-25T00:30:00.000Z')
    expect(list[59]).toBe('2026-10-25T00:30:59.000Z')
    expect(list[60]).toBe('2026-10-26T01:30:00.000Z')
  })

  it('wildcard job (`* 2 * * *`) fires all 120 minutes of the doubled 02:xx hour', () => {
    const list = fires('* 2 * * *', 'Europe/Berlin', '2026-10-24T23:59:00Z', 121)
    expect(list[0]).toBe('2026-10-25T00:00:00.000Z')
    expect(list[59]).toBe('2026-10-25T00:59:00.000Z')
    expect(list[60]).toBe('2026-10-25T01:00:00.000Z')
    expect(list[119]).toBe('2026-10-25T01:59:00.000Z')
    expect(list[120]).toBe('2026-10-26T01:00:00.000Z')
  })
})

describe('America/New_York (2026-03-08 07:00Z spring forward, 2026-11-01 06:00Z fall back)', () => {
  it('fixed job: 02:30, swallowed on 2026-03-08, fires once at 03:00 EDT', () => {
    expect(fires('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ])
  })

  it('fixed day-of-week job (`0 2 * * SUN`): the swallowed Sunday 02:00 fires at 03:00 EDT', () => {
    expect(fires('0 2 * * SUN', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-15T06:00:00.000Z',
    ])
  })

  it('wildcard job (`*/10 2 * * *`): nothing fires on the day 02:xx was skipped', () => {
    expect(nextFire('*/10 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z')).toBe('2026-03-09T06:00:00.000Z')
  })

  it('fixed job: the repeated 01:30 fires once, at 01:30 EDT', () => {
    expect(fires('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ])
  })

  it('wildcard job (`30 * * * *`) fires 01:30 EDT and 01:30 EST', () => {
    expect(fires('30 * * * *', 'America/New_York', '2026-11-01T04:00:00Z', 4)).toEqual([
      '2026-11-01T04:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
      '2026-11-01T07:30:00.000Z',
    ])
  })

  it('a job with only the minute field starred (`*/30 1 * * *`) is a wildcard job and fires both passes', () => {
    expect(fires('*/30 1 * * *', 'America/New_York', '2026-11-01T04:00:00Z', 5)).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T06:30:00.000Z',
      '2026-11-02T06:00:00.000Z',
    ])
  })
})

describe('Australia/Lord_Howe (30-minute shifts, +10:30 <-> +11:00)', () => {
  it('fixed job: 02:15, inside the 30-minute gap of 2026-10-04, fires once at 02:30 +11:00', () => {
    expect(fires('15 2 * * *', 'Australia/Lord_Howe', '2026-10-03T12:00:00Z', 2)).toEqual([
      '2026-10-03T15:30:00.000Z',
      '2026-10-04T15:15:00.000Z',
    ])
  })

  it('fixed job: swallowed 02:00 and 02:15 and the real 02:30 share one fire at the transition', () => {
    expect(fires('0,15,30 2 * * *', 'Australia/Lord_Howe', '2026-10-03T12:00:00Z', 4)).toEqual([
      '2026-10-03T15:30:00.000Z',
      '2026-10-04T15:00:00.000Z',
      '2026-10-04T15:15:00.000Z',
      '2026-10-04T15:30:00.000Z',
    ])
  })

  it('wildcard job (`*/15 * * * *`): ticks stay 15 real minutes apart across the gap (02:00, 02:15 never happen)', () => {
    expect(fires('*/15 * * * *', 'Australia/Lord_Howe', '2026-10-03T15:00:00Z', 3)).toEqual([
      '2026-10-03T15:15:00.000Z', // 01:45 +10:30
      '2026-10-03T15:30:00.000Z', // 02:30 +11
      '2026-10-03T15:45:00.000Z', // 02:45 +11
    ])
  })

  it('fixed job: 01:45, repeated on 2026-04-05, fires once at 01:45 +11:00', () => {
    expect(fires('45 1 * * *', 'Australia/Lord_Howe', '2026-04-04T12:00:00Z', 2)).toEqual([
      '2026-04-04T14:45:00.000Z',
      '2026-04-05T15:15:00.000Z',
    ])
  })

  it('wildcard job (`45 * * * *`): 01:45 fires on both passes of the 30-minute repeat', () => {
    expect(fires('45 * * * *', 'Australia/Lord_Howe', '2026-04-04T14:00:00Z', 3)).toEqual([
      '2026-04-04T14:45:00.000Z', // 01:45 +11
      '2026-04-04T15:15:00.000Z', // 01:45 +10:30
      '2026-04-04T16:15:00.000Z', // 02:45 +10:30
    ])
  })

  it('fixed job: `0,30 1,2 * * *` skips only the second pass of 01:30', () => {
    expect(fires('0,30 1,2 * * *', 'Australia/Lord_Howe', '2026-04-04T13:00:00Z', 4)).toEqual([
      '2026-04-04T14:00:00.000Z', // 01:00 +11
      '2026-04-04T14:30:00.000Z', // 01:30 +11
      '2026-04-04T15:30:00.000Z', // 02:00 +10:30
      '2026-04-04T16:00:00.000Z', // 02:30 +10:30
    ])
  })
})

describe('Southern hemisphere: Australia/Sydney and America/Santiago', () => {
  it('Sydney fixed job: 02:30, swallowed on 2026-10-04, fires once at 03:00 AEDT', () => {
    expect(fires('30 2 * * *', 'Australia/Sydney', '2026-10-03T12:00:00Z', 2)).toEqual([
      '2026-10-03T16:00:00.000Z',
      '2026-10-04T15:30:00.000Z',
    ])
  })

  it('Sydney fixed job: 02:30, repeated on 2026-04-05, fires once at 02:30 AEDT', () => {
    expect(fires('30 2 * * *', 'Australia/Sydney', '2026-04-04T12:00:00Z', 2)).toEqual([
      '2026-04-04T15:30:00.000Z',
      '2026-04-05T16:30:00.000Z',
    ])
  })

  it('Sydney wildcard job (`30 * * * *`) fires 02:30 AEDT and 02:30 AEST', () => {
    expect(fires('30 * * * *', 'Australia/Sydney', '2026-04-04T14:00:00Z', 4)).toEqual([
      '2026-04-04T14:30:00.000Z',
      '2026-04-04T15:30:00.000Z',
      '2026-04-04T16:30:00.000Z',
      '2026-04-04T17:30:00.000Z',
    ])
  })

  it('`@daily` is a fixed job: the Santiago midnight swallowed on 2026-09-06 fires once at 01:00 -03', () => {
    expect(fires('@daily', 'America/Santiago', '2026-09-05T12:00:00Z', 2)).toEqual([
      '2026-09-06T04:00:00.000Z',
      '2026-09-07T03:00:00.000Z',
    ])
  })

  it('Santiago fixed day-of-week job: Sunday 2026-09-06 lost its midnight, and fires at 01:00 that Sunday', () => {
    expect(fires('0 0 * * SUN', 'America/Santiago', '2026-09-05T12:00:00Z', 2)).toEqual([
      '2026-09-06T04:00:00.000Z',
      '2026-09-13T03:00:00.000Z',
    ])
  })

  it('Santiago `@daily`: the midnight after the repeated 23:00 hour fires once, at 00:00 -04', () => {
    expect(fires('@daily', 'America/Santiago', '2026-04-04T00:00:00Z', 2)).toEqual([
      '2026-04-04T03:00:00.000Z',
      '2026-04-05T04:00:00.000Z',
    ])
  })

  it('Santiago fixed job: 23:30 on 2026-04-04, repeated, fires once at 23:30 -03', () => {
    expect(fires('30 23 * * *', 'America/Santiago', '2026-04-04T12:00:00Z', 2)).toEqual([
      '2026-04-05T02:30:00.000Z',
      '2026-04-06T03:30:00.000Z',
    ])
  })

  it('Santiago wildcard job (`30 * * * *`) fires 23:30 on both passes', () => {
    expect(fires('30 * * * *', 'America/Santiago', '2026-04-05T01:00:00Z', 4)).toEqual([
      '2026-04-05T01:30:00.000Z', // 22:30 -03
      '2026-04-05T02:30:00.000Z', // 23:30 -03
      '2026-04-05T03:30:00.000Z', // 23:30 -04
      '2026-04-05T04:30:00.000Z', // 00:30 -04
    ])
  })
})

describe('zones without DST', () => {
  it('Asia/Tokyo: 02:30 JST is 17:30Z every day, Berlin transition dates included', () => {
    expect(fires('30 2 * * *', 'Asia/Tokyo', '2026-03-28T00:00:00Z', 2)).toEqual([
      '2026-03-28T17:30:00.000Z',
      '2026-03-29T17:30:00.000Z',
    ])
    expect(fires('0 1-3 * * *', 'Asia/Tokyo', '2026-10-24T15:00:00Z', 3)).toEqual([
      '2026-10-24T16:00:00.000Z',
      '2026-10-24T17:00:00.000Z',
      '2026-10-24T18:00:00.000Z',
    ])
  })

  it('UTC: fixed and wildcard seconds jobs fire at face value', () => {
    expect(fires('0 30 2 * * *', 'UTC', '2026-03-29T00:00:00Z', 2)).toEqual([
      '2026-03-29T02:30:00.000Z',
      '2026-03-30T02:30:00.000Z',
    ])
    expect(fires('*/20 * * * * *', 'UTC', '2026-10-25T00:59:30Z', 3)).toEqual([
      '2026-10-25T00:59:40.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:00:20.000Z',
    ])
  })
})

describe('calendar edges in a zone', () => {
  it('leap day (`0 0 29 2 *`) fires only in leap years', () => {
    expect(fires('0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ])
    expect(fires('0 0 29 2 *', 'Europe/Berlin', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-28T23:00:00.000Z',
      '2032-02-28T23:00:00.000Z',
    ])
  })

  it('a day that never exists (`0 0 30 2 *`) gives no fire at all', () => {
    expect(nextFire('0 0 30 2 *', 'Europe/Berlin', '2026-01-01T00:00:00Z')).toBeNull()
  })

  it('last day of month (`0 0 L * *`) in Berlin is 22:00Z the day before in summer time', () => {
    expect(fires('0 0 L * *', 'Europe/Berlin', '2026-03-01T00:00:00Z', 2)).toEqual([
      '2026-03-30T22:00:00.000Z',
      '2026-04-29T22:00:00.000Z',
    ])
  })
})

describe('transitions off the quarter hour', () => {
  it('fixed job: Antarctica/Casey jumped +08 -> +11 at 00:01 (2020-10-03 16:01Z); swallowed 03:00 fires at 16:01Z', () => {
    expect(nextFire('0 3 * * *', 'Antarctica/Casey', '2020-10-03T12:00:00Z')).toBe('2020-10-03T16:01:00.000Z')
  })

  it("fixed job: St. John's sprang forward at 00:01 NST (2010-03-14 03:31Z); swallowed 00:30 fires at 03:31Z", () => {
    expect(nextFire('30 0 * * *', 'America/St_Johns', '2010-03-13T12:00:00Z')).toBe('2010-03-14T03:31:00.000Z')
  })
})

// ---------------------------------------------------------------------------------------------------------
// Cross-check against a brute-force reference. The reference knows nothing of zone.ts or croner: it walks
// real time step by step, reads the wall clock with Intl, matches fields with its own small cron matcher and
// applies the Vixie rule directly.
// ---------------------------------------------------------------------------------------------------------

interface Wall {
  second: number
  minute: number
  hour: number
  day: number
  month: number
  weekday: number
  /** The wall time as floating epoch ms, to compare and step through wall times. */
  floating: number
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']
const FIELD_RANGES: { min: number; max: number; names?: string[]; base?: number }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES, base: 1 },
  { min: 0, max: 7, names: DAY_NAMES, base: 0 },
]

function referenceValue(token: string, names?: string[], base = 0): number {
  const i = names ? names.indexOf(token.toUpperCase()) : -1
  return i >= 0 ? i + base : Number(token)
}

/** The values a field allows; handles *, a, a-b, and /step on any of them, and lists. */
function referenceField(field: string, index: number): Set<number> {
  const { min, max, names, base } = FIELD_RANGES[index]
  const values = new Set<number>()
  for (const item of field.split(',')) {
    const [range, stepText] = item.split('/')
    const step = stepText ? Number(stepText) : 1
    let lo: number
    let hi: number
    if (range === '*') [lo, hi] = [min, max]
    else if (range.includes('-'))
      [lo, hi] = range.split('-').map((t) => referenceValue(t, names, base)) as [number, number]
    else [lo, hi] = [referenceValue(range, names, base), stepText ? max : referenceValue(range, names, base)]
    for (let v = lo; v <= hi; v += step) values.add(index === 5 && v === 7 ? 0 : v)
  }
  return values
}

function referenceMatcher(pattern: string): { matches: (w: Wall) => boolean; wildcard: boolean } {
  const parts = pattern.trim().split(/\s+/)
  const fields = parts.length === 5 ? ['0', ...parts] : parts
  const [second, minute, hour, dom, month, dow] = fields.map(referenceField)
  // Vixie: a day field starting with '*' makes the day rule AND, otherwise either day field may match.
  const dayAnd = fields[3].startsWith('*') || fields[5].startsWith('*')
  const matches = (w: Wall) => {
    if (!second.has(w.second) || !minute.has(w.minute) || !hour.has(w.hour) || !month.has(w.month)) return false
    return dayAnd ? dom.has(w.day) && dow.has(w.weekday) : dom.has(w.day) || dow.has(w.weekday)
  }
  return { matches, wildcard: fields[1].startsWith('*') || fields[2].startsWith('*') }
}

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** The wall clock of every step in [start, end], read with Intl. */
function timeline(zone: string, start: number, end: number, step: number): { instant: number; wall: Wall }[] {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'short',
  })
  const out: { instant: number; wall: Wall }[] = []
  for (let instant = start; instant <= end; instant += step) {
    const p: Record<string, string> = {}
    for (const part of fmt.formatToParts(new Date(instant))) p[part.type] = part.value
    const wall: Wall = {
      second: Number(p.second),
      minute: Number(p.minute),
      hour: Number(p.hour),
      day: Number(p.day),
      month: Number(p.month),
      weekday: WEEKDAY_NAMES.indexOf(p.weekday),
      floating: Date.UTC(
        Number(p.year),
        Number(p.month) - 1,
        Number(p.day),
        Number(p.hour),
        Number(p.minute),
        Number(p.second),
      ),
    }
    out.push({ instant, wall })
  }
  return out
}

function floatingWall(floating: number): Wall {
  const d = new Date(floating)
  return {
    second: d.getUTCSeconds(),
    minute: d.getUTCMinutes(),
    hour: d.getUTCHours(),
    day: d.getUTCDate(),
    month: d.getUTCMonth() + 1,
    weekday: d.getUTCDay(),
    floating,
  }
}

/**
 * Vixie's rule, brute force: a wildcard job fires at every step whose wall time matches; a fixed job fires at
 * the first step showing a matching wall time, and at the first step after a forward jump whose skipped wall
 * times include a match.
 */
function referenceFires(pattern: string, steps: { instant: number; wall: Wall }[], step: number): number[] {
  const { matches, wildcard } = referenceMatcher(pattern)
  const out: number[] = []
  const seen = new Set<number>()
  let previous: number | null = null
  for (const { instant, wall } of steps) {
    let fire = matches(wall) && (wildcard || !seen.has(wall.floating))
    if (!wildcard && previous !== null && wall.floating - previous > step) {
      for (let w = previous + step; w < wall.floating; w += step) if (matches(floatingWall(w))) fire = true
    }
    seen.add(wall.floating)
    if (fire) out.push(instant)
    previous = wall.floating
  }
  return out
}

function productionFires(pattern: string, zone: string, start: number, end: number): number[] {
  const expr = parseCron(pattern)
  const out: number[] = []
  for (let cursor = start - 1; ;) {
    const next = nextCronFire(expr, zone, cursor)
    if (next === null || next > end) return out
    out.push(next)
    cursor = next
  }
}

/** Deterministic pseudo-random numbers in [0, 1), so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

const TRANSITIONS: [zone: string, transition: string][] = [
  ['Europe/Berlin', '2026-03-29T01:00:00Z'],
  ['Europe/Berlin', '2026-10-25T01:00:00Z'],
  ['America/New_York', '2026-03-08T07:00:00Z'],
  ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
  ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
  ['Australia/Sydney', '2026-04-04T16:00:00Z'],
  ['Australia/Sydney', '2026-10-03T16:00:00Z'],
  ['America/Santiago', '2026-04-05T03:00:00Z'],
  ['America/Santiago', '2026-09-06T04:00:00Z'],
  ['Asia/Tokyo', '2026-03-29T01:00:00Z'],
  ['UTC', '2026-10-25T01:00:00Z'],
]

/** [pattern given to parseCron, the same pattern for the reference (nicknames spelled out)] */
const MINUTE_PATTERNS: [string, string][] = [
  ['30 2 * * *', '30 2 * * *'],
  ['0,30 2 * * *', '0,30 2 * * *'],
  ['0 1-3 * * *', '0 1-3 * * *'],
  ['30 * * * *', '30 * * * *'],
  ['*/15 * * * *', '*/15 * * * *'],
  ['@hourly', '0 * * * *'],
  ['@daily', '0 0 * * *'],
  ['15,45 0-3 * * *', '15,45 0-3 * * *'],
  ['*/10 2 * * *', '*/10 2 * * *'],
  ['0 */2 * * *', '0 */2 * * *'],
  ['30 23 * * *', '30 23 * * *'],
  ['0 0 * * SUN', '0 0 * * SUN'],
  ['0 2 * * 7', '0 2 * * 7'],
  ['45 1 * * *', '45 1 * * *'],
  ['5-55/10 1,2 * * *', '5-55/10 1,2 * * *'],
  ['59 0-3 * * *', '59 0-3 * * *'],
  ['0 0 5 * SUN', '0 0 5 * SUN'],
  ['0 0 */2 * SUN', '0 0 */2 * SUN'],
]

const SECOND_PATTERNS: [string, string][] = [
  ['*/20 * * * * *', '*/20 * * * * *'],
  ['0 30 2 * * *', '0 30 2 * * *'],
  ['*/30 30 2 * * *', '*/30 30 2 * * *'],
  ['0 */30 * * * *', '0 */30 * * * *'],
  ['59 59 1 * * *', '59 59 1 * * *'],
]

describe('cross-check: nextCronFire equals a brute-force Vixie reference around every transition', () => {
  it.each(TRANSITIONS)('%s around %s', (zone, transition) => {
    const t = Date.parse(transition)
    const random = seededRandom(t / 1000)
    const windows = [
      { patterns: MINUTE_PATTERNS, step: 60_000, half: 6 * 3_600_000 },
      { patterns: SECOND_PATTERNS, step: 1000, half: 2 * 3_600_000 },
    ]
    let checked = 0
    for (const { patterns, step, half } of windows) {
      const start = t - half
      const end = t + half
      const steps = timeline(zone, start, end, step)
      for (const [pattern, referencePattern] of patterns) {
        const expected = referenceFires(referencePattern, steps, step)
        const label = `${pattern} in ${zone}`
        checked += expected.length
        expect(
          productionFires(pattern, zone, start, end).map((i) => new Date(i).toISOString()),
          label,
        ).toEqual(expected.map((i) => new Date(i).toISOString()))
        // From arbitrary instants (with milliseconds) inside the window, the next fire is the reference's.
        const expr = parseCron(pattern)
        for (let k = 0; k < 40; k++) {
          const after = start + Math.floor(random() * (end - start - 3_600_000))
          const want = expected.find((i) => i > after)
          if (want === undefined) continue
          const got = nextCronFire(expr, zone, after)
          expect(
            got === null ? null : new Date(got).toISOString(),
            `${label} after ${new Date(after).toISOString()}`,
          ).toBe(new Date(want).toISOString())
        }
      }
    }
    expect(checked).toBeGreaterThan(500)
  })
})
