import { describe, expect, it } from 'vitest'
import { CronSyntaxError, nextMatchingWallTime, parseCron } from './cron-expression.js'

/** The next matching wall times strictly after `from`; wall times are floating, written here as UTC ISO. */
function walls(pattern: string, from: string, count = 1): string[] {
  const expr = parseCron(pattern)
  const out: string[] = []
  let cursor = Date.parse(from)
  while (out.length < count) {
    const next = nextMatchingWallTime(expr, cursor)
    if (next === null) break
    out.push(new Date(next).toISOString())
    cursor = next
  }
  return out
}

function syntaxError(source: string): string {
  try {
    parseCron(source)
  } catch (err) {
    expect(err).toBeInstanceOf(CronSyntaxError)
    expect(err).toBeInstanceOf(Error)
    return (err as Error).message
  }
  throw new Error(`"${source}" parsed without error`)
}

describe('parseCron: fields', () => {
  it('a 5-field expression gets second 0 in front', () => {
    const expr = parseCron('30 2 * * 1-5')
    expect(expr.fields).toEqual(['0', '30', '2', '*', '*', '1-5'])
    expect(expr.hasSeconds).toBe(false)
    expect(expr.source).toBe('30 2 * * 1-5')
  })

  it('a 6-field expression has seconds first', () => {
    const expr = parseCron('15 30 2 * * *')
    expect(expr.fields).toEqual(['15', '30', '2', '*', '*', '*'])
    expect(expr.hasSeconds).toBe(true)
  })

  it('runs of spaces and tabs separate fields; surrounding blanks are ignored', () => {
    expect(parseCron('  0\t12   *  * *  ').fields).toEqual(['0', '0', '12', '*', '*', '*'])
  })

  it.each([
    ['@yearly', ['0', '0', '0', '1', '1', '*']],
    ['@annually', ['0', '0', '0', '1', '1', '*']],
    ['@monthly', ['0', '0', '0', '1', '*', '*']],
    ['@weekly', ['0', '0', '0', '*', '*', '0']],
    ['@daily', ['0', '0', '0', '*', '*', '*']],
    ['@midnight', ['0', '0', '0', '*', '*', '*']],
    ['@hourly', ['0', '0', '*', '*', '*', '*']],
  ])('nickname %s expands to %j', (nick, fields) => {
    expect(parseCron(nick).fields).toEqual(fields)
    expect(parseCron(nick).source).toBe(nick)
  })

  it('nicknames are case-insensitive', () => {
    expect(parseCron('@DAILY').fields).toEqual(['0', '0', '0', '*', '*', '*'])
    expect(parseCron(' @Hourly ').fields).toEqual(['0', '0', '*', '*', '*', '*'])
  })
})

describe('parseCron: wildcard (Vixie: the minute or hour field starts with `*`)', () => {
  it.each([
    ['* * * * *', true],
    ['30 * * * *', true],
    ['*/5 2 * * *', true],
    ['0 */2 * * *', true],
    ['*/20 * * * * *', true],
    ['@hourly', true],
    ['0 2 * * *', false],
    ['0 1-3 * * *', false],
    ['0,30 2 * * *', false],
    ['0 30 2 * * *', false],
    ['* 30 2 * * *', false], // the seconds field does not count
    ['0 2 * * *', false],
    ['0 0 */2 * *', false], // nor do the day fields
    ['@daily', false],
    ['@weekly', false],
    ['@monthly', false],
    ['@yearly', false],
  ])('%s → wildcard %s', (source, wildcard) => {
    expect(parseCron(source).wildcard).toBe(wildcard)
  })
})

