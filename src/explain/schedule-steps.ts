import type { JobDefinition } from '../config/model.js'
import { latestOccurrence } from '../schedule/catch-up.js'
import {
  type CronExpression,
  matchFields,
  nextMatchingWallTime,
  previousMatchingWallTime,
} from '../schedule/cron-expression.js'
import { nextCronFireExplained } from '../schedule/cron-trigger.js'
import { formatDuration } from '../schedule/duration.js'
import type { FilterRejection } from '../schedule/filters.js'
import { jitterDelay } from '../schedule/jitter.js'
import type { Trigger } from '../schedule/trigger.js'
import { findTransition, formatInZone, instantsOfWallTime, offsetAt, wallTimeOf } from '../schedule/zone.js'
import { DOCS, type Step, iso, step } from './step.js'

const DAY = 86_400_000

/** The time asked about: an instant, and the wall time the user wrote when they wrote one without an offset. */
export interface AskedTime {
  instant: number
  wall: number | null
}

export interface ScheduleExplanation {
  steps: Step[]
  /** The occurrence the question lands on: the fire at that time, or else the nearest one. */
  occurrence: number | null
  /** Whether the asked time is itself an occurrence. */
  fires: boolean
}

const wallText = (wall: number) => new Date(wall).toISOString().replace('T', ' ').slice(0, 19)

/** The parts that decide a job's fires: the base trigger (cron, every, at) and the filters on it. */
export function anatomy(trigger: Trigger) {
  const base = trigger.filtered?.base ?? trigger
  return { base, filters: trigger.filtered?.filters ?? [], cron: base.cron ?? null }
}

/** The DST transition that made `wall` a gap (offsets differ a day before and after it). */
function gapAround(zone: string, wall: number): { start: number; before: number; after: number } {
  const before = offsetAt(zone, wall - DAY)
  const after = offsetAt(zone, wall + DAY)
  return { start: findTransition(zone, wall - after - 1000, wall - before), before, after }
}

function cronStep(expr: CronExpression, wall: number): Step {
  const m = matchFields(expr, wall)
  const fields = m.fields.map((f) => ({
    ...f,
    ok: f.field === 'day-of-month' || f.field === 'day-of-week' ? m.daysMatch : f.listed,
  }))
  const before = previousMatchingWallTime(expr, wall)
  const after = nextMatchingWallTime(expr, wall)
  const data = {
    expression: expr.fields.join(' '),
    matches: m.matches,
    fields,
    daysMatch: m.daysMatch,
    nearestBefore: before === null ? null : wallText(before),
    nearestAfter: after === null ? null : wallText(after),
  }
  if (m.matches) return step('cron', 'pass', `'${expr.source}' matches the wall time ${wallText(wall)}`, data)
  const failed = fields
    .filter((f) => f.field !== 'day-of-month' && f.field !== 'day-of-week' && !f.ok)
    .map((f) => `${f.field} ${f.value} is not in '${f.text}'`)
  if (m.daysMatch === false)
    failed.push(
      `the day (day-of-month ${fields[3].value} '${fields[3].text}', day-of-week ${fields[5].value} '${fields[5].text}') does not match`,
    )
  const nearest = `nearest matching wall times: before ${before === null ? 'none' : wallText(before)}, after ${after === null ? 'none' : wallText(after)}`
  return step(
    'cron',
    'fail',
    `'${expr.source}' does not match ${wallText(wall)}: ${failed.join('; ')}; ${nearest}`,
    data,
  )
}

/**
 * Why the job does or does not fire at the asked time: the cron fields, the DST rule, the filters and the
 * jitter, each decided by the scheduler's own functions (nextCronFireExplained, the filters' check, the
 * trigger's next, jitterDelay), never recomputed here.
 */
