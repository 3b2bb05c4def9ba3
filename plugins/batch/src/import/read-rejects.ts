import type { Knex } from 'knex'
import { num } from '../db/dialect.js'
import { T } from '../db/tables.js'

export interface ImportWithRejects {
  runId: string
  job: string
  kind: string
  finishedAt: string
  rows: number
  accepted: number
  rejected: number
  rejects: Array<{ file: string; line: number; externalId: string | null; reason: string; record: string[] }>
}

/** The latest import of each job (or of `job`, or the import `runId`), with up to `limit` rejects each. */
export async function readRejects(
  db: Knex,
  filter: { job?: string; runId?: string; limit: number },
): Promise<ImportWithRejects[]> {
  let imports: Array<Record<string, unknown>>
  if (filter.runId) imports = await db(T.imports).where({ run_id: filter.runId })
  else {
    const latest = db(T.imports).max({ run_id: 'run_id' }).groupBy('job')
    if (filter.job) latest.where({ job: filter.job })
    imports = await db(T.imports).whereIn('run_id', latest).orderBy('job')
  }
  const out: ImportWithRejects[] = []
  for (const i of imports) {
    const rejects = (await db(T.rejects)
      .where({ run_id: i.run_id })
      .orderBy(['file', 'line', 'id'])
      .limit(filter.limit)) as Array<Record<string, unknown>>
    out.push({
      runId: String(i.run_id),
      job: String(i.job),
      kind: String(i.kind),
      finishedAt: String(i.finished_at),
      rows: num(i.row_count),
      accepted: num(i.accepted),
      rejected: num(i.rejected),
      rejects: rejects.map((r) => ({
        file: String(r.file),
        line: num(r.line),
        externalId: (r.external_id as string | null) ?? null,
        reason: String(r.reason),
        record: JSON.parse(String(r.record)) as string[],
      })),
    })
  }
  return out
}
