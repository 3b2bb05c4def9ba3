import { displayValue } from './query/values.js'

/** "8200 vs threshold 10000", "8200", or '' when the query gave neither. */
export function valueVsThreshold(actual: unknown, threshold: unknown): string {
  const hasActual = actual !== null && actual !== undefined
  const hasThreshold = threshold !== null && threshold !== undefined
  if (hasActual && hasThreshold) return `${displayValue(actual)} vs threshold ${displayValue(threshold)}`
  if (hasActual) return displayValue(actual)
  if (hasThreshold) return `threshold ${displayValue(threshold)}`
  return ''
}

/** A span of time for people: 45s, 12m, 3h 5m, 2d 4h. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`
  const d = Math.floor(h / 24)
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`
}

/** An ISO instant as "2026-11-23 14:05:00Z" for tables and notices. */
export function shortInstant(iso: string | null | undefined): string {
  if (!iso) return '-'
  return `${iso.replace('T', ' ').slice(0, 19)}Z`
}
