import { z } from 'circadian'
import { PARAMS, type ParamKey, STAGES, type Stage, type StageParams, paramKeys, resolveParams } from './params.js'

const optionalParams = Object.fromEntries(Object.entries(PARAMS).map(([key, schema]) => [key, schema.optional()])) as {
  [K in ParamKey]: z.ZodOptional<(typeof PARAMS)[K]>
}

/**
 * The `memory-cycle` job's options: the stage, the connection holding the store, and the stage's own
 * parameters (flat, next to the others). A parameter that belongs to another stage is an error.
 */
export const memoryCycleOptions = z
  .object({
    stage: z.enum(STAGES),
    /** A config `connections` entry: where the memory tables live. */
    connection: z.string().min(1),
    /** A JSONL file (relative to the config) imported the first time the store is empty. */
    seed: z.string().min(1).optional(),
    /**
     * The job's notifiers and events (core keys, validated by the core): the core announces when the health
     * stage's store becomes degraded and recovers; the health stage tells the same notifiers when it stays
     * degraded but differently, if the core's `alert` notices are on.
     */
    notify: z.array(z.string().min(1)).optional(),
    notifyOn: z.array(z.string()).optional(),
    ...optionalParams,
  })
  .superRefine((options, ctx) => {
    const own = new Set<string>(paramKeys(options.stage))
    for (const key of Object.keys(PARAMS) as ParamKey[]) {
      if (options[key] === undefined || own.has(key)) continue
      const owners = STAGES.filter((s) => paramKeys(s).includes(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `is not a parameter of stage "${options.stage}" (it belongs to ${owners.map((s) => `"${s}"`).join(', ')}); "${options.stage}" takes: ${[...own].join(', ')}`,
      })
    }
  })

export type MemoryCycleOptions = z.infer<typeof memoryCycleOptions>

export function stageParams<S extends Stage>(stage: S, options: MemoryCycleOptions): StageParams[S] {
  return resolveParams(stage, options)
}
