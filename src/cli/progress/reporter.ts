import type { JobDefinition } from '../../config/model.js'
import type { RunOutcome } from '../../run/outcome.js'
import type { RunEvents } from '../../run/services.js'

/** Shows a `run` as it happens. */
export interface ProgressReporter {
  events: RunEvents
  /** Called once every run has finished; resolves when the display is done. */
  finish(outcomes: RunOutcome[]): Promise<void>
}

export type ReporterKind = 'tty' | 'plain' | 'silent'

export function durationText(outcome: RunOutcome): string {
  if (!outcome.startedAt) return ''
  const ms = Date.parse(outcome.finishedAt) - Date.parse(outcome.startedAt)
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`
}

export function outcomeText(o: RunOutcome): string {
  const attempts = o.attempts > 1 ? `, ${o.attempts} attempts` : ''
  const took = durationText(o)
  switch (o.status) {
    case 'succeeded':
      return `succeeded${took ? ` in ${took}` : ''}${attempts}${o.summary ? ` — ${o.summary}` : ''}`
    case 'alert':
      return `ALERT${o.summary ? `: ${o.summary}` : ''}${attempts}`
    case 'skipped':
      return `skipped${o.reason ? ` (${o.reason})` : ''}${o.summary ? `: ${o.summary}` : ''}`
    default:
      return `${o.status.replace('_', ' ')}${took ? ` after ${took}` : ''}${attempts}${o.error ? `: ${o.error}` : ''}`
  }
}

/** The last line of a `run`; `nothingText` says why nothing ran when nothing did (no jobs, or nothing due). */
export function tally(outcomes: RunOutcome[], nothingText = 'nothing ran'): string {
  if (!outcomes.length) return nothingText
  const counts = new Map<string, number>()
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1)
  return `${outcomes.length} run${outcomes.length === 1 ? '' : 's'}: ${[...counts].map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ')}`
}

export async function createReporter(
  kind: ReporterKind,
  jobs: JobDefinition[],
  nothingText?: string,
): Promise<ProgressReporter> {
  if (kind === 'tty') return (await import('./listr-reporter.js')).listrReporter(jobs, nothingText)
  if (kind === 'plain') return (await import('./plain-reporter.js')).plainReporter(nothingText)
  return { events: {}, finish: async () => {} }
}
