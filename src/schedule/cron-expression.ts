import { Cron, CronPattern } from 'croner'

/**
 * A cron expression, checked field by field (so errors can say exactly what is wrong) and compiled to a
 * croner matcher that runs in *floating* time (no zone): the DST rule is applied on top, in cron-trigger.
 */
export interface CronExpression {
  source: string
  /** Six fields, seconds first, after nickname expansion. */
  fields: string[]
  hasSeconds: boolean
  /** Vixie cron's "wildcard job": the minute or hour field starts with `*`. Such jobs follow real time. */
  wildcard: boolean
  matcher: Cron
}

export class CronSyntaxError extends Error {}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

interface FieldSpec {
  name: string
  min: number
  max: number
  names?: string[]
  namesStartAt?: number
}

const SPECS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesStartAt: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, namesStartAt: 0 },
]

function parseValue(token: string, spec: FieldSpec): number {
  const upper = token.toUpperCase()
  if (spec.names) {
    const i = spec.names.indexOf(upper)
    if (i >= 0) return i + (spec.namesStartAt ?? 0)
  }
  if (!/^\d+$/.test(token)) {
    const hint = spec.names
      ? ` (use ${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]})`
      : ''
    throw new CronSyntaxError(`${spec.name} "${token}" is not a number${hint}`)
  }
  const n = Number(token)
  if (n < spec.min || n > spec.max)
    throw new CronSyntaxError(`${spec.name} ${n} is out of range ${spec.min}-${spec.max}`)
  return n
}

/** Checks one list item of a field; the special forms (L, W, #) are left to croner after a range check. */
function checkItem(item: string, spec: FieldSpec): void {
  if (item === '') throw new CronSyntaxError(`${spec.name} has an empty list item`)
  if (item === '*' || item === '?') return
  let body = item
  const slash = body.indexOf('/')
  if (slash >= 0) {
    const step = body.slice(slash + 1)
    if (!/^\d+$/.test(step)) throw new CronSyntaxError(`${spec.name} step "${step}" is not a number`)
    if (Number(step) === 0) throw new CronSyntaxError(`${spec.name} step must be at least 1`)
    if (Number(step) > spec.max - spec.min + 1)
      throw new CronSyntaxError(`${spec.name} step ${step} is larger than the range ${spec.min}-${spec.max}`)
    body = body.slice(0, slash)
    if (body === '*' || body === '') return
  }
  if (spec.name === 'day-of-month') {
    if (/^L(W)?$/i.test(body)) return
    const w = /^(\d+)W$/i.exec(body)
    if (w) {
      parseValue(w[1], spec)
      return
    }
  }
  if (spec.name === 'day-of-week') {
    const nth = /^(\w+)#(\d+)$/.exec(body)
    if (nth) {
      parseValue(nth[1], spec)
      const k = Number(nth[2])
      if (k < 1 || k > 5) throw new CronSyntaxError(`day-of-week "${item}": the occurrence after # must be 1-5`)
      return
    }
    const last = /^(\w+?)L$/i.exec(body)
    if (last && !DAYS.includes(body.toUpperCase())) {
      parseValue(last[1], spec)
      return
    }
  }
  const range = /^([^-]+)-([^-]+)$/.exec(body)
  if (range) {
    const from = parseValue(range[1], spec)
    const to = parseValue(range[2], spec)
    if (from > to) throw new CronSyntaxError(`${spec.name} range ${body} runs backwards`)
    return
  }
  parseValue(body, spec)
}

function startsWithStar(field: string): boolean {
  return field.startsWith('*') || field.startsWith('?')
}

/**
 * Parsed expressions by source text. A croner pattern is costly to build (it allocates a table per year),
 * and configs repeat a handful of expressions across many jobs; an expression is immutable once parsed.
 */
const parsed = new Map<string, CronExpression>()
const MAX_CACHED = 10_000

export function parseCron(source: string): CronExpression {
  const hit = parsed.get(source)
  if (hit) return hit
  // Shared by every caller: frozen so no caller can change it for the others.
  const expr = Object.freeze(parseUncached(source))
  Object.freeze(expr.fields)
  if (parsed.size >= MAX_CACHED) parsed.clear()
  parsed.set(source, expr)
  return expr
}

