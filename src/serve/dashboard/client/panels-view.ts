/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { act, busy } from './actions.js'
import { getJson } from './api.js'
import { h, hidden, replaceContent } from './dom.js'
import { prompt } from './prompt.js'
import type { Panel, PanelInfo } from './types.js'

type Cell = Panel['rows'][number]['cells'][string]

function cellText(value: Cell): string {
  if (value === null) return '—'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value)
}

/** Plugin code runs for every read of the panels: live changes read them at most this often. */
const MIN_GAP_MS = 2000

/** Plugins' panels (dashboard-panels hook): one table each, with the actions each row offers. */
export class PanelsView {
  readonly element: HTMLElement
  private readonly sections = new Map<string, HTMLElement>()
  /** Each panel's section: hidden while the panel does not apply to serve's config (e.g. no sql-alert jobs). */
  private readonly outer = new Map<string, HTMLElement>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastRead = 0

  constructor(infos: PanelInfo[]) {
    this.element = h('div', { class: 'panels' })
    for (const info of infos) {
      const body = h('div', { class: 'panel-body' }, h('p', { class: 'muted' }, 'Loading…'))
      const section = h(
        'section',
        { class: 'panel', 'data-panel': info.id, 'aria-labelledby': `panel-${info.id}-title` },
        h('h2', { id: `panel-${info.id}-title` }, info.title),
        info.description ? h('p', { class: 'description' }, info.description) : null,
        body,
      )
      section.hidden = !info.shown
      this.outer.set(info.id, section)
      this.sections.set(info.id, body)
      this.element.append(section)
    }
  }

  /** Reads the panels again soon: at once if they have not been read for a while, else after the gap. */
  request(): void {
    if (this.timer !== null) return
    this.timer = setTimeout(
      () => {
        this.timer = null
        void this.refresh()
      },
      Math.max(0, this.lastRead + MIN_GAP_MS - Date.now()),
    )
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer)
  }

  async refresh(): Promise<void> {
    this.lastRead = Date.now()
    try {
      const { panels } = await getJson<{ panels: Panel[] }>('api/dashboard/panels')
      for (const panel of panels) {
        const body = this.sections.get(panel.id)
        const section = this.outer.get(panel.id)
        if (section) section.hidden = !panel.shown
        if (body && panel.shown) replaceContent(body, this.render(panel))
      }
    } catch (err) {
      for (const body of this.sections.values())
        replaceContent(body, [
          h(
            'p',
            { class: 'panel-error', role: 'alert' },
            `Could not read the panels: ${err instanceof Error ? err.message : String(err)}`,
          ),
        ])
    }
  }

  private render(panel: Panel): HTMLElement[] {
    if (panel.error) return [h('p', { class: 'panel-error', role: 'alert' }, `This panel failed: ${panel.error}`)]
    if (!panel.rows.length) return [h('p', { class: 'muted' }, 'Nothing to show.')]
    const hasActions = Object.keys(panel.actions).length > 0
    return [
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'panel-table responsive' },
          h('caption', { class: 'visually-hidden' }, panel.title),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              panel.columns.map((c) => h('th', { scope: 'col' }, c)),
              hasActions ? h('th', { scope: 'col' }, 'Actions') : null,
            ),
          ),
          h(
            'tbody',
            null,
            panel.rows.map((row) =>
              h(
                'tr',
                { 'data-key': row.key === null ? null : String(row.key) },
                panel.columns.map((c) => h('td', { 'data-label': c }, cellText(row.cells[c] ?? null))),
                hasActions
                  ? h(
                      'td',
                      { 'data-label': 'Actions', class: 'row-actions' },
                      row.actions.map((name) => {
                        const action = panel.actions[name]
                        const button: HTMLButtonElement = h(
                          'button',
                          {
                            type: 'button',
                            'data-action': name,
                            'data-focus-key': `panel:${panel.id}:${String(row.key)}:${name}`,
                            onclick: () => void busy(button, () => this.run(panel, name, row.key)),
                          },
                          action.label,
                          hidden(` ${String(row.key)}`),
                        )
                        return button
                      }),
                    )
                  : null,
              ),
            ),
          ),
        ),
      ),
    ]
  }

  private async run(panel: Panel, name: string, key: Panel['rows'][number]['key']): Promise<void> {
    const action = panel.actions[name]
    let input: string | undefined
    if (action.input) {
      const given = await prompt({
        title: action.label,
        help: `${panel.title}: ${String(key)}`,
        label: action.input.label,
        placeholder: action.input.placeholder ?? undefined,
        confirm: action.label,
      })
      if (given === null) return
      input = given
    }
    const done = await act<{ message: string }>(
      action.label,
      `api/dashboard/panels/${encodeURIComponent(panel.id)}/actions/${encodeURIComponent(name)}`,
      { key, input },
      (r) => r.message,
    )
    if (done) await this.refresh()
  }
}
