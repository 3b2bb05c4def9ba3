import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as api from '../src/api.js'

describe('the public API', () => {
  it('src/index.ts hands out every value src/api.ts exports (the shim lists them by name)', () => {
    const shim = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8')
    const listed = /export const \{([^}]+)\} = api/
      .exec(shim)![1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    expect(listed.sort()).toEqual(Object.keys(api).sort())
  })
})