function parseUncached(source: string): CronExpression {
  const text = source.trim()
  if (!text) throw new CronSyntaxError('the expression is empty')
  let expanded = text
  if (text.startsWith('@')) {
    const nick = NICKNAMES[text.toLowerCase()]
    if (!nick) {
      const known = Object.keys(NICKNAMES).join(', ')
      throw new CronSyntaxError(`${text} is not supported (use one of ${known})`)
    }
    expanded = nick
  }
  const parts = expanded.split(/\s+/)
  if (parts.length !== 5 && parts.length !== 6) {
    throw new CronSyntaxError(
      `it has ${parts.length} field${parts.length === 1 ? '' : 's'}; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)`,
    )
  }
  const hasSeconds = parts.length === 6
  const fields = hasSeconds ? parts : ['0', ...parts]
  fields.forEach((field, i) => {
    for (const item of field.split(',')) checkItem(item, SPECS[i])
  })
  const [, minute, hour, dom, , dow] = fields
  // Vixie cron ANDs the two day fields when either starts with '*' (e.g. '*/2'), and ORs them otherwise.
  // croner only recognises a bare '*', so the AND case is asked for explicitly.
  const domAndDow =
    (startsWithStar(dom) && dom !== '*' && dom !== '?') || (startsWithStar(dow) && dow !== '*' && dow !== '?')
  let matcher: Cron
  try {
    matcher = new Cron(fields.join(' '), { utcOffset: 0, domAndDow, sloppyRanges: true, mode: '6-part' })
  } catch (err) {
    const msg = err instanceof Error ? err.message.replace(/^CronPattern:\s*/, '') : String(err)
    throw new CronSyntaxError(msg)
  }
  return { source, fields, hasSeconds, wildcard: startsWithStar(minute) || startsWithStar(hour), matcher }
}

/** The first wall time strictly after `wall` (floating ms) that the expression matches, or null. */
export function nextMatchingWallTime(expr: CronExpression, wall: number): number | null {
  const next = expr.matcher.nextRun(new Date(wall))
  return next ? next.getTime() : null
}

/** The last wall time strictly before `wall` that the expression matches, or null. */
export function previousMatchingWallTime(expr: CronExpression, wall: number): number | null {
  const [previous] = expr.matcher.previousRuns(1, new Date(wall))
  return previous ? previous.getTime() : null
}

export interface FieldMatch {
  field: string
  /** The field as written (after nickname expansion). */
  text: string
  /** The wall time's value for this field. */
  value: number
  /** Whether croner's compiled field lists this value (day fields are combined by croner, see `days`). */
  listed: boolean
}

/**
 * Why a wall time does or does not match, field by field, from the same croner pattern the matcher uses.
 * `matches` is croner's own verdict on the whole time. The day fields (day-of-month and day-of-week, with
 * L, W, # and Vixie's AND/OR) are combined by croner, so `daysMatch` is croner's verdict on the date at the
 * expression's first listed time of day (null when the month itself is not listed).
 */
export function matchFields(
  expr: CronExpression,
  wall: number,
): { matches: boolean; fields: FieldMatch[]; daysMatch: boolean | null } {
  const pattern = new CronPattern(expr.fields.join(' '), undefined, { mode: '6-part', sloppyRanges: true })
  const d = new Date(wall)
  const values = [
    d.getUTCSeconds(),
    d.getUTCMinutes(),
    d.getUTCHours(),
    d.getUTCDate(),
    d.getUTCMonth() + 1,
    d.getUTCDay(),
  ]
  const lists = [pattern.second, pattern.minute, pattern.hour, pattern.day, pattern.month, pattern.dayOfWeek]
  const fields = SPECS.map((spec, i) => {
    const index = spec.name === 'day-of-month' || spec.name === 'month' ? values[i] - 1 : values[i]
    return { field: spec.name, text: expr.fields[i], value: values[i], listed: Boolean(lists[i][index]) }
  })
  const matches = expr.matcher.match(d) && d.getUTCMilliseconds() === 0
  let daysMatch: boolean | null = matches
  if (!matches) {
    const first = (list: number[]) => list.findIndex(Boolean)
    const probe = Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      first(pattern.hour),
      first(pattern.minute),
      first(pattern.second),
    )
    daysMatch = fields[4].listed ? expr.matcher.match(new Date(probe)) : null
  }
  return { matches, fields, daysMatch }
}
