/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { act, busy } from './actions.js'
import { HttpError, getJson, jobPath } from './api.js'
import { badge } from './badge.js'
import { cancelButton, cancellable } from './cancel-run.js'
import { h, replaceContent } from './dom.js'
import { DurationChart } from './duration-chart.js'
import { duration, lateness, shortLocalTime } from './format.js'
import { fireTime, scheduleCell } from './jobs-view.js'
import { timelineView } from './timeline-view.js'
import type { DashboardEvent, JobDetail, RunOutput, RunRow } from './types.js'
import type { View } from './view.js'
import { wantsWhy, whyAt, whyRun } from './why-view.js'

function fact(term: string, ...value: Array<Node | string | null>): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, ...value)]
}

function facts(detail: JobDetail, refresh: () => unknown): HTMLElement[] {
  const job = detail.job
  // The newest run in progress (the table lists the others, each with its own Cancel).
  const current = detail.runs.find((r) => r.status === 'running')
  const next = !job.enabled
    ? 'disabled'
    : job.paused
      ? '— (paused)'
      : job.nextFire
        ? fireTime(job.nextFire, job.timezone)
        : '—'
  return [
    ...fact('Type', job.type),
    ...fact('Schedule', scheduleCell(job)),
    ...fact('Time zone', job.timezone),
    ...fact('Next fire', h('span', { class: 'next-fire' }, next), job.nextFire ? whyAt(job.job, job.nextFire) : null),
    ...fact('Last run', job.lastRun ? badge(job.lastRun.status ?? 'unknown') : badge('never')),
    ...fact('Failures in a row', String(job.consecutiveFailures)),
    ...fact('Paused', job.paused ? badge('paused', job.pauseReason) : 'no'),
    ...fact(
      'Running now',
      job.running ? badge('running', job.running > 1 ? String(job.running) : null) : 'no',
      job.running && current ? cancelButton(job.job, current.id, refresh) : null,
    ),
    ...(job.after.length ? fact('Runs after', job.after.join(', ')) : []),
  ]
}

/** Runs that did (or are doing) work have output to show; the others never ran a line. */
const NO_OUTPUT = new Set(['queued', 'skipped', 'missed'])

/**
 * A disclosure that reads the run's output from serve when it is opened (lists never carry it). A finished
 * run's output is kept for the page's life, so live redraws do not read it again.
 */
function outputOf(run: RunRow, cache: Map<string, RunOutput>): HTMLElement | string {
  if (NO_OUTPUT.has(run.status)) return '—'
  const body = h('div', { class: 'output-body' })
  const show = (output: RunOutput) => {
    const parts = (['stdout', 'stderr'] as const).filter((k) => output[k])
    replaceContent(
      body,
      parts.length
        ? parts.map((k) => h('div', null, h('p', { class: 'output-label' }, k), h('pre', { tabindex: '0' }, output[k])))
        : [h('p', { class: 'muted' }, 'No output.')],
    )
  }
  const details: HTMLDetailsElement = h(
    'details',
    { class: 'output' },
    h('summary', { 'data-focus-key': `output:${run.id}` }, 'Output'),
    body,
  )
  details.addEventListener('toggle', () => {
    if (!details.open) return
    const kept = cache.get(run.id)
    if (kept) return show(kept)
    replaceContent(body, [h('p', { class: 'muted' }, 'Loading…')])
    getJson<RunOutput>(run.outputPath)
      .then((output) => {
        if (run.status !== 'running') cache.set(run.id, output)
        show(output)
      })
      .catch((err) =>
        replaceContent(body, [
          h('p', { role: 'alert' }, `Could not read the output: ${err instanceof Error ? err.message : String(err)}`),
        ]),
      )
  })
  return details
}

function runRow(
  job: string,
  run: RunRow,
  zone: string,
  outputs: Map<string, RunOutput>,
  refresh: () => unknown,
): HTMLTableRowElement {
  const when = (iso: string | null) =>
    iso ? h('time', { datetime: iso, title: `${iso} (UTC)` }, shortLocalTime(iso, zone)) : '—'
  return h(
    'tr',
    { 'data-run': run.id },
    h(
      'td',
      { 'data-label': 'Status', class: 'status' },
      badge(run.status, run.reason),
      wantsWhy(run) ? whyRun(run.id) : null,
      cancellable(run.status) ? cancelButton(job, run.id, refresh) : null,
    ),
    h('td', { 'data-label': 'Scheduled' }, when(run.scheduledFor)),
    h('td', { 'data-label': 'Started' }, when(run.startedAt)),
    h('td', { 'data-label': 'Late by' }, lateness(run.latenessMs)),
    h(
      'td',
      { 'data-label': 'Duration' },
      run.durationMs === null ? (run.status === 'running' ? 'running…' : '—') : duration(run.durationMs),
    ),
    h('td', { 'data-label': 'Attempts' }, String(run.attempts)),
    h('td', { 'data-label': 'Trigger', class: 'trigger' }, run.trigger),
    h(
      'td',
      { 'data-label': 'Summary / error', class: 'message' },
      run.error ? h('span', { class: 'error-text' }, run.error) : (run.summary ?? '—'),
    ),
    h('td', { 'data-label': 'Output' }, outputOf(run, outputs)),
  )
}

