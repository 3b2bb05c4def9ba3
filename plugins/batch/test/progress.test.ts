import { describe, expect, it } from 'vitest'
import { ImportProgress } from '../src/import/progress.js'

/** A logger that keeps what it is told, and a clock the test moves by hand. */
function setup() {
  const lines: Array<{ msg: string; fields: unknown }> = []
  const log = {
    debug() {},
    warn() {},
    error() {},
    info: (msg: string, fields?: unknown) => void lines.push({ msg, fields }),
  }
  let now = 1_000
  const progress = new ImportProgress(log, () => now, 0)
  return { lines, progress, advance: (ms: number) => (now += ms) }
}

describe('import progress', () => {
  it('logs rows so far, rows/s and rejects every 2 s of import, not more often', () => {
    const { lines, progress, advance } = setup()
    progress.rows = 5_000
    progress.rejected = 2
    progress.tick('feeds/a.csv')
    expect(lines).toEqual([]) // 0 s since the last report

    advance(1_999)
    progress.tick('feeds/a.csv')
    expect(lines).toEqual([])

    advance(1)
    progress.rows = 6_000
    progress.tick('feeds/a.csv')
    // 6,000 rows in 3 s since the import began (the clock started at 1 s, the import at 0).
    expect(lines).toEqual([
      {
        msg: 'feeds/a.csv: 6000 rows so far (2000 rows/s), 2 rejected',
        fields: { rows: 6000, rejected: 2, rowsPerSecond: 2000 },
      },
    ])

    advance(2_000)
    progress.rows = 10_000
    progress.rejected = 3
    progress.tick('feeds/b.csv')
    expect(lines[1].msg).toBe('feeds/b.csv: 10000 rows so far (2000 rows/s), 3 rejected')
  })

  it('rows/s over the whole import, counting the time spent finding files and checking headers', () => {
    const { progress, advance } = setup()
    progress.rows = 3_000
    advance(500) // 1.5 s since the import began
    expect(progress.seconds).toBe(1.5)
    expect(progress.rowsPerSecond).toBe(2_000)
  })
})
