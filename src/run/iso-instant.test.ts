import { describe, expect, it } from 'vitest'
import { isoInstant } from './iso-instant.js'

describe('isoInstant', () => {
  it('is Date#toISOString for any instant, remembered or not, colliding slots included', () => {
    const base = Date.parse('2026-03-29T00:59:59.990Z')
    const instants = [base, base + 16, base, base + 1, base + 16, -1, 0, 8.64e15, base + 30_000, base]
    for (let i = 0; i < 2000; i++) instants.push(base + ((i * 7919) % 50_000))
    for (const ms of instants) expect(isoInstant(ms)).toBe(new Date(ms).toISOString())
  })
})
