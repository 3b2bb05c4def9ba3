import { z } from 'zod'
import { calendarSchema, daysOfWeek, timeWindow } from './windows.js'
import { didYouMean } from '../suggest.js'
import { cronExpression, duration, isoDateTime, jobName, timeZone } from './primitives.js'

export const PRIORITIES = { LOW: 1, NORMAL: 5, HIGH: 10, CRITICAL: 15 } as const

export const retrySchema = z.strictObject({
  /** Total attempts, the first included: `attempts: 3` is one try and up to two retries. */
  attempts: z.number().int().min(1).max(100),
  backoff: z.enum(['exponential', 'fixed']).default('exponential'),
  delay: duration.default(1000),
  maxDelay: duration.default(60_000),
  jitter: z.boolean().default(true),
})

export type RetryPolicy = z.infer<typeof retrySchema>

function priorityProblem(input: unknown): string {
  const names = Object.keys(PRIORITIES)
  const got =
    typeof input === 'string'
      ? `"${input}"`
      : typeof input === 'number'
        ? String(input)
        : (JSON.stringify(input) ?? String(input))
  const hint = typeof input === 'string' ? didYouMean(input.toUpperCase(), names) : ''
  return `${got} is not a priority: write ${names.slice(0, -1).join(', ')} or ${names.at(-1)}, or an integer${hint}`
}

/** The keys every job shares, whatever its type. The rest of a job's keys belong to its type. */
export const coreJobShape = {
  type: z.string().min(1),
  description: z.string().optional(),
  enabled: z.boolean().default(true),
  schedule: cronExpression.optional(),
  every: duration.optional(),
  at: isoDateTime.optional(),
  timezone: timeZone.optional(),
  /** Only fires whose local time falls in this window ('06:00-22:00'; may wrap midnight: '22:00-06:00'). */
  between: timeWindow.optional(),
  /** Only fires on these local weekdays ('MON-FRI', 'SAT,SUN', '1-5'). */
  days: daysOfWeek.optional(),
  /** Skip fires on these local dates and/or on public holidays of a country or region ('DE', 'DE-BY', 'US-CA'). */
  calendar: calendarSchema.optional(),
  /** A delay in [0, jitter) added to each fire, the same for a given job and occurrence on every instance. */
  jitter: duration.optional(),
  after: z.array(jobName).optional(),
  retry: retrySchema.optional(),
  timeout: duration.optional(),
  overlap: z.enum(['skip', 'queue', 'allow', 'replace']).default('skip'),
  catchUp: z.enum(['none', 'latest', 'all']).default('latest'),
  /** How many missed occurrences `catchUp: 'all'` runs after downtime (the most recent ones). */
  maxCatchUp: z.number().int().min(1).max(10_000).default(10),
  /** A fire that starts later than this after its scheduled time is late, and the catch-up rules decide. */
  misfireGrace: duration.default(60_000),
  /** A named pool from the config's `pools`: its own maxConcurrent, shared by the jobs that name it. */
  pool: z.string().min(1).optional(),
  priority: z
    .union(
      [
        z.number().int(),
        z.enum(Object.keys(PRIORITIES) as ['LOW', 'NORMAL', 'HIGH', 'CRITICAL']).transform((p) => PRIORITIES[p]),
      ],
      {
        error: (issue) => priorityProblem(issue.input),
      },
    )
    .default(PRIORITIES.NORMAL),
  notify: z.array(z.string().min(1)).optional(),
  /** Which events send a notice to `notify`. Failures and alerts notify once per streak. */
  notifyOn: z
    .array(z.enum(['failure', 'recovery', 'alert', 'success', 'timeout', 'retry']))
    .default(['failure', 'recovery', 'alert']),
  /** This job's own history retention (either key overrides the config's top-level `retention`). */
  retention: z.strictObject({ maxAge: duration.optional(), keepPerJob: z.number().int().min(1).optional() }).optional(),
  /** Breaker keys this job uses, besides those its type declares (e.g. a command job hitting 'db:warehouse'). */
  resources: z.array(z.string().min(1)).optional(),
  /** What happens when the job keeps failing: pause it, tell someone. Each automatic action is recorded. */
  onFailure: z
    .strictObject({
      after: z.number().int().min(1),
      pause: z.boolean().default(false),
      escalate: z.array(z.string().min(1)).default([]),
      /** Between two escalations of the same job. */
      cooldown: duration.default(3_600_000),
    })
    .optional(),
}

function checkTriggers(job: { schedule?: string; every?: number; at?: string }, ctx: z.RefinementCtx): void {
  const triggers = (['schedule', 'every', 'at'] as const).filter((k) => job[k] !== undefined)
  if (triggers.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [triggers[1]],
      message: `a job takes one of schedule, every or at; this one has ${triggers.join(' and ')}`,
    })
  }
  if (job.every !== undefined && job.every < 1000) {
    ctx.addIssue({ code: 'custom', path: ['every'], message: 'the interval must be at least 1s' })
  }
}

export const coreJobSchema = z.strictObject(coreJobShape).superRefine(checkTriggers)

export type CoreJob = z.infer<typeof coreJobSchema>
export type CoreJobInput = z.input<typeof coreJobSchema>
export const CORE_JOB_KEYS = Object.keys(coreJobShape)
