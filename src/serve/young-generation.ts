import v8 from 'node:v8'

const newSpaceSize = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0

/**
 * Grows V8's young generation to its full size before serve starts firing. V8 starts it at 1 MB and doubles
 * it only as objects survive; at thousands of fires a second every run's objects outlived that small space,
 * were promoted and collected by full collections, and the first seconds after a start were several times
 * later than the rest (10,000 jobs/s: up to 1 s against 0.2 s). Objects kept for a while in a ring make V8
 * grow it, in well under 100 ms; it stops when the size has not grown for a while (its maximum).
 */
export function growYoungGeneration(budgetMs = 300): void {
  const ring: unknown[] = new Array(100_000)
  const until = performance.now() + budgetMs
  let size = newSpaceSize()
  let steady = 0
  for (let n = 0; steady < 262_144 && (n & 1023 || performance.now() < until); n++) {
    ring[n % ring.length] = { n, cells: [n, n, n, n, n, n, n, n] }
    if (n & 1023) continue
    const now = newSpaceSize()
    steady = now > size ? 0 : steady + 1024
    size = now
  }
}
