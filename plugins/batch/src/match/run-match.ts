import { type JobContext, type RunResult, parseDuration } from 'circadian'
import { bulkSink, insertStatement } from '../db/bulk-insert.js'
import { ID_PAGE, num } from '../db/dialect.js'
import { ensureSchema } from '../db/schema.js'
import { T } from '../db/tables.js'
import { withWriteTransaction } from '../db/transaction.js'
import type { MatchOptions } from '../job-types/match-options.js'
import { loadCandidates, recentlyAppliedCompanies } from './load-candidates.js'
import { beginSet, publishSet } from './recommendation-sets.js'
import { RECOMMENDATIONS_PER_USER, type SectionRules, selectRecommendations } from './sections.js'

const COLUMNS = [
  'run_id',
  'user_id',
  'rank_no',
  'section',
  'position',
  'listing_id',
  'composite',
  'basic',
  'seo',
  'personalized',
  'filled',
]

export interface MatchReport {
  runId: string
  published: 'current' | 'superseded' | 'not written'
  users: number
  complete: number
  short: Array<{ user: string; recommendations: number }>
  shortUsers: number
  rows: number
  excludedByApplication: number
  seconds: number
}

function summaryOf(r: MatchReport): string {
  if (r.published === 'not written') return 'no scored users yet: run the batch-score job first'
  const set = r.published === 'superseded' ? ' (a newer run had already published; this set was dropped)' : ''
  if (!r.shortUsers)
    return `${RECOMMENDATIONS_PER_USER} recommendations for each of ${r.users.toLocaleString('en-US')} users${set}`
  return `recommendations for ${r.users.toLocaleString('en-US')} users: ${r.complete.toLocaleString('en-US')} with ${RECOMMENDATIONS_PER_USER}, ${r.shortUsers.toLocaleString('en-US')} with fewer (not enough eligible listings)${set}`
}

/**
 * One match run: every active user's recommendations chosen from their scored pairs (minus companies they
 * recently applied to), written under the run id, then published in one transaction.
 */
export async function runMatch(ctx: JobContext, options: MatchOptions): Promise<RunResult> {
  const db = ctx.db(options.connection)
  await ensureSchema(db)
  const started = performance.now()
  const now = ctx.clock.now()
  const rules: SectionRules = {
    highIncomeMin: options.highIncomeMin,
    newSince: new Date(now - parseDuration(options.newWithin)!).toISOString(),
  }
  const appliedSince = new Date(now - parseDuration(options.excludeAppliedWithin)!).toISOString()
  const runId = ctx.run.id

  const outcome = await withWriteTransaction(
    db,
    ctx.signal,
    async (trx) => {
      const report: MatchReport = {
        runId,
        published: 'not written',
        users: 0,
        complete: 0,
        short: [],
        shortUsers: 0,
        rows: 0,
        excludedByApplication: 0,
        seconds: 0,
      }
      if (!(await trx(T.pairScores).first('user_id'))) return { report, written: false }
      await beginSet(trx, { runId, job: ctx.run.job, startedAt: new Date(now).toISOString(), now })
      const sink = await bulkSink(trx, insertStatement(T.recommendations, COLUMNS))
      let after = 0
      for (;;) {
        if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted')
        const users = (await trx(T.users)
          .where({ status: 'active' })
          .where('id', '>', after)
          .orderBy('id')
          .limit(ID_PAGE)
          .select('id', 'external_id')) as Array<{ id: number; external_id: string }>
        if (!users.length) break
        after = num(users[users.length - 1].id)
        const candidates = await loadCandidates(
          trx,
          users.map((u) => num(u.id)),
        )
        const applied = await recentlyAppliedCompanies(
          trx,
          users.map((u) => u.external_id),
          appliedSince,
        )
        for (const user of users) {
          const all = candidates.get(num(user.id)) ?? []
          const excluded = applied.get(user.external_id)
          const eligible = excluded ? all.filter((c) => !excluded.has(c.companyKey)) : all
          report.excludedByApplication += all.length - eligible.length
          const picks = selectRecommendations(eligible, rules)
          for (const p of picks) {
            const c = p.candidate
            await sink.write([
              runId,
              num(user.id),
              p.rank,
              p.section,
              p.position,
              c.listingId,
              c.composite,
              c.basic,
              c.seo,
              c.personalized,
              p.filled,
            ])
          }
          report.users++
          report.rows += picks.length
          if (picks.length === RECOMMENDATIONS_PER_USER) report.complete++
          else {
            report.shortUsers++
            if (report.short.length < 20) report.short.push({ user: user.external_id, recommendations: picks.length })
          }
        }
      }
      await sink.flush()
      return { report, written: true }
    },
    { snapshot: true },
  )
  const { report, written } = outcome
  if (written) {
    report.published = await withWriteTransaction(db, ctx.signal, (trx) =>
      publishSet(trx, {
        runId,
        finishedAt: new Date(ctx.clock.now()).toISOString(),
        users: report.users,
        rows: report.rows,
      }),
    )
  }
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(3))
  return { status: written ? 'ok' : 'skipped', summary: summaryOf(report), data: report }
}
