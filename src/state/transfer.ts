import type { Knex } from 'knex'
import { UserError } from '../errors.js'
import { MIGRATIONS } from './migrate.js'

/** Tables moved by export/import, parents before children. Instances and migrations are not state to move. */
const TABLES: Array<{ name: string; key: string[]; serial?: boolean; booleans?: string[] }> = [
  { name: 'job_state', key: ['job'], booleans: ['paused'] },
  { name: 'runs', key: ['id'] },
  { name: 'run_attempts', key: ['run_id', 'attempt'] },
  { name: 'kv', key: ['namespace', 'key'] },
  { name: 'breakers', key: ['name'] },
  { name: 'dead_letters', key: ['id'], serial: true },
  { name: 'notifications', key: ['id'], serial: true },
  { name: 'notices', key: ['id'], serial: true },
  { name: 'actions', key: ['id'], serial: true },
  { name: 'requests', key: ['id'], serial: true },
]

const PAGE = 1000
const CHUNK = 200

export interface ExportHeader {
  circadian: 'state'
  version: 1
  exportedAt: string
  migrations: string[]
}

/** The whole state as JSON lines: a header, then one `{ table, row }` line per row. */
export async function* exportState(knex: Knex): AsyncGenerator<string> {
  const header: ExportHeader = {
    circadian: 'state',
    version: 1,
    exportedAt: new Date().toISOString(),
    migrations: MIGRATIONS.map((m) => m.name),
  }
  yield JSON.stringify(header)
  for (const table of TABLES) {
    for (let offset = 0; ; offset += PAGE) {
      const rows: Array<Record<string, unknown>> = await knex(table.name)
        .orderBy(table.key.map((column) => ({ column })))
        .limit(PAGE)
        .offset(offset)
      for (const row of rows) {
        for (const b of table.booleans ?? []) row[b] = Boolean(row[b])
        yield JSON.stringify({ table: table.name, row })
      }
      if (rows.length < PAGE) break
    }
  }
}

/**
 * Reads an export into this store (already migrated). Rows whose key exists are left as they are, so an
 * import can be repeated. Returns rows read and inserted per table.
 */
export async function importState(
  knex: Knex,
  lines: AsyncIterable<string>,
): Promise<Record<string, { read: number; inserted: number }>> {
  const counts: Record<string, { read: number; inserted: number }> = {}
  const pending = new Map<string, Array<Record<string, unknown>>>()
  const byName = new Map(TABLES.map((t) => [t.name, t]))
  const flush = async (name: string) => {
    const rows = pending.get(name) ?? []
    if (!rows.length) return
    pending.set(name, [])
    const table = byName.get(name)!
    const before = await count(knex, name)
    await knex(name).insert(rows).onConflict(table.key).ignore()
    counts[name].inserted += (await count(knex, name)) - before
  }
  let lineNo = 0
  let sawHeader = false
  for await (const raw of lines) {
    lineNo++
    const line = raw.trim()
    if (!line) continue
    let parsed: { table?: string; row?: Record<string, unknown>; circadian?: string; version?: number }
    try {
      parsed = JSON.parse(line)
    } catch {
      throw new UserError(`line ${lineNo}: not JSON (an export has one JSON object per line)`)
    }
    if (!sawHeader) {
      if (parsed.circadian !== 'state')
        throw new UserError(`line ${lineNo}: not a circadian state export (the first line should be its header)`)
      if (parsed.version !== 1)
        throw new UserError(`line ${lineNo}: export version ${parsed.version} is not supported (expected 1)`)
      sawHeader = true
      continue
    }
    const table = parsed.table ? byName.get(parsed.table) : undefined
    if (!table || !parsed.row || typeof parsed.row !== 'object')
      throw new UserError(
        `line ${lineNo}: expected { "table": one of ${TABLES.map((t) => t.name).join(', ')}, "row": {...} }`,
      )
    counts[table.name] ??= { read: 0, inserted: 0 }
    counts[table.name].read++
    const list = pending.get(table.name) ?? []
    list.push(parsed.row)
    pending.set(table.name, list)
    if (list.length >= CHUNK) await flush(table.name)
  }
  if (!sawHeader) throw new UserError('the file is empty (an export starts with a header line)')
  // Children reference parents: flush in table order.
  for (const t of TABLES) if (counts[t.name]) await flush(t.name)
  if (knex.client.config.client === 'pg') {
    // Ids were kept; move PostgreSQL's sequences past them.
    for (const t of TABLES.filter((x) => x.serial)) {
      await knex.raw(
        `select setval(pg_get_serial_sequence(?, 'id'), greatest(coalesce((select max(id) from ??), 0), 1))`,
        [t.name, t.name],
      )
    }
  }
  return counts
}

async function count(knex: Knex, table: string): Promise<number> {
  const row = await knex(table).count({ n: '*' }).first()
  return Number(row?.n ?? 0)
}
