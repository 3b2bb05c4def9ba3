import { parseDuration, z } from 'circadian'

const durationText = (fallback: string) =>
  z
    .string()
    .refine((s) => parseDuration(s) !== null, 'must be a duration such as "14d" or "36h"')
    .default(fallback)

export const matchOptions = z.object({
  connection: z.string().min(1),
  /** Listings of a company the user applied to this recently are not recommended. */
  excludeAppliedWithin: durationText('14d'),
  /** "new" takes listings posted (or first seen) this recently. */
  newWithin: durationText('7d'),
  /** "high-income" takes listings whose annual salary can reach this (yen). */
  highIncomeMin: z.number().int().min(0).default(6_000_000),
})

export type MatchOptions = z.infer<typeof matchOptions>
