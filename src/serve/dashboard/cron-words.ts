/**
 * A cron expression in English, for the common shapes: "every 15 minutes", "at 09:00 on weekdays",
 * "at 00:00 on the 1st of the month". Anything it does not fully understand comes back unchanged (the raw
 * expression), so a description is never wrong, only sometimes absent. Fields follow cron-expression.ts:
 * five fields, or six with seconds first; day-of-week 0 and 7 are Sunday; Vixie cron ORs the two day
 * fields when both are restricted and neither starts with `*`.
 */

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTH_ABBR = MONTHS.map((m) => m.slice(0, 3).toUpperCase())
const DAY_ABBR = DAYS.map((d) => d.slice(0, 3).toUpperCase())

/** Raised inside the describers for a shape they do not cover; cronToWords then returns the raw text. */
class Unsupported extends Error {}

interface Range {
  min: number
  max: number
  names?: string[]
  namesStartAt?: number
}

const SECOND: Range = { min: 0, max: 59 }
const MINUTE: Range = { min: 0, max: 59 }
const HOUR: Range = { min: 0, max: 23 }
const DOM: Range = { min: 1, max: 31 }
const MONTH: Range = { min: 1, max: 12, names: MONTH_ABBR, namesStartAt: 1 }
const DOW: Range = { min: 0, max: 7, names: DAY_ABBR, namesStartAt: 0 }

function value(token: string, range: Range): number {
  const i = range.names?.indexOf(token.toUpperCase()) ?? -1
  if (i >= 0) return i + (range.namesStartAt ?? 0)
  if (!/^\d+$/.test(token)) throw new Unsupported(token)
  const n = Number(token)
  if (n < range.min || n > range.max) throw new Unsupported(token)
  return n
}

/** The values a plain field (numbers, names, ranges, steps, lists) matches, sorted. */
function expand(field: string, range: Range): number[] {
  const out = new Set<number>()
  for (const item of field.split(',')) {
    const [body, stepText] = item.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw new Unsupported(item)
    let from: number
    let to: number
    if (body === '*' || body === '?') [from, to] = [range.min, range.max]
    else if (body.includes('-')) {
      const [a, b] = body.split('-')
      ;[from, to] = [value(a, range), value(b, range)]
    } else {
      from = value(body, range)
      to = stepText === undefined ? from : range.max
    }
    if (from > to) throw new Unsupported(item)
    for (let v = from; v <= to; v += step) out.add(v)
  }
  return [...out].sort((a, b) => a - b)
}

const pad = (n: number) => String(n).padStart(2, '0')

function ordinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`
}

function list(items: string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`
}

/** The step of an arithmetic series starting at `start`, or null. */
function stepOf(values: number[], start: number): number | null {
  if (values.length < 2 || values[0] !== start) return null
  const step = values[1] - values[0]
  return values.every((v, i) => v === start + i * step) ? step : null
}

/** The step of a series 0, n, 2n, … that runs through the whole of 0..59, or null. */
function evenStep(values: number[]): number | null {
  const step = stepOf(values, 0)
  return step && 60 % step === 0 && values.length === 60 / step ? step : null
}

/** Contiguous values of at least three, runs such as 9..17 ("from 09:00 to 17:00"). */
function isContiguous(values: number[]): boolean {
  return values.length >= 3 && values.every((v, i) => i === 0 || v === values[i - 1] + 1)
}

const isFull = (values: number[], range: Range) => values.length === range.max - range.min + 1

function clock(h: number, m: number, s: number, withSeconds: boolean): string {
  return withSeconds ? `${pad(h)}:${pad(m)}:${pad(s)}` : `${pad(h)}:${pad(m)}`
}

/**
 * What happens within one hour: "every second", "every 10 seconds", "every minute", "every 15 minutes",
 * or null when the minutes and seconds pick single instants (the caller lists times instead).
 */
function withinHour(minutes: number[], seconds: number[]): string | null {
  const atSecond = seconds.length === 1 && seconds[0] !== 0 ? ` at second ${seconds[0]}` : ''
  if (isFull(minutes, MINUTE)) {
    if (isFull(seconds, SECOND)) return 'every second'
    if (seconds.length === 1) return `every minute${atSecond}`
    const step = evenStep(seconds)
    if (step) return `every ${step} seconds`
    throw new Unsupported('seconds')
  }
  if (seconds.length !== 1) throw new Unsupported('seconds')
  const step = evenStep(minutes)
  if (step) return `every ${step} minutes${atSecond}`
  return null
}

/** The time-of-day part: "every 5 minutes", "at 09:00 and 17:00", "every hour from 09:00 to 17:00". */
function describeTime(fields: { second: string; minute: string; hour: string }): { text: string; daily: boolean } {
  const seconds = expand(fields.second, SECOND)
  const minutes = expand(fields.minute, MINUTE)
  const hours = expand(fields.hour, HOUR)
  const withSeconds = seconds.some((s) => s !== 0)
  const inHour = withinHour(minutes, seconds)
  if (isFull(hours, HOUR)) {
    if (inHour) return { text: inHour, daily: false }
    const second = seconds[0] ? `, second ${seconds[0]}` : ''
    if (minutes.length === 1)
      return {
        text: minutes[0] === 0 && !second ? 'every hour, on the hour' : `every hour at minute ${minutes[0]}${second}`,
        daily: false,
      }
    if (minutes.length <= 6)
      return { text: `every hour at minutes ${list(minutes.map(String))}${second}`, daily: false }
    throw new Unsupported('minutes')
  }
  const first = clock(hours[0], minutes[0], seconds[0], withSeconds)
  const last = clock(hours[hours.length - 1], minutes[minutes.length - 1], seconds[seconds.length - 1], withSeconds)
  if (inHour && (hours.length === 1 || isContiguous(hours) || (hours.length === 2 && hours[1] === hours[0] + 1)))
    return { text: `${inHour} from ${first} to ${last}`, daily: true }
  const times: string[] = []
  for (const h of hours) for (const m of minutes) for (const s of seconds) times.push(clock(h, m, s, withSeconds))
  if (times.length <= 6) return { text: `at ${list(times)}`, daily: true }
  const hourStep = minutes.length === 1 && seconds.length === 1 ? stepOf(hours, hours[0]) : null
  if (hourStep && hours[hours.length - 1] + hourStep > 23)
    return { text: `every ${hourStep} hours (${times[0]}, ${times[1]}, …, ${times[times.length - 1]})`, daily: false }
  if (minutes.length === 1 && seconds.length === 1 && isContiguous(hours))
    return { text: `every hour from ${first} to ${last}`, daily: true }
  if (times.length <= 48)
    return {
      text: `${times.length} times a day (${times[0]}, ${times[1]}, …, ${times[times.length - 1]})`,
      daily: false,
    }
  throw new Unsupported('times')
}

