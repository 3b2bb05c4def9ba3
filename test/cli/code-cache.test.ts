import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'

// bin/load-bundle.js on a small stand-in bundle of its own, in a child process as bin/run.js uses it.
let dir: string
let bundle: string
let cacheHome: string
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-code-cache-'))
  bundle = path.join(dir, 'dist', 'circadian.cjs')
  cacheHome = path.join(dir, 'cache')
  mkdirSync(path.dirname(bundle), { recursive: true })
  writeFileSync(bundle, `exports.answer = ${'[1, 2, 3].map((n) => n * 2).length + '.repeat(200)}0\n`)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function load(): number {
  const loader = pathToFileURL(path.join(ROOT, 'bin', 'load-bundle.js')).href
  const script = `const { loadBundle } = await import(${JSON.stringify(loader)}); console.log(loadBundle(new URL(${JSON.stringify(pathToFileURL(bundle).href)})).answer)`
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome }
  delete env.CIRCADIAN_NO_CODE_CACHE
  delete env.NODE_OPTIONS
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }))
}

const userCaches = () =>
  existsSync(path.join(cacheHome, 'circadian'))
    ? readdirSync(path.join(cacheHome, 'circadian')).filter((f) => f.endsWith('.v8cache'))
    : []
const pathKey = () => createHash('sha1').update(bundle).digest('hex').slice(0, 16)

describe('the V8 code cache of the CLI bundle', () => {
  it('the first run writes one; the next runs read it and write nothing', () => {
    expect(load()).toBe(600)
    const written = userCaches()
    expect(written).toHaveLength(1)
    expect(written[0]).toMatch(new RegExp(`^bundle-${pathKey()}-[0-9a-f]{16}\\.v8cache$`))
    expect(load()).toBe(600)
    expect(userCaches()).toEqual(written)
  })

  it('a new cache removes the ones written for the same bundle before it was built (and unkeyed ones of older builds), not other bundles', () => {
    const cacheDir = path.join(cacheHome, 'circadian')
    mkdirSync(cacheDir, { recursive: true })
    const olderBuild = path.join(cacheDir, `bundle-${pathKey()}-0000000000000000.v8cache`)
    const otherInstall = path.join(cacheDir, 'bundle-ffffffffffffffff-0000000000000000.v8cache')
    const unkeyed = path.join(cacheDir, 'bundle-0123456789abcdef.v8cache') // named as builds before the path hash were
    for (const file of [olderBuild, otherInstall, unkeyed]) {
      writeFileSync(file, 'stale')
      utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'))
    }
    expect(load()).toBe(600)
    expect(existsSync(olderBuild)).toBe(false)
    expect(existsSync(unkeyed)).toBe(false)
    expect(existsSync(otherInstall)).toBe(true)
    expect(userCaches().filter((f) => f.startsWith(`bundle-${pathKey()}-`))).toHaveLength(1)
  })

  it('adopts the cache the build left beside the bundle (named by its content) as its own, byte for byte', () => {
    load()
    const [made] = userCaches()
    const shipped = path.join(
      path.dirname(bundle),
      `circadian-${createHash('sha1').update(readFileSync(bundle, 'utf8')).digest('hex').slice(0, 16)}.v8cache`,
    )
    copyFileSync(path.join(cacheHome, 'circadian', made), shipped)
    rmSync(cacheHome, { recursive: true })

    expect(load()).toBe(600)
    expect(userCaches()).toEqual([made])
    expect(readFileSync(path.join(cacheHome, 'circadian', made))).toEqual(readFileSync(shipped))
    // Later runs read the user's copy: the build's file is no longer needed, and nothing is written again.
    rmSync(shipped)
    const before = readFileSync(path.join(cacheHome, 'circadian', made))
    expect(load()).toBe(600)
    expect(readFileSync(path.join(cacheHome, 'circadian', made))).toEqual(before)

    // A changed bundle has another name: the build's cache for the old one is never used for it.
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace('exports.answer = ', 'exports.answer = 1 + '))
    expect(load()).toBe(601)
    expect(userCaches()).toHaveLength(1)
  })
})
