/**
 * Time helpers for tests that must pass at any instant (see `npm run test:clock`, which runs tests under
 * libfaketime with the variables below set).
 */

/** The variables that put a process on libfaketime's clock: children of a test get them too, so they share its clock. */
export function fakeClockEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!env.FAKETIME || !env.LD_PRELOAD?.includes('faketime')) return {}
  return Object.fromEntries(Object.entries(env).filter(([k]) => k === 'LD_PRELOAD' || k.startsWith('FAKETIME')))
}

/**
 * How far libfaketime puts this process's clock from the real one (ms), or null when it is not faked. Only
 * the relative form `FAKETIME=+N` / `-N` (seconds, what test:clock sets) is understood: every process on it
 * shares one clock, and the browser, which libfaketime breaks, can be put on the same one.
 */
export function fakeClockOffsetMs(): number | null {
  if (!Object.keys(fakeClockEnv()).length) return null
  const value = process.env.FAKETIME!
  if (!/^[+-]\d+(\.\d+)?$/.test(value))
    throw new Error(
      `FAKETIME=${value}: the tests understand only a relative offset in seconds ("+3600", "-12345.5"), as npm run test:clock sets`,
    )
  return Math.round(Number(value) * 1000)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** "2026-11-23 14:03:05": the wall time of `instant` in `zone`. */
export function wallTime(instant: number, zone: string): string {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(zone, f)
  }
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/**
 * The first instant after `after` at which a daily job at `hhmm` ("02:00") in `zone` fires, found by walking
 * the zone's wall clock minute by minute (no cron library): the first pass of a repeated hour, and the first
 * minute after a gap that swallowed `hhmm`.
 */
export function nextDailyFire(hhmm: string, zone: string, after: number): number {
  let t = Math.floor(after / 60_000) * 60_000 + 60_000
  let previous = wallTime(t - 60_000, zone).slice(11, 16)
  for (const end = t + 27 * 3_600_000; t < end; t += 60_000) {
    const wall = wallTime(t, zone)
    const now = wall.slice(11, 16)
    // A repeated hour's second pass shows a wall time already seen 30 min, 1 h or 2 h earlier.
    const secondPass = [30, 60, 120].some((m) => wallTime(t - m * 60_000, zone) === wall)
    if ((now === hhmm && !secondPass) || (previous < hhmm && now > hhmm)) return t
    previous = now
  }
  throw new Error(`no ${hhmm} in ${zone} within a day of ${new Date(after).toISOString()}`)
}

/**
 * What the dashboard shows for a fire at `fire` (job zone `zone`) seen at `now`: its wall time, without the
 * date when it falls on the same local day as `now`.
 */
export function shownFireTime(fire: number, zone: string, now: number): string {
  const full = wallTime(fire, zone)
  return full.slice(0, 10) === wallTime(now, zone).slice(0, 10) ? full.slice(11) : full
}

/**
 * The minute of the hour (UTC) half an hour from `now`: an hourly cron at that minute last fired about 30 min
 * ago and fires next in about 30 min, so no fire falls due while a test runs, whatever the time.
 */
export const minuteHalfAnHourAway = (now = Date.now()): number => (new Date(now).getUTCMinutes() + 30) % 60