/** Weekdays named Monday first, as people list them ("Friday, Saturday and Sunday"). */
function dayNames(days: number[]): string {
  const keys = [...new Set(days.map((d) => (d + 6) % 7))].sort((a, b) => a - b)
  const name = (key: number) => DAYS[(key + 1) % 7]
  if (keys.length === 7) return ''
  if (keys.join() === '0,1,2,3,4') return 'on weekdays'
  if (keys.join() === '5,6') return 'on weekends'
  if (isContiguous(keys)) return `${name(keys[0])} through ${name(keys[keys.length - 1])}`
  return `on ${list(keys.map(name))}`
}

/** The day-of-week part, or '' for every day. */
function describeDow(field: string): string {
  const nth = /^(\w+)#([1-5])$/.exec(field)
  if (nth)
    return `on the ${['first', 'second', 'third', 'fourth', 'fifth'][Number(nth[2]) - 1]} ${DAYS[value(nth[1], DOW) % 7]} of the month`
  const last = /^(\w+?)L$/i.exec(field)
  if (last && !DAY_ABBR.includes(field.toUpperCase()))
    return `on the last ${DAYS[value(last[1], DOW) % 7]} of the month`
  return dayNames(expand(field, DOW))
}

/** The day-of-month part, or '' for every day. */
function describeDom(field: string): string {
  if (/^L$/i.test(field)) return 'on the last day of the month'
  if (/^LW$/i.test(field)) return 'on the last weekday of the month'
  const w = /^(\d+)W$/i.exec(field)
  if (w) return `on the weekday nearest the ${ordinal(value(w[1], DOM))} of the month`
  const step = /^\*\/(\d+)$/.exec(field)
  if (step) return `on every ${ordinal(Number(step[1]))} day of the month`
  const days = expand(field, DOM)
  if (isFull(days, DOM)) return ''
  if (isContiguous(days)) return `on the ${ordinal(days[0])} through ${ordinal(days[days.length - 1])} of the month`
  return `on the ${list(days.map(ordinal))} of the month`
}

function describeMonths(field: string): string {
  const months = expand(field, MONTH)
  if (isFull(months, MONTH)) return ''
  if (isContiguous(months)) return `from ${MONTHS[months[0] - 1]} through ${MONTHS[months[months.length - 1] - 1]}`
  return `in ${list(months.map((m) => MONTHS[m - 1]))}`
}

const anyDay = (field: string) => field === '*' || field === '?'
const startsWithStar = (field: string) => field.startsWith('*') || field.startsWith('?')

/** Which days: "on weekdays", "on the 1st of the month", "on the 1st of January"; '' for every day. */
function describeDays(dom: string, dow: string, month: string): { days: string; months: string } {
  // "on the 1st of January" reads better than "on the 1st of the month, in January".
  if (anyDay(dow) && /^\d+$/.test(dom) && /^(\d+|[a-z]{3})$/i.test(month))
    return { days: `on the ${ordinal(value(dom, DOM))} of ${MONTHS[value(month, MONTH) - 1]}`, months: '' }
  const months = describeMonths(month)
  if (anyDay(dom) && anyDay(dow)) return { days: '', months }
  if (anyDay(dow)) return { days: describeDom(dom), months }
  if (anyDay(dom)) return { days: describeDow(dow), months }
  // One day field starting with `*` (like */2) makes Vixie cron AND the two: rare, and left as written.
  if (startsWithStar(dom) || startsWithStar(dow)) throw new Unsupported('day fields ANDed')
  const a = describeDom(dom)
  const b = describeDow(dow)
  // Both restricted: either matching is enough, so a field that matches every day makes every day match.
  return { days: a && b ? `${a} or ${b.startsWith('on ') ? b : `on ${b}`}` : '', months }
}

/** "every 15 minutes", "at 09:00 on weekdays"; the expression itself when its shape is not covered. */
export function cronToWords(expression: string): string {
  const raw = expression.trim()
  try {
    const expanded = raw.startsWith('@') ? NICKNAMES[raw.toLowerCase()] : raw
    if (!expanded) return raw
    const parts = expanded.split(/\s+/)
    if (parts.length !== 5 && parts.length !== 6) return raw
    const [second, minute, hour, dom, month, dow] = parts.length === 6 ? parts : ['0', ...parts]
    const time = describeTime({ second, minute, hour })
    const { days, months } = describeDays(dom, dow, month)
    const when = days ? ` ${days.startsWith('on ') ? days : `on ${days}`}` : time.daily ? ' every day' : ''
    return `${time.text}${when}${months ? `, ${months}` : ''}`
  } catch (err) {
    if (err instanceof Unsupported) return raw
    throw err
  }
}
