/**
 * Turns values a job may return (Dates, bigints, Buffers, decimals as objects) into plain JSON values, so
 * `data` can be stored and printed as-is.
 */
export function toJsonSafe(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || value === undefined) return value ?? null
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (typeof value === 'object') {
    if (seen.has(value)) return '[circular]'
    seen.add(value)
    if (Array.isArray(value)) return value.map((v) => toJsonSafe(v, seen))
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value))
      if (v !== undefined && typeof v !== 'function') out[k] = toJsonSafe(v, seen)
    return out
  }
  return String(value)
}
