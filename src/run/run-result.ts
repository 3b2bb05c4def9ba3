import { type RunResult, runResultSchema } from './job-type.js'

const STATUSES = new Set<unknown>(['ok', 'alert', 'skipped'])
const PLAIN_KEYS = new Set(['status', 'summary', 'data'])

/**
 * A job type's return value as a RunResult, or null when it is not one. The usual `{ status, summary?, data? }`
 * is checked by hand and kept as it is (what zod would return: no other keys, nothing to strip); anything
 * else goes through the schema. zod's parse was ~5 µs of every run's end, at thousands of runs a second.
 */
export function parseRunResult(value: unknown): RunResult | null {
  if (isPlainResult(value)) return value
  const parsed = runResultSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

function isPlainResult(value: unknown): value is RunResult {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false
  const v = value as Record<string, unknown>
  if (!STATUSES.has(v.status) || (v.summary !== undefined && typeof v.summary !== 'string')) return false
  for (const key in v) if (!PLAIN_KEYS.has(key)) return false
  return true
}
