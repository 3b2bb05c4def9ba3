import { parseDuration, z } from 'circadian'

const durationText = (what: string, minMs: number) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? undefined : 'must be a duration string like "30s", "5m" or "4h"'),
    })
    .refine(
      (text) => {
        const ms = parseDuration(text)
        return ms !== null && ms >= minMs
      },
      `must be a duration of at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`} like "30s", "5m" or "4h" (${what})`,
    )

/**
 * The options of a `sql-alert` job. `description` and `notify` are also core job keys: declaring them here
 * makes the core hand them to the job type as well (the core still validates `notify` against the config's
 * notifiers, so an unknown or half-configured notifier is a validation error, never a skipped channel).
 */
export const sqlAlertOptions = z.object({
  /** A name from the config's `connections`. */
  connection: z.string().min(1, 'must name a connection from `connections`'),
  /** One SQL statement returning exactly one row with a `status` column ('ALERT' or 'OK'). */
  query: z.string().refine((q) => q.trim().length > 0, 'must be a SQL query (it is empty)'),
  description: z.string().optional(),
  /** Notifiers (config `notifiers`) that receive this alert's notices. */
  notify: z.array(z.string().min(1)).default([]),
  /** Consecutive ALERT results before the alert fires (and notifies). */
  for: z.number().int().min(1, 'must be at least 1').default(1),
  /** While the alert keeps firing, notify again this often. Default: never. */
  repeatInterval: durationText('how often to notify again while the alert keeps firing', 1000).optional(),
  /** The database cancels the query after this long. */
  queryTimeout: durationText('how long the database may run the query', 10).default('30s'),
  /** The most rows read from the result; a query returning more fails without reading them all. */
  maxRows: z.number().int().min(1, 'must be at least 1').default(1000),
  /** Run the query in a read-only transaction (SQLite: a read-only connection). */
  readOnly: z.boolean().default(true),
  /** Severity of the notice sent when the alert fires (and repeats). */
  severity: z.enum(['info', 'warning', 'critical']).default('critical'),
})

export type SqlAlertOptions = z.infer<typeof sqlAlertOptions>

/** Milliseconds of a duration the schema has already checked. */
export function durationMs(text: string): number {
  const ms = parseDuration(text)
  if (ms === null) throw new Error(`not a duration: ${text}`)
  return ms
}
