/**
 * A delay in [0, jitterMs) for one occurrence of one job. A hash, not a random draw: every instance and every
 * restart computes the same delay for the same occurrence, so they agree on when it runs.
 */
export function jitterDelay(job: string, occurrence: number, jitterMs: number | undefined): number {
  if (!jitterMs || jitterMs <= 0) return 0
  // FNV-1a over "job@occurrence".
  let h = 0x811c9dc5
  const key = `${job}@${occurrence}`
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h % Math.floor(jitterMs)
}