describe('parseCron: syntax errors say what is wrong', () => {
  it.each([
    ['0 25 * * *', 'hour 25 is out of range 0-23'],
    ['60 * * * *', 'minute 60 is out of range 0-59'],
    ['60 0 0 * * *', 'second 60 is out of range 0-59'],
    ['0 0 32 * *', 'day-of-month 32 is out of range 1-31'],
    ['0 0 0 * *', 'day-of-month 0 is out of range 1-31'],
    ['0 0 * 13 *', 'month 13 is out of range 1-12'],
    ['0 0 * 0 *', 'month 0 is out of range 1-12'],
    ['0 0 * * 8', 'day-of-week 8 is out of range 0-7'],
    ['0 0-24 * * *', 'hour 24 is out of range 0-23'],
  ])('out of range: %s', (source, message) => {
    expect(syntaxError(source)).toBe(message)
  })

  it.each([
    ['0 5-1 * * *', 'hour range 5-1 runs backwards'],
    ['50-10 * * * *', 'minute range 50-10 runs backwards'],
    ['0 0 * * FRI-MON', 'day-of-week range FRI-MON runs backwards'],
    ['0 0 * DEC-JAN *', 'month range DEC-JAN runs backwards'],
  ])('backwards range: %s', (source, message) => {
    expect(syntaxError(source)).toBe(message)
  })

  it.each([
    ['*/0 * * * *', 'minute step must be at least 1'],
    ['0 1-5/0 * * *', 'hour step must be at least 1'],
    ['*/ * * * *', 'minute step "" is not a number'],
    ['*/x * * * *', 'minute step "x" is not a number'],
    ['*/61 * * * *', 'minute step 61 is larger than the range 0-59'],
  ])('bad step: %s', (source, message) => {
    expect(syntaxError(source)).toBe(message)
  })

  const expected = 'expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)'
  it.each([
    ['*', `it has 1 field; ${expected}`],
    ['* * * *', `it has 4 fields; ${expected}`],
    ['0 0 0 1 1 * 2026', `it has 7 fields; ${expected}`],
  ])('wrong field count: %s', (source, message) => {
    expect(syntaxError(source)).toBe(message)
  })

  it('an empty or blank expression', () => {
    expect(syntaxError('')).toBe('the expression is empty')
    expect(syntaxError('   ')).toBe('the expression is empty')
  })

  const nicknames = '@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'
  it.each([
    ['@reboot', `@reboot is not supported (use one of ${nicknames})`],
    ['@fortnightly', `@fortnightly is not supported (use one of ${nicknames})`],
    ['@daily 5', `@daily 5 is not supported (use one of ${nicknames})`],
  ])('unknown nickname: %s', (source, message) => {
    expect(syntaxError(source)).toBe(message)
  })

  it.each([
    ['foo bar baz qux quux', 'minute "foo" is not a number'],
    ['1.5 * * * *', 'minute "1.5" is not a number'],
    ['-1 * * * *', 'minute "-1" is not a number'],
    ['1-2-3 * * * *', 'minute "1-2-3" is not a number'],
    ['1,,2 * * * *', 'minute has an empty list item'],
    ['0 0 * FOO *', 'month "FOO" is not a number (use 1-12 or JAN-DEC)'],
    ['0 0 * * MONDAY', 'day-of-week "MONDAY" is not a number (use 0-7 or SUN-SAT)'],
    ['0 0 JAN * *', 'day-of-month "JAN" is not a number'],
    ['0 0 15L * *', 'day-of-month "15L" is not a number'],
    ['0 0 W * *', 'day-of-month "W" is not a number'],
    ['0 0 * * 5W', 'day-of-week "5W" is not a number (use 0-7 or SUN-SAT)'],
    ['0 0 32W * *', 'day-of-month 32 is out of range 1-31'],
    ['0 0 * * 8L', 'day-of-week 8 is out of range 0-7'],
    ['0 0 * * 5#0', 'day-of-week "5#0": the occurrence after # must be 1-5'],
    ['0 0 * * 5#6', 'day-of-week "5#6": the occurrence after # must be 1-5'],
    ['0 L * * *', 'hour "L" is not a number'],
  ])('garbage token: %s', (source, message) => {
    expect(syntaxError(source)).toBe(message)
  })
})

