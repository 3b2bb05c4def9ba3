const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

const PART = /(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d|w)/gy

/**
 * Parses '500ms', '30s', '5m', '1h', '2d', '1w' and sums like '1h30m'. Returns null when the text is not a
 * duration. Plain numbers are refused on purpose: `timeout: 30` could mean seconds or milliseconds.
 */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase()
  if (!s) return null
  let total = 0
  PART.lastIndex = 0
  let consumed = 0
  let match: RegExpExecArray | null
  while ((match = PART.exec(s))) {
    total += Number(match[1]) * UNIT_MS[match[2]]
    consumed = PART.lastIndex
    while (s[consumed] === ' ') consumed++
    PART.lastIndex = consumed
  }
  if (consumed !== s.length) return null
  return Math.round(total)
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  const parts: string[] = []
  let rest = Math.round(ms / 1000)
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.join('')
}
