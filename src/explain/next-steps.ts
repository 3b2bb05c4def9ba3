import type { JobDefinition } from '../config/model.js'
import { nextCronFireExplained } from '../schedule/cron-trigger.js'
import { formatInZone, instantsOfWallTime, wallTimeOf } from '../schedule/zone.js'
import { anatomy, jitterStep } from './schedule-steps.js'
import { DOCS, type Step, iso, step } from './step.js'

const wallText = (wall: number) => new Date(wall).toISOString().replace('T', ' ').slice(0, 16)

/**
 * Why the next fires are where they are: for each, the rule that placed it (a regular match, the first
 * instant after a DST gap, a pass of a repeated hour) and the candidates the filters turned down on the way
 * (holidays named). The fires are the trigger's own `next`, the same walk as `circadian next`.
 */
export function explainNext(job: JobDefinition, from: number, count: number): { steps: Step[]; fires: number[] } {
  const zone = job.timezone
  const trigger = job.trigger
  if (!trigger)
    return {
      steps: [
        step(
          'schedule',
          'info',
          `${job.name} has no schedule: it runs only when triggered${job.after.length ? ` or after ${job.after.join(', ')}` : ''}`,
          { after: job.after },
        ),
      ],
      fires: [],
    }
  const { cron, filters } = anatomy(trigger)
  const steps: Step[] = [
    step(
      'schedule',
      'info',
      `${trigger.text} in ${zone}${cron ? ` (fields: ${cron.expr.fields.join(' ')}; ${cron.expr.wildcard ? 'a wildcard job: follows real time across DST' : 'a fixed job: fires once across DST'})` : ''}`,
      {
        schedule: trigger.text,
        timezone: zone,
        fields: cron?.expr.fields ?? null,
        dstRule: cron ? (cron.expr.wildcard ? 'wildcard' : 'fixed') : null,
        filters: filters.length,
      },
    ),
  ]
  const fires: number[] = []
  let cursor = from
  while (fires.length < count) {
    const skipped: Array<{ candidate: string; rule: string; detail: string; holiday?: string; calendar?: string }> = []
    const next = trigger.filtered
      ? trigger.filtered.next(cursor, (c, r) =>
          skipped.push({
            candidate: iso(c),
            rule: r.rule,
            detail: r.detail,
            ...(r.holiday ? { holiday: r.holiday.name, calendar: r.holiday.calendar } : {}),
          }),
        )
      : trigger.next(cursor)
    if (next === null) {
      steps.push(
        step('next', 'info', fires.length ? 'no further fires' : 'the schedule has no fire after this time', {
          skipped: skipped.slice(0, 50),
        }),
      )
      break
    }
    const parts: string[] = []
    let dst: Record<string, unknown> | null = null
    if (cron) {
      const placed = nextCronFireExplained(cron.expr, zone, next - 1)
      if (placed?.rule === 'after-gap') {
        parts.push(
          `${wallText(placed.wall)} fell in a DST gap; a fixed job fires at the first instant after it (${DOCS.dst})`,
        )
        dst = { kind: 'gap', wall: wallText(placed.wall) }
      } else {
        const passes = instantsOfWallTime(zone, wallTimeOf(zone, next))
        if (passes.length === 2) {
          const which = passes[0] === next ? 'first' : 'second'
          parts.push(
            `the ${which} pass of the repeated hour ${wallText(wallTimeOf(zone, next))}${cron.expr.wildcard ? ' (a wildcard job fires on both)' : ' (a fixed job fires on the first only)'} (${DOCS.dst})`,
          )
          dst = { kind: 'repeat', pass: which }
        }
      }
    }
    const byRule = new Map<string, number>()
    for (const s of skipped) byRule.set(s.rule, (byRule.get(s.rule) ?? 0) + 1)
    const holidays = [
      ...new Map(
        skipped.filter((s) => s.holiday).map((s) => [s.candidate.slice(0, 10), `${s.holiday} (${s.calendar})`]),
      ).values(),
    ]
    if (skipped.length)
      parts.push(
        `skipped on the way: ${[...byRule].map(([rule, n]) => `${n} by ${rule}`).join(', ')}${holidays.length ? `; holidays: ${holidays.slice(0, 5).join(', ')}` : ''}`,
      )
    const jitter = jitterStep(job, next)
    if (jitter)
      parts.push(`due ${String(jitter.data.dueAt)} (jitter +${Math.round(Number(jitter.data.delayMs) / 1000)}s)`)
    steps.push(
      step('next', 'pass', `${formatInZone(zone, next)} (${iso(next)})${parts.length ? `: ${parts.join('; ')}` : ''}`, {
        fire: iso(next),
        dst,
        skipped: skipped.slice(0, 50),
        skippedCount: skipped.length,
        jitterMs: jitter ? jitter.data.delayMs : 0,
      }),
    )
    fires.push(next)
    cursor = next
  }
  return { steps, fires }
}
