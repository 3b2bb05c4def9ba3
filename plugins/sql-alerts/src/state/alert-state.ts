import { z } from 'circadian'

export const ALERT_STATES = ['OK', 'PENDING', 'ALERT', 'ERROR'] as const
export const NOTICE_KINDS = ['firing', 'repeat', 'resolved', 'error'] as const

export type AlertStateName = (typeof ALERT_STATES)[number]
export type NoticeKind = (typeof NOTICE_KINDS)[number]

const isoInstant = z.string()

/**
 * What the plugin remembers about one alert between evaluations (kept in the plugin's key-value store,
 * under `state:<job>`). PENDING: ALERT results seen, but fewer in a row than the job's `for`.
 */
export const alertStateSchema = z.object({
  v: z.literal(1),
  state: z.enum(ALERT_STATES),
  /** When the alert entered `state`. */
  since: isoInstant,
  /** The current streak of each result; two are always 0. */
  consecutive: z.object({ alert: z.number().int(), ok: z.number().int(), error: z.number().int() }),
  lastResult: z.enum(['ALERT', 'OK', 'ERROR']),
  lastEvaluatedAt: isoInstant,
  lastRunId: z.string().nullable(),
  /** The values of the last evaluation that kept the contract. */
  lastValues: z
    .object({
      status: z.enum(['ALERT', 'OK']),
      actual_value: z.unknown(),
      threshold: z.unknown(),
      context: z.record(z.string(), z.unknown()),
      at: isoInstant,
    })
    .nullable(),
  lastError: z.object({ kind: z.string(), message: z.string(), at: isoInstant }).nullable(),
  /** The alert fired (reached `for`) and has not resolved; `notified` once its firing notice went out. */
  firing: z.object({ since: isoInstant, notified: z.boolean() }).nullable(),
  /** The error notice of the current ERROR streak went out. */
  errorNotified: z.boolean(),
  lastNotified: z.object({ kind: z.enum(NOTICE_KINDS), at: isoInstant, to: z.array(z.string()) }).nullable(),
  /** The last firing or repeat notice: `repeatInterval` counts from here. */
  lastAlertNoticeAt: isoInstant.nullable(),
  /**
   * The last notice queued and not known delivered yet: its outbox ids (one per notifier). `lastNotified`
   * and the firing notice's `notified` only stand once one of them is sent; if all expire, the notice is
   * due again. Absent in states written before the outbox.
   */
  pendingNotice: z
    .object({ kind: z.enum(NOTICE_KINDS), ids: z.array(z.string()), to: z.array(z.string()), at: isoInstant })
    .nullable()
    .optional(),
})

export type AlertState = z.infer<typeof alertStateSchema>

/** A silence: notices are held back while it lasts; evaluation and history go on. Key `silence:<job>`. */
export const silenceSchema = z.object({
  v: z.literal(1),
  by: z.string(),
  reason: z.string().nullable(),
  createdAt: isoInstant,
  /** The end of a timed silence; null for one that lasts until the alert resolves. */
  until: isoInstant.nullable(),
  untilResolved: z.boolean(),
})

export type Silence = z.infer<typeof silenceSchema>

export function silenceActive(silence: Silence | undefined, nowMs: number): boolean {
  if (!silence) return false
  if (silence.untilResolved) return true
  return silence.until !== null && Date.parse(silence.until) > nowMs
}

/** A silence as commands show it (without the storage version). */
export function publicSilence(silence: Silence): Omit<Silence, 'v'> {
  const { v: _version, ...shown } = silence
  return shown
}
