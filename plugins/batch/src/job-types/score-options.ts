import { z } from 'circadian'

export const scoreOptions = z.object({
  connection: z.string().min(1),
  /** Recompute everything, not only what changed since the last successful score. */
  full: z.boolean().default(false),
  /** Listings within this distance (and not in the user's own location) are "nearby". */
  nearbyKm: z.number().positive().max(1000).default(30),
  /** Annual salary (yen) scored 0 at the floor and 100 at the ceiling (the middle of the range counts). */
  wage: z
    .strictObject({
      floor: z.number().int().min(0).default(2_000_000),
      ceiling: z.number().int().positive().default(10_000_000),
    })
    .refine((w) => w.ceiling > w.floor, { message: 'ceiling must be greater than floor', path: ['ceiling'] })
    .prefault({}),
  /** The fee (yen) that scores 100. */
  feeCeiling: z.number().int().positive().default(500_000),
  /** Views + 5 × clicks that scores 100. */
  popularityCeiling: z.number().positive().default(1000),
  /** How many listings each candidate pool holds (see docs/batch.md, "Candidates"). */
  pools: z
    .strictObject({
      regional: z.number().int().min(1).max(100_000).default(200),
      nearbyPerCell: z.number().int().min(1).max(100_000).default(20),
      global: z.number().int().min(1).max(100_000).default(100),
    })
    .prefault({}),
  /** Pairs kept per user: the best this many by composite, plus each section's own leaders. */
  keepPerUser: z.number().int().min(40).max(100_000).default(120),
})

export type ScoreOptions = z.infer<typeof scoreOptions>
