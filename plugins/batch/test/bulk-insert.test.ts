import { describe, expect, it } from 'vitest'
import { sqlLiteral } from '../src/db/bulk-insert.js'

describe('fixed values written into a bulk statement', () => {
  it('writes ids, counters and timestamps as literals', () => {
    expect(sqlLiteral(42)).toBe('42')
    expect(sqlLiteral('01KBX3ZQ5M8V2N7P4R6T9W1Y3A')).toBe("'01KBX3ZQ5M8V2N7P4R6T9W1Y3A'")
    expect(sqlLiteral('2026-12-06T03:20:47.885Z')).toBe("'2026-12-06T03:20:47.885Z'")
    expect(sqlLiteral('open')).toBe("'open'")
  })

  it('refuses anything that would need escaping, or is not a whole number', () => {
    for (const bad of ["it's", 'a\\b', 'two words', 'x;drop table t', '"q"', '東京'])
      expect(() => sqlLiteral(bad)).toThrow('not a literal')
    for (const bad of [1.5, Number.NaN, 2 ** 60]) expect(() => sqlLiteral(bad)).toThrow('not a literal')
  })
})
