/**
 * Time-zone arithmetic on plain numbers. An *instant* is epoch milliseconds (UTC). A *wall time* is the
 * local calendar time of a zone written as if it were UTC epoch milliseconds ("floating" time), so cron
 * fields can be matched on it with plain UTC calendar math.
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    })
    formatters.set(zone, f)
  }
  return f
}

const zoneValidity = new Map<string, boolean>()
let canonicalZones: Set<string> | undefined

export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone)
  if (valid === undefined) {
    // The canonical names are a cheap list; building a formatter loads locale data (~10 ms the first time),
    // so only aliases ("Asia/Calcutta", "US/Pacific") and typos pay for it.
    canonicalZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC'])
    if (canonicalZones.has(zone)) {
      zoneValidity.set(zone, true)
      return true
    }
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone })
      valid = true
    } catch {
      valid = false
    }
    zoneValidity.set(zone, valid)
  }
  return valid
}

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

const BLOCK_MS = 15 * 60_000
const offsetCache = new Map<string, Map<number, number>>()
const MAX_CACHED_BLOCKS = 50_000

function computeOffset(zone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000
  let year = 0,
    month = 1,
    day = 1,
    hour = 0,
    minute = 0,
    second = 0,
    bc = false
  for (const p of formatter(zone).formatToParts(new Date(whole))) {
    switch (p.type) {
      case 'year':
        year = Number(p.value)
        break
      case 'month':
        month = Number(p.value)
        break
      case 'day':
        day = Number(p.value)
        break
      case 'hour':
        hour = Number(p.value)
        break
      case 'minute':
        minute = Number(p.value)
        break
      case 'second':
        second = Number(p.value)
        break
      case 'era':
        bc = p.value === 'BC'
        break
    }
  }
  if (bc) year = 1 - year
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, 0)
  return d.getTime() - whole
}

/**
 * The zone's UTC offset (ms, local minus UTC) at an instant. Offsets are cached per 15-minute block. Most
 * transitions fall on a quarter hour of UTC, but not all (Atlantic Canada until 2011 and Antarctica/Casey in
 * 2020-2022 changed at a minute past the hour), so a block whose ends disagree is computed per instant
 * (as are instants before 1970, with local mean times).
 */
export function offsetAt(zone: string, instant: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0
  if (instant < 0) return computeOffset(zone, instant)
  let cache = offsetCache.get(zone)
  if (!cache) {
    cache = new Map()
    offsetCache.set(zone, cache)
  }
  const block = Math.floor(instant / BLOCK_MS)
  let off = cache.get(block)
  if (off === undefined) {
    off = blockOffset(zone, block)
    if (cache.size >= MAX_CACHED_BLOCKS) cache.clear()
    cache.set(block, off)
  }
  return Number.isNaN(off) ? computeOffset(zone, instant) : off
}

/** The offset shared by a whole block, or NaN when a transition falls inside it. */
function blockOffset(zone: string, block: number): number {
  const first = computeOffset(zone, block * BLOCK_MS)
  const last = computeOffset(zone, (block + 1) * BLOCK_MS - 1000)
  return first === last ? first : NaN
}

export function wallTimeOf(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant)
}

/**
 * The first instant in (from, to] whose offset differs from the offset at `from`; the caller knows that
 * the offsets at `from` and `to` differ. Offsets change only on whole seconds, so the search runs over whole
 * seconds (from and to may carry milliseconds) and the answer is the exact transition instant.
 */
export function findTransition(zone: string, from: number, to: number): number {
  const before = offsetAt(zone, from)
  let lo = Math.floor(from / 1000) // a second with the old offset
  let hi = Math.floor(to / 1000) // a second with the new offset
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (offsetAt(zone, mid * 1000) === before) lo = mid
    else hi = mid
  }
  return hi * 1000
}

/** Every instant whose wall time in `zone` is `wall`: none (a DST gap), one, or two (a repeated hour). */
export function instantsOfWallTime(zone: string, wall: number): number[] {
  const candidates = new Set<number>()
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) candidates.add(wall - offsetAt(zone, probe))
  return [...candidates].filter((i) => wallTimeOf(zone, i) === wall).sort((a, b) => a - b)
}

/** Formats an instant as local ISO-like text with its offset, e.g. 2026-03-29 03:00:00 +02:00. */
export function formatInZone(zone: string, instant: number): string {
  const off = offsetAt(zone, instant)
  const wall = new Date(instant + off).toISOString().replace('T', ' ').slice(0, 19)
  const sign = off < 0 ? '-' : '+'
  // Local mean times (before standard time) have offsets with seconds, e.g. New York's -04:56:02.
  const abs = Math.abs(off) / 1000
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0')
  const mm = String(Math.floor(abs / 60) % 60).padStart(2, '0')
  const ss = abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''
  return `${wall} ${sign}${hh}:${mm}${ss}`
}
