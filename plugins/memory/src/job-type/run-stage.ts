import type { Stage, StageParams } from '../options/params.js'
import { type StageOutcome, AlreadyApplied, applyOnce } from '../store/stage-runs.js'
import { applyShortTerm } from '../stages/short-term.js'
import { applyWorking } from '../stages/working.js'
import { describeReplay, replayBatch, replayData, touched } from '../stages/consolidation.js'
import { runDeepConsolidation } from '../stages/deep-consolidation.js'
import type { StageEnv } from '../stages/env.js'
import { runHealth } from '../stages/health.js'
import { applyHomeostasis } from '../stages/homeostasis.js'
import { runRem } from '../stages/rem.js'

type Runners = { [S in Stage]: (env: StageEnv, params: StageParams[S]) => Promise<StageOutcome | AlreadyApplied> }

const ruleBased = (outcome: StageOutcome): StageOutcome => ({
  ...outcome,
  data: { ...outcome.data, path: 'rule-based' },
})

/** Each stage as one call: the single-transaction stages through applyOnce, the others on their own. */
export const STAGE_RUNNERS: Runners = {
  working: (env, p) =>
    applyOnce(env.db, env.occ, env.clock, env.signal, async (trx, now) => ruleBased(await applyWorking(trx, p, now))),
  'short-term': (env, p) =>
    applyOnce(env.db, env.occ, env.clock, env.signal, async (trx, now) =>
      ruleBased(await applyShortTerm(trx, p, now, env.occ.key)),
    ),
  consolidation: (env, p) =>
    applyOnce(env.db, env.occ, env.clock, env.signal, async (trx, now) => {
      const r = await replayBatch(trx, p, now, env.occ.key)
      return {
        summary: describeReplay(r),
        data: { ...replayData(r), batchSize: p.batchSize, path: 'rule-based' },
        rowsTouched: touched(r),
      }
    }),
  'deep-consolidation': runDeepConsolidation,
  rem: runRem,
  homeostasis: (env, p) =>
    applyOnce(env.db, env.occ, env.clock, env.signal, async (trx, now) =>
      ruleBased(await applyHomeostasis(trx, p, now)),
    ),
  health: runHealth,
}
