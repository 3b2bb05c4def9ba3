import { defineJobType } from 'circadian'
import { memoryCycleOptions } from '../options/schema.js'

export const memoryCycleJobType = defineJobType({
  type: 'memory-cycle',
  description:
    'One stage of the biological memory pipeline (working, short-term, consolidation, deep-consolidation, rem, homeostasis, health) over a SQL store.',
  options: memoryCycleOptions,
  connections: (options) => [options.connection],
  // A breaker configured for the store (`resources: { 'db:memory': { breaker: … } }`) guards every stage but
  // health, which must still run to report the store unreachable.
  resources: (options) => (options.stage === 'health' ? [] : [`db:${options.connection}`]),
  // The health stage's alert (a degraded store) also degrades serve's /health until a run finds it healthy.
  reportsHealth: (options) => options.stage === 'health',
  // Stage-run records follow the job's retention policy (serve's background pruning, `state prune`).
  prune: async (ctx, options) => (await import('../store/prune-stage-runs.js')).pruneStageRuns(ctx, options.connection),
  // The stages load when a run needs them: every command that reads the config gathers the job types.
  run: async (ctx, options) => (await import('./run-cycle.js')).runMemoryCycle(ctx, options),
})
