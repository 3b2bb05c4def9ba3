/** The offset (ms) of `zone` from UTC at the instant `utcMs`. */
function zoneOffset(utcMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(utcMs / 1000) * 1000
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i

/**
 * An ISO 8601 date-time as epoch ms. With `Z` or an offset it is that instant; without one it is a wall
 * time in `zone` (the config's time zone), like the core's `at`. A date alone means its midnight.
 */
export function parseInstant(text: string, zone: string): number | null {
  const m = ISO.exec(text.trim())
  if (!m) return null
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', offset] = m
  const wall = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.slice(0, 3).padEnd(3, '0')),
  )
  const check = new Date(wall)
  if (
    Number.isNaN(wall) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    return null
  if (offset) {
    if (offset.toUpperCase() === 'Z') return wall
    const sign = offset.startsWith('-') ? -1 : 1
    const [oh, om] = offset
      .slice(1)
      .replace(':', '')
      .match(/^(\d{2})(\d{2})$/)!
      .slice(1)
      .map(Number)
    return wall - sign * (oh * 3_600_000 + om * 60_000)
  }
  // Two passes: the offset at the first guess may differ from the offset at the result (near a DST change).
  let utc = wall - zoneOffset(wall, zone)
  utc = wall - zoneOffset(utc, zone)
  return utc
}
