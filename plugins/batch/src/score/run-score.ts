import type { JobContext, RunResult } from 'circadian'
import { currentChangeSeq, readWatermark, takeLock, writeWatermark } from '../db/meta.js'
import { ensureSchema } from '../db/schema.js'
import { T } from '../db/tables.js'
import { withWriteTransaction } from '../db/transaction.js'
import type { ScoreOptions } from '../job-types/score-options.js'
import { collectChanges } from './changes.js'
import type { Scales } from './formulas.js'
import { scoreListings } from './listing-scores.js'
import { scorePairs } from './pair-scores.js'
import { loadPools } from './pools.js'

/** Where the last successful score got to (in the job's own database, beside the data it describes). */
const WATERMARK = 'score_seq'

export interface ScoreReport {
  full: boolean
  reason: string
  changes: { from: number | null; to: number }
  listingsChanged: number
  usersChanged: number
  listingsScored: number
  candidates: number
  usersScored: number
  pairsWritten: number
  /** Seconds spent in each step. */
  steps: Record<'changes' | 'listings' | 'pools' | 'pairs', number>
  seconds: number
}

function scalesOf(o: ScoreOptions): Scales {
  return {
    wageFloor: o.wage.floor,
    wageCeiling: o.wage.ceiling,
    feeCeiling: o.feeCeiling,
    popularityCeiling: o.popularityCeiling,
    nearbyKm: o.nearbyKm,
  }
}

/** Scores computed with other settings are not comparable: a change of settings forces a full run. */
function fingerprintOf(o: ScoreOptions): string {
  return JSON.stringify({ v: 1, scales: scalesOf(o), pools: o.pools, keep: o.keepPerUser })
}

function summaryOf(r: ScoreReport): string {
  if (!r.full && !r.listingsChanged && !r.usersChanged)
    return `nothing changed since the last score (change ${r.changes.to})`
  const what = r.full
    ? `full score (${r.reason})`
    : `incremental score (changes ${r.changes.from}→${r.changes.to}: ${r.listingsChanged} listings, ${r.usersChanged} users changed)`
  return `${what}: ${r.listingsScored.toLocaleString('en-US')} listings scored, ${r.pairsWritten.toLocaleString('en-US')} pairs for ${r.usersScored.toLocaleString('en-US')} users in ${r.seconds.toFixed(1)}s`
}

/**
 * One score run, in one transaction under the score lock: collect what changed since the watermark, rescore
 * those listings, drop the pairs they (or changed users) invalidate, rebuild the candidate pools and score
 * the pairs again; then move the watermark.
 */
export async function runScore(ctx: JobContext, options: ScoreOptions): Promise<RunResult> {
  const db = ctx.db(options.connection)
  await ensureSchema(db)
  const started = performance.now()
  const report = await withWriteTransaction(
    db,
    ctx.signal,
    async (trx) => {
      await takeLock(trx, 'score')
      const to = await currentChangeSeq(trx)
      const mark = await readWatermark(trx, WATERMARK)
      const fingerprint = fingerprintOf(options)
      const reason = options.full
        ? 'full: true'
        : mark.seq === null
          ? 'first score'
          : mark.fingerprint !== fingerprint
            ? 'score settings changed'
            : ''
      const full = reason !== ''
      const steps = { changes: 0, listings: 0, pools: 0, pairs: 0 }
      let lapStart = performance.now()
      const lap = (step: keyof typeof steps) => {
        const t = performance.now()
        steps[step] = Number(((t - lapStart) / 1000).toFixed(3))
        lapStart = t
      }
      const changed = await collectChanges(trx, { full, from: mark.seq ?? -1, to })
      lap('changes')
      const report: ScoreReport = {
        full,
        reason,
        changes: { from: mark.seq, to },
        listingsChanged: changed.listings,
        usersChanged: changed.users,
        listingsScored: 0,
        candidates: 0,
        usersScored: 0,
        pairsWritten: 0,
        steps,
        seconds: 0,
      }
      if (full || changed.listings || changed.users) {
        const now = new Date(ctx.clock.now()).toISOString()
        report.listingsScored = await scoreListings(trx, scalesOf(options), now, ctx.signal)
        lap('listings')
        if (full) await trx(T.pairScores).delete()
        else {
          await trx(T.pairScores).whereIn('listing_id', trx(T.changedListings).select('listing_id')).delete()
          await trx(T.pairScores).whereIn('user_id', trx(T.changedUsers).select('user_id')).delete()
        }
        const pools = await loadPools(trx, options.pools, options.nearbyKm)
        report.candidates = pools.size
        lap('pools')
        const pairs = await scorePairs(trx, pools, {
          scales: scalesOf(options),
          keepPerUser: options.keepPerUser,
          changedUsersOnly: !full && changed.listings === 0,
          signal: ctx.signal,
        })
        report.usersScored = pairs.users
        report.pairsWritten = pairs.pairs
        lap('pairs')
      }
      await writeWatermark(trx, WATERMARK, { seq: to, fingerprint })
      return report
    },
    { snapshot: true },
  )
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(3))
  return { status: 'ok', summary: summaryOf(report), data: report }
}
