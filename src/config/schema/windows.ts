import { z } from 'zod'

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

/** 'HH:MM-HH:MM' → minutes since local midnight [from, to); a window may wrap midnight. */
export const timeWindow = z
  .string()
  .regex(/^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-4]):([0-5]\d)\s*$/, {
    message: 'write a window as "HH:MM-HH:MM", e.g. "06:00-22:00" (it may wrap midnight: "22:00-06:00")',
  })
  .transform((text, ctx) => {
    const [, h1, m1, h2, m2] = /(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)/.exec(text)!
    const from = Number(h1) * 60 + Number(m1)
    const to = Number(h2) * 60 + Number(m2)
    if (to > 24 * 60 || from === to) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is an empty window` })
      return z.NEVER
    }
    return { text: text.trim(), from, to }
  })

const FULL_NAMES = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY']

/** A weekday as cron writes it: 0-7 (0 and 7 are Sunday), MON or MONDAY. 7 stays 7 so 0-7 means the whole week. */
function dayNumber(token: string): number | null {
  const t = token.trim().toUpperCase()
  const named = DAY_NAMES.indexOf(t) >= 0 ? DAY_NAMES.indexOf(t) : FULL_NAMES.indexOf(t)
  if (named >= 0) return named
  if (/^[0-7]$/.test(t)) return Number(t)
  return null
}

/** 'MON-FRI', 'SAT,SUN', '1-5' (0 and 7 are Sunday) → the set of weekdays (0 = Sunday). */
export const daysOfWeek = z.string().transform((text, ctx) => {
  const days = new Set<number>()
  for (const part of text.split(',')) {
    const [a, b] = part.split('-')
    const from = dayNumber(a)
    const to = b === undefined ? from : dayNumber(b)
    if (from === null || to === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part.trim()}" is not a weekday or a range of them (e.g. MON-FRI, SAT,SUN, 1-5)`,
      })
      return z.NEVER
    }
    if (from <= to) for (let d = from; d <= to; d++) days.add(d % 7)
    // A range may wrap the week: FRI-MON is Friday to Monday.
    else for (let d = from; d <= to + 7; d++) days.add(d % 7)
  }
  return { text: text.trim(), days: [...days].sort() }
})

/** 2026-02-30 has the right form but names no day. */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number)
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

export const calendarSchema = z.strictObject({
  /** Local dates to skip, YYYY-MM-DD. */
  skip: z
    .array(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'dates are YYYY-MM-DD', abort: true })
        .refine(isCalendarDate, {
          error: (issue) => `"${String(issue.input)}" is not a date (no such day in that month)`,
        }),
    )
    .optional(),
  /** Public holidays of this country, or country-state(-region), e.g. 'DE', 'DE-BY', 'US-CA', 'JP'. */
  holidays: z
    .string()
    .regex(/^[A-Za-z]{2}(-[A-Za-z0-9]{1,4}){0,2}$/, { message: 'a country code like "DE", or "DE-BY" for a state' })
    .optional(),
})

export type TimeWindow = z.infer<typeof timeWindow>
export type DaysOfWeek = z.infer<typeof daysOfWeek>
export type CalendarConfig = z.infer<typeof calendarSchema>
