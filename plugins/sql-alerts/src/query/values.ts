/**
 * Database values as JSON: what is stored with the run and sent in notices must survive JSON.stringify
 * without losing meaning (dates, decimals, 64-bit integers).
 */

/** "1.50" → 1.5, but "12345678901234567890.1" stays a string: a decimal becomes a number only when exact. */
export function fromDecimalText(text: string): number | string {
  const trimmed = text.trim()
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed)) return text
  const n = Number(trimmed)
  if (!Number.isFinite(n)) return text
  if (n === 0) return 0
  return canonicalDecimal(trimmed) === canonicalDecimal(String(n)) ? n : text
}

function canonicalDecimal(text: string): string {
  let s = text.replace(/^\+/, '')
  const negative = s.startsWith('-')
  if (negative) s = s.slice(1)
  let [whole, fraction = ''] = s.split('.')
  whole = whole.replace(/^0+(?=\d)/, '') || '0'
  fraction = fraction.replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

/** A 64-bit integer as a number when it fits exactly, else as its decimal text. */
export function fromBigInt(value: bigint | string | number): number | string {
  if (typeof value === 'number') return value
  const big = typeof value === 'bigint' ? value : BigInt(value)
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString()
}

/** Any driver value as plain JSON. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return fromBigInt(value)
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v)
    return out
  }
  return String(value)
}

/** A value for one line of text (summaries, notice fields). */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}
