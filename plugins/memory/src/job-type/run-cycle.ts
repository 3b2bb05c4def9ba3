import type { JobContext, RunResult } from 'circadian'
import { type MemoryCycleOptions, stageParams } from '../options/schema.js'
import type { Stage } from '../options/params.js'
import { ensureSchema } from '../store/migrate.js'
import { seedIfEmpty } from '../store/seed.js'
import { AlreadyApplied, occurrenceOf } from '../store/stage-runs.js'
import type { StageEnv } from '../stages/env.js'
import { STAGE_RUNNERS } from './run-stage.js'

function envFor(ctx: JobContext, options: MemoryCycleOptions): StageEnv {
  return {
    db: ctx.db(options.connection),
    occ: occurrenceOf(ctx.run, options.stage),
    clock: ctx.clock,
    signal: ctx.signal,
    log: ctx.log,
    kv: ctx.kv,
    notify: async (names, notice) => {
      await ctx.notify(names, notice)
    },
    // Only where the core sends `alert` notices (notifyOn's default includes them): ours add to those.
    notifiers: !options.notifyOn || options.notifyOn.includes('alert') ? (options.notify ?? []) : [],
  }
}

/** Runs one stage for one occurrence: tables first (migrations, the seed), then the stage. */
export async function runMemoryCycle(ctx: JobContext, options: MemoryCycleOptions): Promise<RunResult> {
  const env = envFor(ctx, options)
  const stage: Stage = options.stage
  let seeded = null
  if (stage !== 'health') {
    await ensureSchema(env.db, ctx.clock.now())
    if (options.seed) seeded = await seedIfEmpty(env.db, options.seed, ctx.configDir, ctx.clock.now())
  }
  const run = STAGE_RUNNERS[stage] as (env: StageEnv, params: unknown) => ReturnType<(typeof STAGE_RUNNERS)[Stage]>
  const outcome = await run(env, stageParams(stage, options))
  if (outcome instanceof AlreadyApplied) {
    const at = outcome.row.finishedAt ? new Date(outcome.row.finishedAt).toISOString() : 'an earlier attempt'
    return {
      status: 'ok',
      summary: `already applied for this occurrence (at ${at}): ${outcome.row.summary ?? ''}`.trim(),
      data: { ...outcome.row.data, alreadyApplied: true, occurrence: env.occ.key },
    }
  }
  const seedNote = seeded
    ? `loaded ${seeded.imported} sample memories from ${seeded.file}${seeded.badLines ? ` (${seeded.badLines} bad lines skipped)` : ''}; `
    : ''
  return {
    status: outcome.status ?? 'ok',
    summary: `${seedNote}${outcome.summary}`,
    data: { stage, occurrence: env.occ.key, ...outcome.data, ...(seeded ? { seeded } : {}) },
  }
}
