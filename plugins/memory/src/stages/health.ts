import type { Knex } from 'knex'
import { redact } from 'circadian'
import { BREAKER_PREFIX, type BreakerState } from '../llm/breaker.js'
import type { Stage, StageParams } from '../options/params.js'
import { num, select } from '../store/dialect.js'
import { ensureSchema } from '../store/migrate.js'
import { AlreadyApplied, type StageOutcome, applyOnce } from '../store/stage-runs.js'
import { T } from '../store/tables.js'
import type { StageEnv } from './env.js'
import { formatDuration, plural } from '../format.js'
import { noticeOnChange } from './health-notice.js'

export interface StageLag {
  stage: Stage
  lastSucceededAt: string | null
  lagMs: number
  maxLagMs: number
  late: boolean
}

/** Rows per table, by the plugin's own name for each store. */
export async function tableSizes(db: Knex): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {}
  for (const [name, table] of Object.entries(T)) {
    const [{ n }] = await select<{ n: unknown }>(db, `select count(*) as n from ${table}`)
    sizes[name] = num(n)
  }
  return sizes
}

/**
 * Lag = now - the stage's last success; for a stage that never succeeded, now - the store's creation (a new
 * store is not late). A stage is late when its lag exceeds its `maxLag`.
 */
export async function stageLags(db: Knex, p: StageParams['health'], now: number): Promise<StageLag[]> {
  const last = new Map(
    (
      await select<{ stage: string; at: unknown }>(
        db,
        `select stage, max(finished_at) as at from ${T.stageRuns} where status = 'done' group by stage`,
      )
    ).map((r) => [r.stage, num(r.at)]),
  )
  const created = num((await db(T.meta).where({ key: 'created_at' }).first('value'))?.value ?? now)
  return p.stages.map((stage) => {
    const at = last.get(stage)
    const lagMs = Math.max(0, now - (at ?? created))
    return {
      stage,
      lastSucceededAt: at ? new Date(at).toISOString() : null,
      lagMs,
      maxLagMs: p.maxLag[stage],
      late: lagMs > p.maxLag[stage],
    }
  })
}

function lateText(l: StageLag): string {
  return l.lastSucceededAt
    ? `${l.stage} last succeeded ${formatDuration(l.lagMs)} ago (limit ${formatDuration(l.maxLagMs)})`
    : `${l.stage} has not succeeded since the store was created ${formatDuration(l.lagMs)} ago (limit ${formatDuration(l.maxLagMs)})`
}

/**
 * Health: the store answers, how big each table is, and how long ago each watched stage last succeeded.
 * A degraded store is an 'alert' result: the core's notices say when it becomes degraded and recovers; ours
 * when it stays degraded in another way (noticeOnChange).
 */
export async function runHealth(env: StageEnv, p: StageParams['health']): Promise<StageOutcome | AlreadyApplied> {
  try {
    await ensureSchema(env.db, env.clock.now())
  } catch (err) {
    const problem = `the memory store cannot be reached: ${redact((err as Error).message)}`
    const notice = await noticeOnChange(env, {
      degraded: true,
      issues: ['unreachable'],
      problems: [problem],
      severity: 'critical',
      fields: { job: env.occ.job, reachable: false },
    })
    return {
      status: 'alert',
      summary: `degraded: ${problem}`,
      data: { reachable: false, problems: [problem], notice, path: 'rule-based' },
      rowsTouched: 0,
    }
  }
  const result = await applyOnce(env.db, env.occ, env.clock, env.signal, async (trx, now) => {
    const sizes = await tableSizes(trx)
    const lags = await stageLags(trx, p, now)
    const breakers = (await env.kv.list<BreakerState>(BREAKER_PREFIX)).filter(
      (b) => b.value.openUntil !== null && b.value.openUntil > now,
    )
    const problems = lags.filter((l) => l.late).map(lateText)
    const llm = breakers.length
      ? `; LLM breaker open: ${breakers.map((b) => b.key.slice(BREAKER_PREFIX.length)).join(', ')}`
      : ''
    return {
      status: problems.length ? 'alert' : 'ok',
      summary: problems.length
        ? `degraded: ${problems.join('; ')}`
        : `healthy: ${plural(lags.length, 'stage')} on time; ${plural(sizes.items, 'memory', 'memories')} (${sizes.working} working, ${sizes.shortTerm} short-term, ${sizes.longTerm} long-term, ${plural(sizes.associations, 'link')})${llm}`,
      data: {
        reachable: true,
        problems,
        sizes,
        lags,
        openBreakers: breakers.map((b) => ({ endpoint: b.key.slice(BREAKER_PREFIX.length), ...b.value })),
        path: 'rule-based',
      },
      rowsTouched: 0,
    }
  })
  if (result instanceof AlreadyApplied) return result
  const lags = result.data.lags as StageLag[]
  const late = lags.filter((l) => l.late).map((l) => l.stage)
  const sizes = result.data.sizes as Record<string, number>
  result.data.notice = await noticeOnChange(env, {
    degraded: late.length > 0,
    issues: late,
    problems: result.data.problems as string[],
    severity: 'warning',
    fields: { job: env.occ.job, reachable: true, lateStages: late.length, memories: sizes.items },
  })
  return result
}
