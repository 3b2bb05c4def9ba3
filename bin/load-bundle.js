// Loads dist/circadian.cjs with a V8 code cache: what Node 22 does with module.enableCompileCache(), which
// Node 20 lacks. The first run compiles and saves the cache (at exit, so it holds every function that ran);
// later runs skip most parsing and compiling. The cache lives in the user's own cache directory, and V8
// rejects it by itself when the bundle or Node changes.
import { isAscii } from 'node:buffer'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'

const shortHash = (text) => createHash('sha1').update(text).digest('hex').slice(0, 16)

function readIfPresent(file) {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}

function cacheFileFor(filename, source) {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  // V8 rejects a cache made under other flags (--cpu-prof, --no-opt, ...): one file per flag set, so runs
  // with and without them do not keep overwriting each other's cache.
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ')
  const key = shortHash(
    `${process.version}\0${process.arch}\0${source.length}\0${statSync(filename).mtimeMs}\0${flags}`,
  )
  return path.join(base, 'circadian', `bundle-${shortHash(filename)}-${key}.v8cache`)
}

// Caches named before they carried the bundle path's hash (circadian 0.1.0 builds up to this one).
const UNKEYED_CACHE = /^bundle-[0-9a-f]{16}\.v8cache$/

/** Every rebuild or upgrade writes a new cache: drop those written before this bundle was (older builds'). */
function pruneOlderCaches(cacheFile, bundleMtimeMs) {
  const dir = path.dirname(cacheFile)
  const prefix = path.basename(cacheFile).split('-').slice(0, 2).join('-') + '-'
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    const older = name.startsWith(prefix) || UNKEYED_CACHE.test(name)
    if (older && file !== cacheFile && statSync(file).mtimeMs < bundleMtimeMs) rmSync(file, { force: true })
  }
}

/**
 * The cache the build leaves beside the bundle (scripts/code-cache.mjs), named by the bundle's content: a
 * fresh machine's first run (a CI runner right after `npm ci`) starts as fast as later ones.
 */
export function shippedCacheFor(filename, source) {
  return path.join(path.dirname(filename), `circadian-${shortHash(source)}.v8cache`)
}

/** `alias`: another path oclif should find this instance under (bin/dev.js's in-memory build). */
export function loadBundle(url, alias) {
  const filename = fileURLToPath(url)
  // esbuild writes ASCII (it escapes the rest): read as latin1, the same text, without the UTF-8 reader's
  // growing buffers (~4 MB of fresh pages for a 1.2 MB file, each page a fault: ~5 ms).
  const bytes = readFileSync(filename)
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')
  const cacheFile = process.env.CIRCADIAN_NO_CODE_CACHE ? null : cacheFileFor(filename, source)
  // The build's cache, when the user's own is missing: V8 rejects it by itself if another Node version or
  // other flags made it.
  const ownCache = cacheFile ? readIfPresent(cacheFile) : undefined
  const cachedData = ownCache ?? (cacheFile ? readIfPresent(shippedCacheFor(filename, source)) : undefined)
  const script = new vm.Script(Module.wrap(source), {
    filename,
    cachedData,
  })
  // The bundle's import() calls (config files, ESM plugins, lazily loaded packages) run from this module.
  globalThis.__circadianImport ??= (specifier) => import(specifier)
  const mod = new Module(filename, null)
  mod.filename = filename
  mod.paths = Module._nodeModulePaths(path.dirname(filename))
  // oclif require()s the bundle to find commands and hooks: it must get this instance, not a second copy.
  Module._cache[filename] = mod
  if (alias) Module._cache[alias] = mod
  script.runInThisContext()(mod.exports, createRequire(filename), mod, filename, path.dirname(filename))
  mod.loaded = true
  if (cacheFile && (!ownCache || script.cachedDataRejected)) {
    // The build's cache, once V8 accepted it, becomes the user's own: later runs find it by a short key
    // instead of hashing the whole bundle to find the build's.
    const adopt = cachedData && !script.cachedDataRejected ? cachedData : null
    process.once('exit', () => {
      try {
        // Private to the user, like every cache circadian writes (0700 directory, 0600 files).
        mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 })
        const tmp = `${cacheFile}.${process.pid}`
        writeFileSync(tmp, adopt ?? script.createCachedData(), { mode: 0o600 })
        renameSync(tmp, cacheFile)
        pruneOlderCaches(cacheFile, statSync(filename).mtimeMs)
      } catch {
        // A read-only or full cache directory only costs speed.
      }
    })
  }
  return mod.exports
}
