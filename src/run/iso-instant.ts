const SLOTS = 16
const keys = new Float64Array(SLOTS).fill(NaN)
const texts: string[] = new Array<string>(SLOTS).fill('')

/**
 * An instant as ISO-8601 UTC text (`Date#toISOString`), remembered for the last few instants: a wake-up
 * stamps a thousand rows with the same handful of instants (the occurrence, now, the lease's end), and
 * formatting a Date costs about a microsecond each time.
 */
export function isoInstant(ms: number): string {
  const slot = ms & (SLOTS - 1)
  if (keys[slot] === ms) return texts[slot]
  const text = new Date(ms).toISOString()
  keys[slot] = ms
  texts[slot] = text
  return text
}
