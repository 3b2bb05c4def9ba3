import type { Notice } from 'circadian'
import { humanDuration, shortInstant, valueVsThreshold } from '../format.js'
import type { AlertState, NoticeKind } from '../state/alert-state.js'

type FieldValue = string | number | boolean | null

export interface NoticeInput {
  kind: NoticeKind
  job: string
  description?: string
  connection: string
  severity: 'info' | 'warning' | 'critical'
  /** The state after this evaluation. */
  state: AlertState
  /** The state before it (for how long the alert fired, when it resolves). */
  previous?: AlertState
  now: number
}

function fieldValue(value: unknown): FieldValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}

/** The notice's fields: the alert, its result and values, then every context column of the query. */
function noticeFields(input: NoticeInput): Record<string, FieldValue> {
  const { state } = input
  const values = input.kind === 'error' ? null : state.lastValues
  const fields: Record<string, FieldValue> = {
    alert: input.job,
    notice: input.kind,
    state: state.state,
    since: state.since,
    connection: input.connection,
  }
  if (input.kind === 'error') fields.error = state.lastError?.message ?? null
  if (values) {
    fields.status = values.status
    fields.actual_value = fieldValue(values.actual_value)
    fields.threshold = fieldValue(values.threshold)
    for (const [key, value] of Object.entries(values.context))
      fields[key in fields ? `context.${key}` : key] = fieldValue(value)
  }
  return fields
}

/** The one notice an evaluation sends: the alert fired, still fires, resolved, or its query failed. */
export function buildNotice(input: NoticeInput): Notice {
  const { job, state, description } = input
  const values = state.lastValues
  const valueLine = values ? valueVsThreshold(values.actual_value, values.threshold) : ''
  const about = description ? `${description}\n` : ''
  const firingFor = state.firing ? humanDuration(input.now - Date.parse(state.firing.since)) : ''
  switch (input.kind) {
    case 'firing':
      return {
        title: `ALERT: ${job}`,
        text: `${about}The query returned ALERT${valueLine ? ` (${valueLine})` : ''}.`,
        severity: input.severity,
        fields: noticeFields(input),
      }
    case 'repeat':
      return {
        title: `STILL ALERT: ${job} (for ${firingFor})`,
        text: `${about}Firing since ${shortInstant(state.firing?.since)}${valueLine ? `; now ${valueLine}` : ''}.`,
        severity: input.severity,
        fields: noticeFields(input),
      }
    case 'resolved': {
      const firedSince = input.previous?.firing?.since
      const lasted = firedSince ? ` after ${humanDuration(input.now - Date.parse(firedSince))}` : ''
      return {
        title: `RESOLVED: ${job}`,
        text: `${about}The query returned OK${valueLine ? ` (${valueLine})` : ''}; the alert resolved${lasted}.`,
        severity: 'info',
        fields: noticeFields(input),
      }
    }
    case 'error':
      return {
        title: `ERROR: ${job}`,
        text: `${about}The alert could not be evaluated: ${state.lastError?.message ?? 'unknown error'}`,
        severity: 'warning',
        fields: noticeFields(input),
      }
  }
}