export function explainTime(job: JobDefinition, asked: AskedTime): ScheduleExplanation {
  const steps: Step[] = []
  const zone = job.timezone
  const trigger = job.trigger
  if (!trigger) {
    steps.push(
      step(
        'schedule',
        'info',
        `${job.name} has no schedule: it runs only when triggered${job.after.length ? ` or after ${job.after.join(', ')}` : ''}`,
        { after: job.after },
      ),
    )
    return { steps, occurrence: null, fires: false }
  }
  const { base, filters, cron } = anatomy(trigger)
  steps.push(
    step('schedule', 'info', `${trigger.text} in ${zone}`, { schedule: trigger.text, kind: base.kind, timezone: zone }),
  )

  let probe = asked.instant
  let baseFires: boolean
  if (cron) {
    const wall = asked.wall ?? wallTimeOf(zone, asked.instant)
    const cronCheck = cronStep(cron.expr, wall)
    steps.push(cronCheck)
    const instants = instantsOfWallTime(zone, wall)
    const rule = cron.expr.wildcard ? 'wildcard' : 'fixed'
    const kind = cron.expr.wildcard
      ? `a wildcard job (its minute or hour field starts with *), it follows real time`
      : 'a fixed job (neither its minute nor its hour field starts with *)'
    if (instants.length === 0) {
      const gap = gapAround(zone, wall)
      probe = gap.start
      const fire = nextCronFireExplained(cron.expr, zone, gap.start - 1)
      baseFires = cronCheck.verdict === 'pass' && fire?.rule === 'after-gap' && fire.instant === gap.start
      const what = `${wallText(wall)} does not exist in ${zone}: clocks jump from ${wallText(gap.start + gap.before)} to ${wallText(gap.start + gap.after)} at ${iso(gap.start)}`
      const data = {
        kind: 'gap',
        rule,
        gapStart: iso(gap.start),
        offsetBefore: gap.before / 60_000,
        offsetAfter: gap.after / 60_000,
        docs: DOCS.dst,
      }
      if (cronCheck.verdict !== 'pass') steps.push(step('dst', 'info', `${what} (${DOCS.dst})`, data))
      else if (baseFires)
        steps.push(
          step(
            'dst',
            'pass',
            `${what}; as ${kind}, it fires once at the first instant after the gap, ${formatInZone(zone, gap.start)} (${DOCS.dst})`,
            { ...data, firesAt: iso(gap.start) },
          ),
        )
      else
        steps.push(
          step('dst', 'fail', `${what}; as ${kind}, nothing fires for wall times in a gap (${DOCS.dst})`, data),
        )
    } else {
      if (asked.wall === null) probe = asked.instant
      else probe = instants[0]
      const fire = nextCronFireExplained(cron.expr, zone, probe - 1)
      baseFires = cronCheck.verdict === 'pass' && fire?.instant === probe
      if (instants.length === 2 && cronCheck.verdict === 'pass') {
        const [first, second] = instants
        const passes = [first, second].filter((i) => nextCronFireExplained(cron.expr, zone, i - 1)?.instant === i)
        const which = probe === first ? 'first' : 'second'
        const data = {
          kind: 'repeat',
          rule,
          passes: [iso(first), iso(second)],
          firing: passes.map(iso),
          docs: DOCS.dst,
        }
        const what = `${wallText(wall)} happens twice in ${zone} (${formatInZone(zone, first)} and ${formatInZone(zone, second)})`
        const ruleText = passes.length === 2 ? `as ${kind}, both passes fire` : `as ${kind}, only the first pass fires`
        steps.push(
          step(
            'dst',
            baseFires ? 'pass' : 'fail',
            `${what}; ${ruleText}; this is the ${which} pass (${DOCS.dst})`,
            data,
          ),
        )
      }
    }
  } else {
    baseFires = base.next(asked.instant - 1) === asked.instant
    steps.push(
      step(
        base.kind === 'interval' ? 'every' : 'at',
        baseFires ? 'pass' : 'fail',
        baseFires
          ? `${base.text} fires at ${formatInZone(zone, asked.instant)}`
          : `${base.text} does not fire at ${formatInZone(zone, asked.instant)}`,
        {},
      ),
    )
  }

  if (baseFires) {
    const rejections = filters.map((f) => f.check(probe)).filter((r) => r !== null)
    for (const r of rejections) steps.push(filterStep(r))
    if (filters.length && !rejections.length)
      steps.push(step('filters', 'pass', `${formatInZone(zone, probe)} passes ${filterNames(job)}`, {}))
  }

  // The verdict is the whole trigger's: the same call the scheduler makes.
  const fires = trigger.next(probe - 1) === probe && baseFires
  if (fires) {
    steps.push(
      step('occurrence', 'pass', `an occurrence at ${formatInZone(zone, probe)} (${iso(probe)})`, {
        occurrence: iso(probe),
      }),
    )
    const j = jitterStep(job, probe)
    if (j) steps.push(j)
    return { steps, occurrence: probe, fires: true }
  }
  const previous = latestOccurrence(trigger, probe - 1)
  const skipped: Array<{ candidate: string; rule: string; detail: string }> = []
  const next = trigger.filtered
    ? trigger.filtered.next(
        probe - 1,
        (c, r) => skipped.length < 20 && skipped.push({ candidate: iso(c), rule: r.rule, detail: r.detail }),
      )
    : trigger.next(probe - 1)
  const nearest =
    previous === null ? next : next === null ? previous : probe - previous <= next - probe ? previous : next
  const fmt = (t: number | null) => (t === null ? 'none' : formatInZone(zone, t))
  steps.push(
    step(
      'occurrence',
      'fail',
      `no occurrence at ${formatInZone(zone, probe)}; the nearest are ${fmt(previous)} before and ${fmt(next)} after${nearest === null ? '' : `; explaining ${fmt(nearest)}`}`,
      {
        previous: previous === null ? null : iso(previous),
        next: next === null ? null : iso(next),
        nearest: nearest === null ? null : iso(nearest),
        skippedBeforeNext: skipped,
      },
    ),
  )
  if (nearest !== null) {
    const j = jitterStep(job, nearest)
    if (j) steps.push(j)
  }
  return { steps, occurrence: nearest, fires: false }
}

function filterNames(job: JobDefinition): string {
  const c = job.core
  return [
    c.between && `between ${c.between.text}`,
    c.days && `days ${c.days.text}`,
    c.calendar?.skip?.length && 'calendar.skip',
    c.calendar?.holidays && `${c.calendar.holidays.toUpperCase()} holidays`,
  ]
    .filter(Boolean)
    .join(', ')
}

export function filterStep(r: FilterRejection): Step {
  return step(r.rule, 'fail', `${r.detail} (${DOCS.windows})`, {
    date: r.date,
    resumeAt: iso(r.resumeAt),
    ...(r.holiday ? { holiday: r.holiday.name, calendar: r.holiday.calendar } : {}),
  })
}

export function jitterStep(job: JobDefinition, occurrence: number): Step | null {
  if (!job.core.jitter) return null
  const delay = jitterDelay(job.name, occurrence, job.core.jitter)
  return step(
    'jitter',
    'info',
    `jitter ${formatDuration(job.core.jitter)}: this occurrence is due ${formatDuration(delay)} after its instant, at ${formatInZone(job.timezone, occurrence + delay)} (the same on every instance; ${DOCS.jitter})`,
    {
      jitterMs: job.core.jitter,
      delayMs: delay,
      dueAt: iso(occurrence + delay),
    },
  )
}