describe('nextMatchingWallTime: strictly after, in floating wall time', () => {
  it('a wall time that matches exactly is not returned again', () => {
    expect(walls('0 0 * * *', '2026-01-01T00:00:00Z')).toEqual(['2026-01-02T00:00:00.000Z'])
    expect(walls('0 0 * * *', '2025-12-31T23:59:59.999Z')).toEqual(['2026-01-01T00:00:00.000Z'])
  })

  it('6-field seconds lists', () => {
    expect(walls('15,45 * * * * *', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-01T00:00:15.000Z',
      '2026-01-01T00:00:45.000Z',
      '2026-01-01T00:01:15.000Z',
    ])
  })

  it('a start with a step (`5/15`) counts from the start to the end of the range', () => {
    expect(walls('5/15 * * * *', '2026-01-01T00:00:00Z', 5)).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:20:00.000Z',
      '2026-01-01T00:35:00.000Z',
      '2026-01-01T00:50:00.000Z',
      '2026-01-01T01:05:00.000Z',
    ])
  })

  it('day 31 skips the months without one', () => {
    expect(walls('0 0 31 * *', '2026-04-01T00:00:00Z')).toEqual(['2026-05-31T00:00:00.000Z'])
  })

  it('a date that never exists (`0 0 30 2 *`) has no next wall time', () => {
    expect(walls('0 0 30 2 *', '2026-01-01T00:00:00Z')).toEqual([])
  })
})

describe('calendar rules', () => {
  it('leap day (`0 0 29 2 *`) comes every four years, skipping 2100', () => {
    expect(walls('0 0 29 2 *', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ])
    expect(walls('0 0 29 2 *', '2096-03-01T00:00:00Z')).toEqual(['2104-02-29T00:00:00.000Z'])
  })

  it('last day of month (`L`) follows month length and leap years', () => {
    expect(walls('0 0 L * *', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
    ])
    expect(walls('0 0 L 2 *', '2028-01-01T00:00:00Z')).toEqual(['2028-02-29T00:00:00.000Z'])
  })

  it('last weekday (`LW`): a month ending on Saturday or Sunday fires the Friday before', () => {
    expect(walls('0 0 LW * *', '2026-01-01T00:00:00Z', 5)).toEqual([
      '2026-01-30T00:00:00.000Z', // the 31st is a Saturday
      '2026-02-27T00:00:00.000Z', // the 28th is a Saturday
      '2026-03-31T00:00:00.000Z', // a Tuesday
      '2026-04-30T00:00:00.000Z', // a Thursday
      '2026-05-29T00:00:00.000Z', // the 31st is a Sunday
    ])
  })

  it('nearest weekday (`15W`): Saturday moves to Friday, Sunday to Monday', () => {
    expect(walls('0 0 15W * *', '2026-02-01T00:00:00Z')).toEqual(['2026-02-16T00:00:00.000Z']) // Sun 15th
    expect(walls('0 0 15W * *', '2026-08-01T00:00:00Z')).toEqual(['2026-08-14T00:00:00.000Z']) // Sat 15th
    expect(walls('0 0 15W * *', '2026-04-01T00:00:00Z')).toEqual(['2026-04-15T00:00:00.000Z']) // Wed 15th
  })

  it('nearest weekday never leaves the month: `1W` on Saturday the 1st is Monday the 3rd', () => {
    expect(walls('0 0 1W * *', '2026-07-02T00:00:00Z')).toEqual(['2026-08-03T00:00:00.000Z'])
  })

  it('nth weekday (`5#2`): the second Friday of each month', () => {
    expect(walls('0 0 * * 5#2', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-09T00:00:00.000Z',
      '2026-02-13T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
    ])
    expect(walls('0 0 * * FRI#2', '2026-01-01T00:00:00Z')).toEqual(['2026-01-09T00:00:00.000Z'])
  })

  it('fifth weekday (`5#5`) skips the months with only four Fridays', () => {
    expect(walls('0 0 * * 5#5', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-30T00:00:00.000Z',
      '2026-05-29T00:00:00.000Z',
    ])
  })

  it('last weekday of the month (`5L`): the last Friday', () => {
    expect(walls('0 0 * * 5L', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-30T00:00:00.000Z',
      '2026-02-27T00:00:00.000Z',
      '2026-03-27T00:00:00.000Z',
    ])
  })
})

