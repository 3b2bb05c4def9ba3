import type { ValidatedConfig } from '../../config/model.js'
import { redact } from '../../reliability/redact.js'
import type { PluginKeyValue } from '../../run/job-type.js'
import type { Store } from '../../state/store.js'
import {
  type DashboardPanelContext,
  type PanelRow,
  type PanelValue,
  type RegisteredPanel,
  rowKeyOf,
} from './panel-contract.js'

/** A plugin's rows or action taking longer than this is reported as failed; the page does not wait on it. */
const PANEL_TIMEOUT_MS = 10_000

export class PanelError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message)
  }
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${PANEL_TIMEOUT_MS / 1000}s`)),
      PANEL_TIMEOUT_MS,
    )
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

const message = (err: unknown) => redact(err instanceof Error ? err.message : String(err))

function cell(value: unknown): PanelValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return redact(value)
  if (typeof value === 'number' || typeof value === 'boolean') return value
  return redact(JSON.stringify(value) ?? String(value))
}

function kvFor(store: Store, namespace: string): PluginKeyValue {
  const kv = store.kv
  return {
    get: (key) => kv.get(namespace, key),
    set: (key, value) => kv.set(namespace, key, value, new Date().toISOString()),
    delete: (key) => kv.delete(namespace, key),
    list: (prefix) => kv.list(namespace, prefix),
  }
}

/** The plugins' panels as the page shows them: rows redacted, each row with the actions it offers. */
export class Panels {
  constructor(
    private readonly registered: RegisteredPanel[],
    private readonly store: Store,
    private readonly config: () => ValidatedConfig,
  ) {}

  get count(): number {
    return this.registered.length
  }

  /** Whether a panel applies to the config serve runs now; a failing `shown` shows the panel (its rows say what is wrong). */
  private shown(panel: RegisteredPanel['panel']): boolean {
    try {
      return panel.shown ? panel.shown(this.config()) !== false : true
    } catch {
      return true
    }
  }

  list() {
    return this.registered.map(({ panel }) => ({
      id: panel.id,
      title: panel.title,
      description: panel.description ?? null,
      shown: this.shown(panel),
    }))
  }

  private context(plugin: string): DashboardPanelContext {
    return { store: this.store, config: this.config(), kv: kvFor(this.store, plugin) }
  }

  private async rowsOf(entry: RegisteredPanel): Promise<PanelRow[]> {
    const rows = await withTimeout(
      Promise.resolve(entry.panel.rows(this.context(entry.plugin))),
      `panel "${entry.panel.id}"`,
    )
    if (!Array.isArray(rows)) throw new Error(`panel "${entry.panel.id}": rows() returned ${typeof rows}, not an array`)
    return rows.filter((r) => r && typeof r === 'object')
  }

  /** Every panel's table; a panel whose rows fail shows its error instead. */
  async read() {
    return Promise.all(
      this.registered.map(async (entry) => {
        const { panel } = entry
        const actions = Object.fromEntries(
          Object.entries(panel.actions ?? {}).map(([name, a]) => [name, { label: a.label, input: a.input ?? null }]),
        )
        const base = {
          id: panel.id,
          title: panel.title,
          description: panel.description ?? null,
          actions,
          shown: this.shown(panel),
        }
        if (!base.shown) return { ...base, columns: [], rows: [], error: null }
        try {
          const rows = await this.rowsOf(entry)
          const key = rowKeyOf(panel, rows)
          const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
          return {
            ...base,
            columns,
            rows: rows.map((row) => ({
              key: key === null ? null : cell(row[key]),
              cells: Object.fromEntries(columns.map((c) => [c, cell(row[c])])),
              actions: Object.entries(panel.actions ?? {})
                .filter(([, a]) => {
                  try {
                    return a.available ? a.available(row) !== false : true
                  } catch {
                    return false
                  }
                })
                .map(([name]) => name),
            })),
            error: null,
          }
        } catch (err) {
          return { ...base, columns: [], rows: [], error: message(err) }
        }
      }),
    )
  }

  /** Runs an action on the row whose key is `key`, read afresh (the page's copy may be stale). */
  async act(panelId: string, actionName: string, key: unknown, input: string | undefined): Promise<string> {
    const entry = this.registered.find((p) => p.panel.id === panelId)
    if (!entry) throw new PanelError(404, `no dashboard panel "${panelId}"`)
    const action = entry.panel.actions?.[actionName]
    if (!action || !Object.hasOwn(entry.panel.actions!, actionName))
      throw new PanelError(404, `panel "${panelId}" has no action "${actionName}"`)
    const rows = await this.rowsOf(entry).catch((err) => {
      throw new PanelError(502, message(err))
    })
    const column = rowKeyOf(entry.panel, rows)
    const row = column === null ? undefined : rows.find((r) => String(r[column]) === String(key))
    if (!row) throw new PanelError(404, 'that row is no longer there (the panel changed); look again')
    if (action.available && !action.available(row))
      throw new PanelError(409, `"${action.label}" does not apply to that row any more`)
    if (action.input && !input?.trim()) throw new PanelError(400, `${action.input.label} is required`)
    try {
      const result = await withTimeout(
        Promise.resolve(action.run(this.context(entry.plugin), row, { input })),
        `"${action.label}"`,
      )
      return typeof result === 'string' && result ? redact(result) : `${action.label}: done`
    } catch (err) {
      throw new PanelError(422, `${action.label} failed: ${message(err)}`)
    }
  }
}
