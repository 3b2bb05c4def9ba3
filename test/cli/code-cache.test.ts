import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ROOT, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

describe('the V8 code cache of the CLI bundle', () => {
  it('is written on the first run, and replaces the caches older builds of the same bundle left behind', async () => {
    const cacheDir = path.join(box.env.XDG_CACHE_HOME!, 'circadian')
    mkdirSync(cacheDir, { recursive: true })
    const bundleKey = createHash('sha1').update(path.join(ROOT, 'dist', 'circadian.cjs')).digest('hex').slice(0, 16)
    const older = path.join(cacheDir, `bundle-${bundleKey}-0000000000000000.v8cache`)
    const otherInstall = path.join(cacheDir, 'bundle-ffffffffffffffff-0000000000000000.v8cache')
    for (const file of [older, otherInstall]) {
      writeFileSync(file, 'stale')
      utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'))
    }
    box.write('circadian.config.ts', tsConfig(`{ jobs: { hello: { type: 'command', schedule: '0 9 * * *', command: 'echo hi' } } }`))

    expect((await box.run(['validate'])).code).toBe(0)
    const caches = readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'))
    expect(existsSync(older)).toBe(false)
    expect(existsSync(otherInstall)).toBe(true)
    expect(caches.filter((f) => f.startsWith(`bundle-${bundleKey}-`))).toHaveLength(1)

    // The next run reads that cache and writes nothing new.
    expect((await box.run(['validate'])).code).toBe(0)
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache')).sort()).toEqual(caches.sort())
  })
})
