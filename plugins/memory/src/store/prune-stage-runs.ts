import type { PruneContext } from 'circadian'
import { num } from './dialect.js'
import { T } from './tables.js'

/**
 * The job's stage-run records past the core's retention policy: kept while younger than maxAge OR among the
 * job's newest keepPerJob; a running one is never touched. Deleted 500 at a time, oldest first. A record
 * only makes a repeat of its occurrence a no-op, and occurrences that old are never repeated.
 */
export async function pruneStageRuns(ctx: PruneContext, connection: string): Promise<{ deleted: number }> {
  const db = ctx.db(connection)
  if (!(await db.schema.hasTable(T.stageRuns))) return { deleted: 0 }
  const boundary = await db(T.stageRuns)
    .where({ job: ctx.job })
    .orderBy('id', 'desc')
    .offset(ctx.policy.keepPerJob - 1)
    .first('id')
  if (!boundary) return { deleted: 0 }
  const old = () =>
    db(T.stageRuns)
      .where({ job: ctx.job })
      .andWhere('id', '<', num(boundary.id))
      .andWhere('started_at', '<', ctx.now - ctx.policy.maxAge)
      .andWhereNot({ status: 'running' })
  if (ctx.dryRun) return { deleted: num((await old().count({ n: '*' }).first())?.n ?? 0) }
  let deleted = 0
  while (!ctx.signal.aborted) {
    const ids = (await old().orderBy('id').limit(500).select('id')).map((r: { id: unknown }) => num(r.id))
    if (!ids.length) break
    deleted += num(await db(T.stageRuns).whereIn('id', ids).delete())
    await new Promise((r) => setTimeout(r, 10))
  }
  return { deleted }
}
