/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

const formatters = new Map<string, Intl.DateTimeFormat>()

function partsIn(zone: string, date: Date): Record<string, string> {
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
  return Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]))
}

/** "2026-11-23 14:03:05" in the given zone (the job's), as the CLI prints times. */
export function localTime(iso: string, zone: string): string {
  const p = partsIn(zone, new Date(iso))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/** "14:03:05" when the instant is on the same local day as `now`, else the full local time. */
export function shortLocalTime(iso: string, zone: string, now = Date.now()): string {
  const full = localTime(iso, zone)
  return full.slice(0, 10) === localTime(new Date(now).toISOString(), zone).slice(0, 10) ? full.slice(11) : full
}

/** "85 ms", "1.2 s", "3 min 4 s", "2 h 5 min", "3 d 4 h". */
export function duration(ms: number): string {
  const abs = Math.abs(ms)
  if (abs < 1000) return `${Math.round(abs)} ms`
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)} s`
  const s = Math.round(abs / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  if (s < 86_400)
    return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`
  return `${Math.floor(s / 86_400)} d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`
}

/** Whole seconds and up: "3 s", "5 min 2 s", "2 h 5 min". */
export function age(ms: number): string {
  return ms < 60_000 ? `${Math.floor(Math.abs(ms) / 1000)} s` : duration(ms)
}

/** "in 3 s", "5 min ago", "now". Sub-second distances read "now" so a ticking clock does not flicker. */
export function relative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now
  if (Math.abs(diff) < 1000) return 'now'
  const text = age(Math.abs(diff))
  return diff > 0 ? `in ${text}` : `${text} ago`
}

/** "+85 ms" late (or early), for scheduled-vs-started. */
export function lateness(ms: number | null): string {
  if (ms === null) return '—'
  return `${ms < 0 ? '−' : '+'}${duration(ms)}`
}
