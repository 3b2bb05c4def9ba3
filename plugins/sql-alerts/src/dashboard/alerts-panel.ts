import type { DashboardPanel, DashboardPanelContext, PanelRow } from 'circadian'
import { type AlertJob, alertJobs, findAlertJob } from '../cli/alert-jobs.js'
import { describeSilence, newSilence, silenceLength } from '../cli/silence-request.js'
import { alertStatuses, lastValueCell, silencedUntilCell, sinceCell, stateCell } from '../cli/status-report.js'
import { shortInstant } from '../format.js'
import { AlertStore } from '../state/alert-store.js'

/** Who a silence set from the dashboard is recorded as (the page knows a token, not a person). */
export const DASHBOARD_USER = 'dashboard'
/** The reason recorded when the person gives only a duration. */
export const DASHBOARD_REASON = 'silenced from the dashboard'

const UNTIL_RESOLVED = /^until[- ]resolved\b/i

/**
 * What the Silence button's input asks for: a duration ("2h"), or "until resolved", optionally followed by
 * a reason ("2h backfill running"). Throws a message for the person when it is neither.
 */
export function readSilenceInput(input: string | undefined): { ms: number | null; reason: string } {
  const text = (input ?? '').trim()
  const resolved = UNTIL_RESOLVED.exec(text)
  const [length = '', ...rest] = resolved
    ? [resolved[0], ...text.slice(resolved[0].length).trim().split(/\s+/)]
    : text.split(/\s+/)
  const reason = rest.join(' ').trim() || DASHBOARD_REASON
  if (resolved) return { ms: null, reason }
  const ms = silenceLength(length)
  if (ms === null)
    throw new Error(
      `"${length}" is not a duration: write e.g. 30m, 2h or 1d (optionally followed by a reason), or "until resolved"`,
    )
  return { ms, reason }
}

/** One row per sql-alert job: the same figures `circadian alerts status` prints. */
async function alertRows(ctx: DashboardPanelContext, now = Date.now()): Promise<PanelRow[]> {
  const jobs: AlertJob[] = alertJobs(ctx.config)
  const statuses = await alertStatuses(jobs, new AlertStore(ctx.kv), now)
  return statuses.map((s) => ({
    job: s.job,
    state: stateCell(s),
    since: sinceCell(s, now),
    'value vs threshold': lastValueCell(s),
    checked: s.lastEvaluatedAt ? shortInstant(s.lastEvaluatedAt) : null,
    'silenced until': silencedUntilCell(s),
    'silenced by': s.silenced?.by ?? null,
    reason: s.silenced?.reason ?? null,
  }))
}

/**
 * The dashboard's "Alerts" panel (serve's page, through the `dashboard-panels` hook): where every alert
 * stands, with Silence and Unsilence. It reads and writes the same state and silences as the `alerts`
 * commands and the job's runs.
 */
export const alertsPanel: DashboardPanel = {
  id: 'sql-alerts',
  title: 'Alerts',
  description:
    'Every sql-alert job: state, since when, the last value against its threshold, and its silence. A silence holds notices back; evaluation and history go on.',
  rowKey: 'job',
  rows: (ctx) => alertRows(ctx),
  // No sql-alert jobs in the config: nothing to show, so no panel (it comes back when one is added).
  shown: (config) => alertJobs(config).length > 0,
  actions: {
    silence: {
      label: 'Silence',
      input: { label: 'Silence for', placeholder: '2h, or 2h backfill running, or until resolved' },
      async run(ctx, row, body) {
        const job = findAlertJob(ctx.config, String(row.job))
        const { ms, reason } = readSilenceInput(body.input)
        const now = Date.now()
        const silence = newSilence(DASHBOARD_USER, reason, now, ms === null ? null : now + ms)
        await new AlertStore(ctx.kv).saveSilence(job.name, silence)
        return describeSilence(job.name, silence, now)
      },
    },
    unsilence: {
      label: 'Unsilence',
      available: (row) => row['silenced until'] !== null,
      async run(ctx, row) {
        const job = findAlertJob(ctx.config, String(row.job))
        const ended = await new AlertStore(ctx.kv).endSilence(job.name, Date.now())
        return ended ? `Unsilenced ${job.name}` : `${job.name} was not silenced`
      },
    },
  },
}
