/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { getJson } from './api.js'
import { badge, statusLabel } from './badge.js'
import { h, replaceContent } from './dom.js'
import { shortLocalTime, relative } from './format.js'
import { PanelsView } from './panels-view.js'
import type { DashboardEvent, JobRow, Meta } from './types.js'
import type { View } from './view.js'

const STATUS_FILTERS: Array<[string, string]> = [
  ['', 'Any status'],
  ['running', 'Running now'],
  ['paused', 'Paused'],
  ['failing', 'Failing (streak)'],
  ...['succeeded', 'failed', 'alert', 'skipped', 'timed_out', 'interrupted', 'missed'].map((s): [string, string] => [
    s,
    `Last run ${statusLabel(s)}`,
  ]),
  ['never', 'No runs yet'],
]

// Kept across visits to a job's page, so "back" finds the list as it was left.
const filters = { text: '', type: '', status: '' }

function matches(job: JobRow): boolean {
  const text = filters.text.trim().toLowerCase()
  if (
    text &&
    ![job.job, job.type, job.scheduleWords, job.cron ?? '', job.description ?? '', job.timezone].some((v) =>
      v.toLowerCase().includes(text),
    )
  )
    return false
  if (filters.type && job.type !== filters.type) return false
  switch (filters.status) {
    case '':
      return true
    case 'running':
      return job.running > 0
    case 'paused':
      return job.paused
    case 'failing':
      return job.consecutiveFailures > 0
    case 'never':
      return !job.lastRun
    default:
      return job.lastRun?.status === filters.status
  }
}

/** The time in the job's zone and how far away it is; the relative part ticks (see main.ts). */
export function fireTime(iso: string, zone: string): HTMLElement {
  return h(
    'span',
    { class: 'fire' },
    h('time', { datetime: iso, title: `${iso} (UTC)` }, shortLocalTime(iso, zone)),
    ' ',
    h('span', { class: 'relative', 'data-relative': iso }, relative(iso)),
  )
}

function nextFireCell(job: JobRow): HTMLElement | string {
  if (!job.enabled) return h('span', { class: 'muted' }, 'disabled')
  if (job.paused) return h('span', { class: 'muted' }, '— paused')
  if (job.nextFire) return fireTime(job.nextFire, job.timezone)
  return h('span', { class: 'muted' }, job.every || job.cron ? '—' : 'not scheduled')
}

export function scheduleCell(job: JobRow): HTMLElement {
  const raw = job.cron ?? null
  return h(
    'span',
    { class: 'schedule' },
    h('span', { class: 'schedule-words' }, job.scheduleWords),
    raw && raw !== job.scheduleWords ? h('code', { class: 'cron', title: 'cron expression' }, raw) : null,
  )
}

function row(job: JobRow): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-job': job.job },
    h(
      'th',
      { scope: 'row', 'data-label': 'Job' },
      h('a', { href: `#/jobs/${encodeURIComponent(job.job)}`, 'data-focus-key': `job:${job.job}` }, job.job),
      job.description ? h('span', { class: 'description' }, job.description) : null,
    ),
    h('td', { 'data-label': 'Type' }, job.type),
    h('td', { 'data-label': 'Schedule' }, scheduleCell(job)),
    h('td', { 'data-label': 'Time zone' }, job.timezone),
    h('td', { 'data-label': 'Next fire', class: 'next-fire' }, nextFireCell(job)),
    h(
      'td',
      { 'data-label': 'Last run', class: 'last-run' },
      job.lastRun ? badge(job.lastRun.status ?? 'unknown') : badge('never'),
    ),
    h(
      'td',
      { 'data-label': 'Failures in a row', class: job.consecutiveFailures ? 'failures failing' : 'failures' },
      String(job.consecutiveFailures),
    ),
    h('td', { 'data-label': 'Paused', class: 'paused' }, job.paused ? badge('paused', job.pauseReason) : 'no'),
    h(
      'td',
      { 'data-label': 'Running now', class: 'running' },
      job.running ? badge('running', job.running > 1 ? `${job.running}` : null) : 'no',
    ),
  )
}

/** The list of jobs, with filters, and the plugins' panels under it. */
export function jobsView(meta: Meta): View {
  let jobs: JobRow[] = []
  const heading = h('h1', { tabindex: '-1' }, 'Jobs')
  const count = h('p', { class: 'count', 'aria-live': 'polite' })
  const body = h('tbody')
  const empty = h('p', { class: 'empty', hidden: true }, 'No job matches these filters.')
  const typeSelect = h('select', { id: 'filter-type', name: 'type' })
  const render = () => {
    const shown = jobs.filter(matches)
    replaceContent(body, shown.map(row))
    count.textContent = `${shown.length} of ${jobs.length} job${jobs.length === 1 ? '' : 's'}`
    empty.hidden = shown.length > 0 || jobs.length === 0
  }
  const onFilter = (e: Event) => {
    const target = e.target as HTMLInputElement | HTMLSelectElement
    if (target.name in filters) filters[target.name as keyof typeof filters] = target.value
    render()
  }
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter jobs',
      onsubmit: (e: Event) => e.preventDefault(),
      oninput: onFilter,
      onchange: onFilter,
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'filter-text' }, 'Search'),
      h('input', {
        id: 'filter-text',
        name: 'text',
        type: 'search',
        value: filters.text,
        placeholder: 'name, schedule, description…',
        autocomplete: 'off',
      }),
    ),
    h('div', { class: 'field' }, h('label', { for: 'filter-type' }, 'Type'), typeSelect),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'filter-status' }, 'Status'),
      h(
        'select',
        { id: 'filter-status', name: 'status' },
        STATUS_FILTERS.map(([value, label]) => h('option', { value, selected: value === filters.status }, label)),
      ),
    ),
  )
  const table = h(
    'table',
    { class: 'jobs responsive' },
    h('caption', { class: 'visually-hidden' }, 'Jobs, their schedules and their last runs'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [
          'Job',
          'Type',
          'Schedule',
          'Time zone',
          'Next fire',
          'Last run',
          'Failures in a row',
          'Paused',
          'Running now',
        ].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    body,
  )
  const panels = meta.panels.length ? new PanelsView(meta.panels) : null
  const element = h(
    'div',
    { class: 'jobs-view' },
    heading,
    form,
    count,
    h('div', { class: 'table-wrap' }, table),
    empty,
    panels?.element,
  )

  const syncTypes = () => {
    const types = [...new Set(jobs.map((j) => j.type))].sort()
    if (filters.type && !types.includes(filters.type)) types.push(filters.type)
    const options = [
      h('option', { value: '' }, 'Any type'),
      ...types.map((t) => h('option', { value: t, selected: t === filters.type }, t)),
    ]
    if ([...typeSelect.options].map((o) => o.value).join() !== ['', ...types].join())
      typeSelect.replaceChildren(...options)
  }

  let first = true
  return {
    heading,
    element,
    title: 'Jobs',
    async refresh() {
      const [data] = await Promise.all([
        getJson<{ jobs: JobRow[] }>('api/dashboard/jobs'),
        first ? panels?.refresh() : undefined,
      ])
      first = false
      jobs = data.jobs
      syncTypes()
      render()
    },
    wants(event: DashboardEvent) {
      if (event.kind === 'health') return false
      // A run starting changes no panel; anything that ends or changes state may.
      if (event.kind !== 'started') panels?.request()
      return event.kind !== 'panel'
    },
    dispose: () => panels?.dispose(),
  }
}
