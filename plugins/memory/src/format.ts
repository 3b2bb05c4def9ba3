/** '300s' → '5m', 5400000 → '1h30m'. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const parts: string[] = []
  let s = Math.round(ms / 1000)
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`)
      s %= size
    }
  }
  return parts.join('')
}

export function round(value: number, digits = 4): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** `3 links`, `1 link`; `plural(1, 'memory', 'memories')`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