/** One job: its facts, Trigger / Pause / Resume, the next 24 hours, durations, and its last runs. */
export function jobView(name: string): View {
  const heading = h('h1', { tabindex: '-1' }, name)
  const description = h('p', { class: 'description' })
  const factList = h('dl', { class: 'facts' })
  const buttons = h('div', { class: 'job-actions', role: 'group', 'aria-label': `Actions on ${name}` })
  const timeline = h('div', { class: 'timeline-box' })
  let chart: DurationChart | null = null
  const chartSection = h(
    'section',
    { 'aria-labelledby': 'chart-title' },
    h('h2', { id: 'chart-title' }, 'Duration of recent runs'),
  )
  const runsBody = h('tbody')
  const runsEmpty = h('p', { class: 'muted', hidden: true }, 'No runs recorded yet.')
  const element = h(
    'div',
    { class: 'job-view' },
    h('p', { class: 'back' }, h('a', { href: '#/' }, '← All jobs')),
    heading,
    description,
    buttons,
    factList,
    h('section', { 'aria-labelledby': 'timeline-title' }, h('h2', { id: 'timeline-title' }, 'Next 24 hours'), timeline),
    chartSection,
    h(
      'section',
      { 'aria-labelledby': 'runs-title' },
      h('h2', { id: 'runs-title' }, 'Recent runs'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'runs responsive' },
          h('caption', { class: 'visually-hidden' }, `Recent runs of ${name}, newest first`),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [
                'Status',
                'Scheduled',
                'Started',
                'Late by',
                'Duration',
                'Attempts',
                'Trigger',
                'Summary / error',
                'Output',
              ].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          runsBody,
        ),
      ),
      runsEmpty,
    ),
  )

  const outputs = new Map<string, RunOutput>()
  const path = jobPath(name)
  const renderButtons = (detail: JobDetail) => {
    const paused = detail.job.paused
    const button = (action: string, label: string, run: () => Promise<unknown>) => {
      const b: HTMLButtonElement = h(
        'button',
        {
          type: 'button',
          class: action === 'trigger' ? 'primary' : null,
          'data-action': action,
          'data-focus-key': `action:${action}`,
          onclick: () => void busy(b, run),
        },
        label,
      )
      return b
    }
    replaceContent(buttons, [
      button('trigger', 'Trigger now', () =>
        act<{ runId?: string; status?: string }>(`Trigger ${name}`, `${path}/trigger`, {}, (r) =>
          r.runId
            ? `Triggered ${name}: run ${r.runId}${r.status ? ` (${r.status})` : ''}.`
            : `Trigger of ${name} accepted.`,
        ).then(() => view.refresh()),
      ),
      paused
        ? button('resume', 'Resume', () =>
            act(`Resume ${name}`, `${path}/resume`, {}, () => `${name} resumed.`).then(() => view.refresh()),
          )
        : button('pause', 'Pause', () =>
            act(
              `Pause ${name}`,
              `${path}/pause`,
              { reason: 'paused from the dashboard' },
              () => `${name} paused.`,
            ).then(() => view.refresh()),
          ),
    ])
  }

  const view: View = {
    heading,
    element,
    title: name,
    async refresh() {
      let detail: JobDetail
      try {
        detail = await getJson<JobDetail>(`api/dashboard/jobs/${encodeURIComponent(name)}`)
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) {
          replaceContent(element, [
            h('p', { class: 'back' }, h('a', { href: '#/' }, '← All jobs')),
            heading,
            h('p', { role: 'alert' }, err.message),
          ])
          return
        }
        throw err
      }
      description.textContent = detail.job.description ?? ''
      description.hidden = !detail.job.description
      renderButtons(detail)
      replaceContent(
        factList,
        facts(detail, () => view.refresh()),
      )
      replaceContent(timeline, timelineView(detail.timeline, detail.job.timezone))
      if (!chart) {
        chart = new DurationChart(detail.job.timezone)
        chartSection.append(chart.element)
      }
      chart.update(detail.durations)
      // Live updates redraw the rows; what a person opened stays open (replaceContent), and opening again
      // fires 'toggle', which shows the kept output (or reads it again while the run was running).
      replaceContent(
        runsBody,
        detail.runs.map((r) => runRow(name, r, detail.job.timezone, outputs, () => view.refresh())),
      )
      runsEmpty.hidden = detail.runs.length > 0
    },
    wants: (event: DashboardEvent) => event.kind === 'config' || event.job === name,
    dispose: () => chart?.dispose(),
  }
  return view
}
