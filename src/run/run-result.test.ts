import { describe, expect, it } from 'vitest'
import { runResultSchema } from './job-type.js'
import { parseRunResult } from './run-result.js'

const values: unknown[] = [
  { status: 'ok' },
  { status: 'alert', summary: '3 rows' },
  { status: 'skipped', summary: 'nothing to do', data: { n: 1 } },
  { status: 'ok', data: undefined },
  { status: 'ok', summary: undefined },
  { status: 'ok', extra: 'stripped' },
  { status: 'ok', output: { stdout: 'out', stderr: '' } },
  { status: 'ok', output: { stdout: 1 } },
  { status: 'ok', summary: 42 },
  { status: 'done' },
  { status: 'OK' },
  {},
  Object.create({ status: 'ok' }),
  Object.assign(Object.create(null), { status: 'ok' }),
  null,
  undefined,
  'ok',
  42,
  [{ status: 'ok' }],
]

describe('parseRunResult', () => {
  it('accepts and returns exactly what the schema does, for every shape', () => {
    for (const value of values) {
      const parsed = runResultSchema.safeParse(value)
      expect(parseRunResult(value), JSON.stringify(value)).toEqual(parsed.success ? parsed.data : null)
    }
  })

  it('keeps the common result as it is, without a copy', () => {
    const result = { status: 'ok' as const, summary: 'fine', data: { rows: 3 } }
    expect(parseRunResult(result)).toBe(result)
  })
})
