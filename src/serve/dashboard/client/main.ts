/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { setTokenRequired } from './actions.js'
import { HttpError, getJson, listen } from './api.js'
import { byId, h } from './dom.js'
import { relative } from './format.js'
import { refreshHealth } from './health-strip.js'
import { jobView } from './job-view.js'
import { jobsView } from './jobs-view.js'
import { notice } from './notices.js'
import type { DashboardEvent, Meta } from './types.js'
import type { View } from './view.js'

const MIN_REFRESH_GAP_MS = 300
/** The health strip is read this often, and on changes (a run ending may open a breaker or add a dead letter) at most every HEALTH_GAP_MS. */
const HEALTH_EVERY_MS = 5000
const HEALTH_GAP_MS = 1000

/**
 * Calls `work` when asked, never twice at once and at most every MIN_REFRESH_GAP_MS: a burst of events
 * (several jobs firing every second) becomes one fetch, and the last event is never lost.
 */
function coalesce(work: () => Promise<void>, gapMs = MIN_REFRESH_GAP_MS): () => void {
  let running = false
  let again = false
  const run = async () => {
    running = true
    again = false
    try {
      await work()
    } catch (err) {
      notice('error', `Could not refresh: ${err instanceof Error ? err.message : String(err)}`)
    }
    setTimeout(() => {
      running = false
      if (again) void run()
    }, gapMs)
  }
  return () => {
    if (running) again = true
    else void run()
  }
}

function route(meta: Meta): View {
  const match = /^#\/jobs\/(.+)$/.exec(location.hash)
  return match ? jobView(decodeURIComponent(match[1])) : jobsView(meta)
}

async function start(): Promise<void> {
  const main = byId('main')
  const strip = byId('health')
  const liveStatus = byId('live-status')
  const meta = await getJson<Meta>('api/dashboard/meta')
  setTokenRequired(meta.tokenRequired)

  let view: View | null = null
  const refresh = coalesce(async () => {
    if (view) await view.refresh()
  })
  const show = async (focus: boolean) => {
    view?.dispose()
    view = route(meta)
    main.replaceChildren(view.element)
    document.title = `${view.title} · circadian`
    await view.refresh()
    if (focus) view.heading.focus()
  }

  window.addEventListener('hashchange', () => {
    // Only "#/..." is a page; other fragments (the skip link's) stay in-page jumps.
    if (location.hash === '' || location.hash.startsWith('#/')) void show(true)
  })
  byId('skip-link').addEventListener('click', (e) => {
    e.preventDefault()
    main.focus()
  })

  const health = coalesce(() => refreshHealth(strip), HEALTH_GAP_MS)
  let everLive = false
  listen(
    (event: DashboardEvent) => {
      if (view?.wants(event)) refresh()
      if (event.kind === 'config' || event.kind === 'health' || event.kind === 'outcome') health()
    },
    (state) => {
      liveStatus.replaceChildren(
        h('span', { class: `live-dot ${state}`, 'aria-hidden': 'true' }),
        state === 'live' ? 'Live' : 'Reconnecting…',
      )
      // After a dropped stream, changes may have been missed: read everything again, as after a reload.
      if (state === 'live' && everLive && view?.wants({ kind: 'config' })) refresh()
      if (state === 'live') everLive = true
    },
  )

  // Relative times ("in 3 s") move with the clock between refreshes.
  setInterval(() => {
    for (const el of document.querySelectorAll<HTMLElement>('[data-relative]'))
      el.textContent = relative(el.dataset.relative!)
  }, 1000)
  setInterval(health, HEALTH_EVERY_MS)
  health()
  await show(false)
}

start().catch((err) => {
  const again = err instanceof HttpError && err.status === 401 ? ' Reload the page to give the token again.' : ''
  byId('main').replaceChildren(
    h('h1', null, 'circadian'),
    h(
      'p',
      { role: 'alert' },
      `The dashboard could not start: ${err instanceof Error ? err.message : String(err)}.${again}`,
    ),
  )
})