describe('day rule (Vixie): OR when both day fields are restricted, AND when one starts with `*`', () => {
  it('`0 0 1 * MON` fires on the 1st OR on Mondays', () => {
    expect(walls('0 0 1 * MON', '2026-01-27T00:00:00Z', 3)).toEqual([
      '2026-02-01T00:00:00.000Z', // Sunday the 1st
      '2026-02-02T00:00:00.000Z', // Monday
      '2026-02-09T00:00:00.000Z', // Monday
    ])
  })

  it('`0 0 */2 * MON` fires on odd days that are Mondays (AND, the day-of-month starts with `*`)', () => {
    expect(walls('0 0 */2 * MON', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-19T00:00:00.000Z',
      '2026-02-09T00:00:00.000Z',
      '2026-02-23T00:00:00.000Z',
    ])
  })

  it('`0 0 1 * */2` fires on the 1st when it is Sun, Tue, Thu or Sat (AND, the day-of-week starts with `*`)', () => {
    expect(walls('0 0 1 * */2', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-02-01T00:00:00.000Z', // Sunday
      '2026-03-01T00:00:00.000Z', // Sunday
      '2026-08-01T00:00:00.000Z', // Saturday (Apr-Jul 1st are Wed, Fri, Mon, Wed)
    ])
  })

  it('`0 0 * * MON` fires only on Mondays', () => {
    expect(walls('0 0 * * MON', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
      '2026-01-19T00:00:00.000Z',
    ])
  })

  it('`0 0 1 * *` fires only on the 1st', () => {
    expect(walls('0 0 1 * *', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ])
  })

  it('`0 0 1-31 * MON` is OR, and 1-31 is every day: it fires daily', () => {
    expect(walls('0 0 1-31 * MON', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ])
  })

  it('`0 0 L * MON` fires on the last day OR on Mondays', () => {
    expect(walls('0 0 L * MON', '2026-01-26T00:00:00Z', 2)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-02T00:00:00.000Z',
    ])
  })

  it('`?` stands for an unrestricted day field', () => {
    expect(walls('0 0 ? * MON', '2026-01-01T00:00:00Z')).toEqual(['2026-01-05T00:00:00.000Z'])
    expect(walls('0 0 1 * ?', '2026-01-01T00:00:00Z')).toEqual(['2026-02-01T00:00:00.000Z'])
  })
})

describe('names and Sunday', () => {
  it('Sunday is both 0 and 7, and SUN', () => {
    for (const pattern of ['0 0 * * 0', '0 0 * * 7', '0 0 * * SUN', '0 0 * * sun', '@weekly']) {
      expect(walls(pattern, '2026-01-01T00:00:00Z', 2), pattern).toEqual([
        '2026-01-04T00:00:00.000Z',
        '2026-01-11T00:00:00.000Z',
      ])
    }
  })

  it('a range may end on 7: `5-7` is Friday to Sunday', () => {
    expect(walls('0 0 * * 5-7', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
    ])
  })

  it('7 works in the special forms too: `7L` is the last Sunday, `7#1` the first', () => {
    expect(walls('0 0 * * 7L', '2026-01-01T00:00:00Z')).toEqual(['2026-01-25T00:00:00.000Z'])
    expect(walls('0 0 * * 7#1', '2026-01-05T00:00:00Z')).toEqual(['2026-02-01T00:00:00.000Z'])
  })

  it('day names in a range: `MON-FRI` skips the weekend', () => {
    expect(walls('0 9 * * MON-FRI', '2026-01-02T10:00:00Z', 2)).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-06T09:00:00.000Z',
    ])
  })

  it('month names, in lists and any case', () => {
    expect(walls('0 0 1 JAN,JUL *', '2026-01-02T00:00:00Z')).toEqual(['2026-07-01T00:00:00.000Z'])
    expect(walls('0 0 1 jan *', '2026-01-02T00:00:00Z')).toEqual(['2027-01-01T00:00:00.000Z'])
    expect(walls('0 0 1 Mar-May *', '2026-03-02T00:00:00Z', 3)).toEqual([
      '2026-04-01T00:00:00.000Z',
      '2026-05-01T00:00:00.000Z',
      '2027-03-01T00:00:00.000Z',
    ])
  })
})
