import { type BulkStatement, sqlLiteral } from '../db/bulk-insert.js'
import type { Dialect } from '../db/dialect.js'
import type { FeedSpec } from './feeds/spec.js'

/** Columns the import adds to every row after the feed's own. */
export const BOOKKEEPING = ['source', 'import_run', 'change_seq', 'status', 'first_seen_at', 'last_seen_at'] as const

/** `stored` and `incoming` hold the same value, NULL included (MySQL: byte for byte, not by its collation). */
function same(stored: string, incoming: string, dialect: Dialect): string {
  if (dialect === 'mysql') return `cast(${stored} as binary) <=> cast(${incoming} as binary)`
  return dialect === 'pg' ? `${stored} is not distinct from ${incoming}` : `${stored} is ${incoming}`
}

/**
 * Insert-or-update by the feed's key. `change_seq` moves only when a value or the status changed, so a
 * re-import of the same feed leaves nothing for the next score to recompute; `first_seen_at` is kept.
 * The database compares the stored columns with the incoming ones, only for rows that exist: a new row
 * costs nothing for it. (MySQL applies the assignments left to right, so change_seq comes first.)
 */
export function feedUpsert(
  spec: FeedSpec,
  run: { runId: string; seq: number; status: string; now: string },
): BulkStatement {
  const columns = [...spec.columns, ...BOOKKEEPING]
  const content = spec.columns.filter((c) => !spec.key.includes(c))
  const updated = [...content, 'source', 'import_run', 'status', 'last_seen_at']
  const keyIndexes = spec.key.map((k) => spec.columns.indexOf(k))
  const t = spec.table
  const upsert = (values: string, dialect: Dialect): string => {
    const insert = `insert into ${t} (${columns.join(', ')}) values ${values}`
    if (dialect === 'mysql') {
      const unchanged = ['status', ...content].map((c) => same(c, `values(${c})`, dialect)).join(' and ')
      const seq = `change_seq = case when ${unchanged} then change_seq else values(change_seq) end`
      return `${insert} on duplicate key update ${[seq, ...updated.map((c) => `${c} = values(${c})`)].join(', ')}`
    }
    const unchanged = ['status', ...content].map((c) => same(`${t}.${c}`, `excluded.${c}`, dialect)).join(' and ')
    const seq = `change_seq = case when ${unchanged} then ${t}.change_seq else excluded.change_seq end`
    return `${insert} on conflict (${spec.key.join(', ')}) do update set ${[seq, ...updated.map((c) => `${c} = excluded.${c}`)].join(', ')}`
  }
  return {
    table: t,
    columns,
    // Rows carry the feed's values and the source (user text, so bound).
    fixed: {
      import_run: run.runId,
      change_seq: run.seq,
      status: run.status,
      first_seen_at: run.now,
      last_seen_at: run.now,
    },
    keyOf: (values) => keyIndexes.map((i) => String(values[i])).join('\u0001'),
    sql: upsert,
    firstWriteSql: (values) => `${upsert(values, 'sqlite')} where ${t}.import_run <> ${sqlLiteral(run.runId)}`,
  }
}
