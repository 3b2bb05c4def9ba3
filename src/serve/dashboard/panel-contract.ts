import type { ValidatedConfig } from '../../config/model.js'
import type { PluginKeyValue } from '../../run/job-type.js'
import type { Store } from '../../state/store.js'

/** One cell of a panel's table. */
export type PanelValue = string | number | boolean | null
export type PanelRow = Record<string, PanelValue>

/** What a panel's `rows` and its actions get. */
export interface DashboardPanelContext {
  /** serve's state store (the same one its runs are recorded in). */
  store: Store
  /** The config serve is running now (it changes on hot reload). */
  config: ValidatedConfig
  /** The plugin's own key-value state: the namespace its job types' `ctx.kv` uses. */
  kv: PluginKeyValue
}

export interface DashboardPanelAction {
  /** The button's text ("Silence"). */
  label: string
  /** Asks the person for a value first (a duration, a note); it arrives as `body.input`. */
  input?: { label: string; placeholder?: string }
  /** Whether the button is shown on this row (default: on every row). */
  available?(row: PanelRow): boolean
  /** Does the action. A returned string is shown to the person; a thrown error is shown as the refusal. */
  run(ctx: DashboardPanelContext, row: PanelRow, body: { input?: string }): Promise<string | void> | string | void
}

/**
 * A table a plugin adds to the dashboard, through the oclif hook `dashboard-panels` (its default export
 * returns a panel, an array of them, or nothing).
 */
export interface DashboardPanel {
  /** Unique across plugins: letters, digits, `-` and `_`. */
  id: string
  title: string
  description?: string
  /** The column that identifies a row for actions (default `id` when rows have one, else the first column). */
  rowKey?: string
  rows(ctx: DashboardPanelContext): Promise<PanelRow[]>
  /** Whether the panel applies to the config serve runs now (default: always); a panel that does not is hidden. */
  shown?(config: ValidatedConfig): boolean
  actions?: Record<string, DashboardPanelAction>
}

export interface RegisteredPanel {
  panel: DashboardPanel
  /** The plugin's package name (its kv namespace). */
  plugin: string
}

export interface GatheredPanels {
  panels: RegisteredPanel[]
  /** One line per plugin problem (a failing hook, a malformed panel, a clashing id); the rest still load. */
  warnings: string[]
}

const PANEL_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

/** Why `value` is not a usable panel, or null when it is. */
function panelProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object') return 'is not an object'
  const p = value as Record<string, unknown>
  if (typeof p.id !== 'string' || !PANEL_ID.test(p.id)) return 'needs an id of letters, digits, "-" and "_"'
  if (typeof p.title !== 'string' || !p.title) return `"${p.id}" needs a title`
  if (typeof p.rows !== 'function') return `"${p.id}" needs a rows(ctx) function`
  if (p.rowKey !== undefined && typeof p.rowKey !== 'string') return `"${p.id}": rowKey must be a column name`
  if (p.shown !== undefined && typeof p.shown !== 'function') return `"${p.id}": shown must be a function of the config`
  if (p.actions !== undefined) {
    if (!p.actions || typeof p.actions !== 'object') return `"${p.id}": actions must be an object`
    for (const [name, action] of Object.entries(p.actions)) {
      const a = action as Record<string, unknown> | null
      if (!PANEL_ID.test(name)) return `"${p.id}": action name "${name}" must be letters, digits, "-" and "_"`
      if (!a || typeof a.label !== 'string' || typeof a.run !== 'function')
        return `"${p.id}": action "${name}" needs a label and a run(ctx, row, body) function`
    }
  }
  return null
}

/** Every plugin's answer to the `dashboard-panels` hook, checked; a bad answer costs only that plugin. */
export function gatherPanels(
  successes: Array<{ plugin: string; result: unknown }>,
  failures: Array<{ plugin: string; error: unknown }> = [],
): GatheredPanels {
  const gathered: GatheredPanels = { panels: [], warnings: [] }
  for (const { plugin, error } of failures) {
    gathered.warnings.push(
      `plugin ${plugin}: its dashboard-panels hook failed: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  const owner = new Map<string, string>()
  for (const { plugin, result } of successes) {
    if (result === undefined || result === null) continue
    for (const candidate of Array.isArray(result) ? result : [result]) {
      const problem = panelProblem(candidate)
      if (problem) {
        gathered.warnings.push(`plugin ${plugin}: a dashboard panel ${problem}; it is not shown`)
        continue
      }
      const panel = candidate as DashboardPanel
      const taken = owner.get(panel.id)
      if (taken) {
        gathered.warnings.push(
          `plugin ${plugin}: dashboard panel "${panel.id}" is already added by ${taken}; it is not shown`,
        )
        continue
      }
      owner.set(panel.id, plugin)
      gathered.panels.push({ panel, plugin })
    }
  }
  return gathered
}

/** The column that identifies a row: the panel's rowKey, else `id` if present, else the first column. */
export function rowKeyOf(panel: DashboardPanel, rows: PanelRow[]): string | null {
  if (panel.rowKey) return panel.rowKey
  const first = rows[0]
  if (!first) return null
  return 'id' in first ? 'id' : (Object.keys(first)[0] ?? null)
}
