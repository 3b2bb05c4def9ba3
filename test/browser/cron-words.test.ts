import { describe, expect, it } from 'vitest'
import { cronToWords } from '../../src/serve/dashboard/cron-words.js'

const cases = (table: Array<[string, string]>) => {
  for (const [expression, words] of table)
    it(`${expression} → ${words}`, () => expect(cronToWords(expression)).toBe(words))
}

describe('cronToWords: sub-daily schedules', () => {
  cases([
    ['* * * * * *', 'every second'],
    ['*/5 * * * * *', 'every 5 seconds'],
    ['10 * * * * *', 'every minute at second 10'],
    ['* * * * *', 'every minute'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['0/10 * * * *', 'every 10 minutes'],
    ['0 * * * *', 'every hour, on the hour'],
    ['30 * * * *', 'every hour at minute 30'],
    ['15 10 * * * *', 'every hour at minute 10, second 15'],
    ['0,20,40 * * * *', 'every 20 minutes'],
    ['5,20,40 * * * *', 'every hour at minutes 5, 20 and 40'],
    ['@hourly', 'every hour, on the hour'],
  ])
})

describe('cronToWords: times of day', () => {
  cases([
    ['0 9 * * *', 'at 09:00 every day'],
    ['0 0 9 * * *', 'at 09:00 every day'],
    ['30 15 10 * * *', 'at 10:15:30 every day'],
    ['0 9,17 * * *', 'at 09:00 and 17:00 every day'],
    ['*/30 9,17 * * *', 'at 09:00, 09:30, 17:00 and 17:30 every day'],
    ['0 */6 * * *', 'at 00:00, 06:00, 12:00 and 18:00 every day'],
    ['0 */2 * * *', 'every 2 hours (00:00, 02:00, …, 22:00)'],
    ['15 1/3 * * *', 'every 3 hours (01:15, 04:15, …, 22:15)'],
    ['0 9-17 * * *', 'every hour from 09:00 to 17:00 every day'],
    ['* 9 * * *', 'every minute from 09:00 to 09:59 every day'],
    ['0 1,3,5,7,9,11,13 * * *', '7 times a day (01:00, 03:00, …, 13:00)'],
    ['@daily', 'at 00:00 every day'],
    ['@midnight', 'at 00:00 every day'],
  ])
})

describe('cronToWords: days of the week', () => {
  cases([
    ['0 9 * * 1-5', 'at 09:00 on weekdays'],
    ['0 9 * * MON-FRI', 'at 09:00 on weekdays'],
    ['30 2 * * 6,0', 'at 02:30 on weekends'],
    ['0 10 * * SAT,SUN', 'at 10:00 on weekends'],
    ['0 0 * * 0', 'at 00:00 on Sunday'],
    ['0 0 * * 7', 'at 00:00 on Sunday'],
    ['5 4 * * sun', 'at 04:05 on Sunday'],
    ['0 9 * * 1,3,5', 'at 09:00 on Monday, Wednesday and Friday'],
    ['0 22 * * 5-7', 'at 22:00 on Friday through Sunday'],
    ['0 9 * * 2-4', 'at 09:00 on Tuesday through Thursday'],
    ['*/15 9-17 * * 1-5', 'every 15 minutes from 09:00 to 17:45 on weekdays'],
    ['0 9 * * 1#1', 'at 09:00 on the first Monday of the month'],
    ['0 9 * * MON#3', 'at 09:00 on the third Monday of the month'],
    ['0 18 * * 5L', 'at 18:00 on the last Friday of the month'],
    ['@weekly', 'at 00:00 on Sunday'],
  ])
})

describe('cronToWords: days of the month and months', () => {
  cases([
    ['0 0 1 * *', 'at 00:00 on the 1st of the month'],
    ['0 0 1,15 * *', 'at 00:00 on the 1st and 15th of the month'],
    ['0 0 1-7 * *', 'at 00:00 on the 1st through 7th of the month'],
    ['0 6 2,3,22,23 * *', 'at 06:00 on the 2nd, 3rd, 22nd and 23rd of the month'],
    ['0 6 11,12,13 * *', 'at 06:00 on the 11th through 13th of the month'],
    ['0 0 L * *', 'at 00:00 on the last day of the month'],
    ['0 0 LW * *', 'at 00:00 on the last weekday of the month'],
    ['0 0 15W * *', 'at 00:00 on the weekday nearest the 15th of the month'],
    ['0 0 */2 * *', 'at 00:00 on every 2nd day of the month'],
    ['0 0 1 1 *', 'at 00:00 on the 1st of January'],
    ['0 12 25 DEC *', 'at 12:00 on the 25th of December'],
    ['@yearly', 'at 00:00 on the 1st of January'],
    ['@monthly', 'at 00:00 on the 1st of the month'],
    ['0 0 1 */3 *', 'at 00:00 on the 1st of the month, in January, April, July and October'],
    ['0 0 * 1-3 *', 'at 00:00 every day, from January through March'],
    ['0 8 * 6,7 1-5', 'at 08:00 on weekdays, in June and July'],
  ])
})

describe('cronToWords: both day fields (Vixie cron ORs them when both are restricted)', () => {
  cases([
    ['0 9 1 * 1', 'at 09:00 on the 1st of the month or on Monday'],
    // A day-of-month field matching every day makes every day match.
    ['0 9 1-31 * 1-5', 'at 09:00 every day'],
  ])
})

describe('cronToWords: falls back to the expression itself', () => {
  cases([
    // One day field starting with `*` makes Vixie cron AND the two: left as written.
    ['0 9 */2 * 1', '0 9 */2 * 1'],
    // Part of an hour: no short phrase that is also exact.
    ['0-29 * * * *', '0-29 * * * *'],
    ['* 9,17 * * *', '* 9,17 * * *'],
    ['0 0 L-2 * *', '0 0 L-2 * *'],
    ['0 25 * * *', '0 25 * * *'],
    ['1 2 3', '1 2 3'],
    ['@reboot', '@reboot'],
    ['', ''],
  ])
  it('trims what it returns', () => expect(cronToWords('  0 25 * * *  ')).toBe('0 25 * * *'))
})
