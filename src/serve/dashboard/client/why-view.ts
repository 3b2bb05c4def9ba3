/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { getJson, jobPath } from './api.js'
import { h, replaceContent } from './dom.js'

interface ExplainStep {
  step: string
  verdict: 'pass' | 'fail' | 'warn' | 'info'
  detail: string
}

const MARK = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO' } as const

/** Runs worth a "Why?": not run, cut short, or started late. */
export const wantsWhy = (run: { status: string; latenessMs: number | null }) =>
  ['skipped', 'missed', 'interrupted'].includes(run.status) || (run.latenessMs ?? 0) > 60_000

/**
 * A "Why?" disclosure: opened, it loads the same explanation as `circadian explain` (from /api/.../explain)
 * and lists its steps, the verdict in words. Text goes in as text nodes, never as HTML.
 */
function why(path: string, key: string): HTMLElement {
  const list = h('ol', { class: 'why-steps' })
  const box: HTMLDetailsElement = h(
    'details',
    { class: 'why' },
    h('summary', { 'data-focus-key': `why:${key}` }, 'Why?'),
    list,
  )
  let loaded = false
  box.addEventListener('toggle', () => {
    if (!box.open || loaded) return
    loaded = true
    replaceContent(list, [h('li', null, 'Loading…')])
    getJson<{ steps: ExplainStep[] }>(path).then(
      (e) =>
        replaceContent(
          list,
          e.steps.map((s) =>
            h(
              'li',
              { class: `why-${s.verdict}`, 'data-step': s.step },
              h('strong', null, `${MARK[s.verdict] ?? s.verdict} ${s.step}: `),
              s.detail,
            ),
          ),
        ),
      (err: Error) => {
        loaded = false
        replaceContent(list, [h('li', { role: 'alert' }, err.message)])
      },
    )
  })
  return box
}

export const whyRun = (runId: string) => why(`api/runs/${encodeURIComponent(runId)}/explain`, runId)
export const whyAt = (job: string, at: string) =>
  why(`${jobPath(job)}/explain?at=${encodeURIComponent(at)}`, `${job}@${at}`)
