import { parseDuration, z } from 'circadian'

export const STAGES = [
  'working',
  'short-term',
  'consolidation',
  'deep-consolidation',
  'rem',
  'homeostasis',
  'health',
] as const
export type Stage = (typeof STAGES)[number]

/** A duration string ('300s', '1h30m') parsed to milliseconds. */
const duration = z
  .string()
  .refine((text) => parseDuration(text) !== null, 'must be a duration like "300s", "10m" or "24h"')
  .transform((text) => parseDuration(text)!)

const fraction = z.number().min(0).max(1)
/** A multiplier in (0, 1]: what is left after a decay. */
const shrink = z.number().gt(0).max(1)
const count = z.number().int().min(1)

export const llmSchema = z.strictObject({
  url: z
    .string()
    .refine((u) => /^https?:\/\/[^/\s]+/i.test(u), 'must be an http(s) URL like "http://127.0.0.1:11434"')
    .transform((u) => u.replace(/\/+$/, '')),
  model: z.string().min(1),
  /** Limit for one request; the stage's own timeout (ctx.signal) applies as well. */
  timeout: duration.prefault('10s'),
  /** At most this many links are sent to the LLM per run (the strongest rule-based links first). */
  maxPairs: z.number().int().min(0).max(1000).default(10),
  /** How much the LLM's relatedness score counts in a link's target strength. */
  weight: fraction.default(0.5),
  cacheTtl: duration.prefault('24h'),
  breaker: z.strictObject({ failures: count.default(2), halfOpenAfter: duration.prefault('120s') }).prefault({}),
})
export type LlmOptions = z.infer<typeof llmSchema>

/**
 * Every stage parameter with its validator. A key means the same thing in each stage that has it; the
 * defaults differ per stage (below).
 */
export const PARAMS = {
  window: duration,
  minActivation: fraction,
  minAccessCount: count,
  capacity: count.max(10_000),
  decay: shrink,
  frequencyCap: count,
  minScore: fraction,
  weights: z.strictObject({
    activation: fraction.default(0.4),
    recency: fraction.default(0.3),
    frequency: fraction.default(0.2),
    importance: fraction.default(0.1),
  }),
  batchSize: count.max(100_000),
  strengthen: z.number().min(1),
  weaken: shrink,
  strongAbove: fraction,
  weakBelow: fraction,
  transferAbove: fraction,
  pruneBelow: fraction,
  tagWeight: fraction,
  keywordWeight: fraction,
  coOccurrenceWeight: fraction,
  coOccurrenceWindow: duration,
  learningRate: z.number().gt(0).max(1),
  maxTermFrequency: z.number().int().min(2),
  maxLinks: count.max(1_000_000),
  llm: llmSchema,
  target: z.number().gt(0).max(1),
  rate: fraction,
  maxLag: z.strictObject({
    working: duration.prefault('9h'),
    'short-term': duration.prefault('15m'),
    consolidation: duration.prefault('2h'),
    'deep-consolidation': duration.prefault('25h'),
    rem: duration.prefault('17h'),
    homeostasis: duration.prefault('8d'),
    health: duration.prefault('1h'),
  }),
  stages: z.array(z.enum(STAGES)).min(1),
} as const

export type ParamKey = keyof typeof PARAMS

const consolidation = (batchSize: number) => ({
  batchSize: PARAMS.batchSize.default(batchSize),
  strengthen: PARAMS.strengthen.default(1.2),
  weaken: PARAMS.weaken.default(0.8),
  decay: PARAMS.decay.default(0.9),
  strongAbove: PARAMS.strongAbove.default(0.6),
  weakBelow: PARAMS.weakBelow.default(0.2),
  transferAbove: PARAMS.transferAbove.default(0.7),
  pruneBelow: PARAMS.pruneBelow.default(0.01),
})

/** Each stage's parameters with the defaults it runs with. */
export const STAGE_PARAMS = {
  working: z.object({
    window: PARAMS.window.prefault('300s'),
    minActivation: PARAMS.minActivation.default(0.6),
    minAccessCount: PARAMS.minAccessCount.default(2),
    capacity: PARAMS.capacity.default(7),
  }),
  'short-term': z.object({
    window: PARAMS.window.prefault('1h'),
    capacity: PARAMS.capacity.default(9),
    decay: PARAMS.decay.default(0.9),
    frequencyCap: PARAMS.frequencyCap.default(5),
    minScore: PARAMS.minScore.default(0),
    weights: PARAMS.weights.prefault({}),
  }),
  consolidation: z.object(consolidation(100)),
  'deep-consolidation': z.object({ ...consolidation(1000), window: PARAMS.window.prefault('24h') }),
  rem: z.object({
    window: PARAMS.window.prefault('24h'),
    tagWeight: PARAMS.tagWeight.default(0.3),
    keywordWeight: PARAMS.keywordWeight.default(0.1),
    coOccurrenceWeight: PARAMS.coOccurrenceWeight.default(0.2),
    coOccurrenceWindow: PARAMS.coOccurrenceWindow.prefault('10m'),
    learningRate: PARAMS.learningRate.default(0.5),
    maxTermFrequency: PARAMS.maxTermFrequency.default(50),
    maxLinks: PARAMS.maxLinks.default(10_000),
    llm: PARAMS.llm.optional(),
  }),
  homeostasis: z.object({
    target: PARAMS.target.default(0.5),
    rate: PARAMS.rate.default(1),
    pruneBelow: PARAMS.pruneBelow.default(0.05),
  }),
  health: z.object({
    maxLag: PARAMS.maxLag.prefault({}),
    stages: PARAMS.stages.default([
      'working',
      'short-term',
      'consolidation',
      'deep-consolidation',
      'rem',
      'homeostasis',
    ]),
  }),
} as const

export type StageParams = { [S in Stage]: z.infer<(typeof STAGE_PARAMS)[S]> }

export function paramKeys(stage: Stage): ParamKey[] {
  return Object.keys(STAGE_PARAMS[stage].shape) as ParamKey[]
}

const parsedDefaults = new Map<Stage, Record<string, unknown>>()

/** A stage's defaults, overlaid with the values the job set (already validated by PARAMS). */
export function resolveParams<S extends Stage>(stage: S, given: Partial<Record<ParamKey, unknown>>): StageParams[S] {
  let defaults = parsedDefaults.get(stage)
  if (!defaults) {
    defaults = STAGE_PARAMS[stage].parse({}) as Record<string, unknown>
    parsedDefaults.set(stage, defaults)
  }
  const params: Record<string, unknown> = { ...defaults }
  for (const key of paramKeys(stage)) if (given[key] !== undefined) params[key] = given[key]
  return params as StageParams[S]
}
