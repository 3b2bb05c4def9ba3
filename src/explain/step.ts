import { z } from 'zod'

/** pass: this lets the job fire or the run succeed; fail: this stopped it; warn: noteworthy; info: a fact. */
export const VERDICTS = ['pass', 'fail', 'warn', 'info'] as const

/** One step of an explanation: what `--json` prints and the dashboard shows. */
export const stepSchema = z.object({
  step: z.string(),
  verdict: z.enum(VERDICTS),
  detail: z.string(),
  data: z.record(z.string(), z.unknown()),
})

export const explanationSchema = z.object({
  job: z.string(),
  /** What was asked, in words: 'at 2026-03-29 02:30 (Europe/Berlin)', 'next 5 fires', 'run 01J…'. */
  question: z.string(),
  timezone: z.string().nullable(),
  /** The occurrence the explanation is about (ISO, UTC), when there is one. */
  occurrence: z.string().nullable(),
  steps: z.array(stepSchema),
})

export type Step = z.infer<typeof stepSchema>
export type Verdict = Step['verdict']
export type Explanation = z.infer<typeof explanationSchema>

export const step = (name: string, verdict: Verdict, detail: string, data: Record<string, unknown> = {}): Step => ({
  step: name,
  verdict,
  detail,
  data,
})

export const iso = (ms: number) => new Date(ms).toISOString()

/** Where docs/scheduling.md explains each rule. */
export const DOCS = {
  dst: 'docs/scheduling.md#daylight-saving-time',
  windows: 'docs/scheduling.md#windows-and-calendars-between-days-calendar',
  jitter: 'docs/scheduling.md#jitter',
  catchUp: 'docs/scheduling.md#misfires-and-catch-up',
  overlap: 'docs/scheduling.md#overlap',
  dependencies: 'docs/scheduling.md#dependencies-in-serve',
} as const
