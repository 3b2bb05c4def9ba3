import { describe, expect, it } from 'vitest'
import { FEEDS } from '../src/import/feeds/index.js'

describe('feed specs', () => {
  it.each(Object.values(FEEDS).map((spec) => [spec.kind, spec] as const))(
    '%s: every match key and the column it is made from are columns of the feed',
    (_, spec) => {
      for (const [key, of] of spec.matchKeys ?? []) {
        expect(spec.columns).toContain(key)
        expect(spec.columns).toContain(of)
      }
    },
  )
})
