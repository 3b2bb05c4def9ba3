// The build rewrites a few lines of its dependencies for start-up speed (scripts/bundle-options.mjs). These
// tests hold the rewritten code to the behaviour of the original (zod is no longer rewritten: issue 23).
import { isAscii } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: plain JavaScript build script, no declarations
import { plainRangeSatisfies } from '../../scripts/bundle-options.mjs'

const require = createRequire(import.meta.url)

describe('the engine check without semver', () => {
  const semver = require('semver') as { satisfies(v: string, r: string): boolean }
  const versions = ['18.19.0', '20.0.0', '20.11.1', '20.20.2', '21.0.0', '22.3.4', '19.9.9', '20.0.1', '100.0.0']
  const ranges = ['>=20', '>=20.0.0', '>= 20.11', '>=20.11.1', '>=20.11.2', '>=21', '>=v20', '>=18.19.0']

  it.each(ranges)('%s: agrees with semver for every release version', (range) => {
    for (const version of versions)
      expect(plainRangeSatisfies(version, range), `${version} ${range}`).toBe(semver.satisfies(version, range))
  })

  it('leaves other ranges and versions to semver', () => {
    expect(plainRangeSatisfies('20.0.0', '^20')).toBeUndefined()
    expect(plainRangeSatisfies('20.0.0', '>=18 <22')).toBeUndefined()
    expect(plainRangeSatisfies('21.0.0-pre', '>=20')).toBeUndefined()
  })
})

describe('the built bundle', () => {
  it('is ASCII, so bin/load-bundle.js reads it without the UTF-8 decoder', () => {
    expect(isAscii(readFileSync(new URL('../../dist/circadian.cjs', import.meta.url)))).toBe(true)
  })
})
