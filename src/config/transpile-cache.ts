import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Transpiled configs, keyed by the config's path and checked against the size and mtime of every file the
 * bundle was built from (the config and its local imports). A warm `validate` or `run` skips esbuild.
 * Only the transpiled code is cached: the config still runs, and reads the environment, every time. The code
 * holds the config's literals (a password written into it): entries are 0600 in a 0700 directory.
 */
interface Entry {
  inputs: Array<{ file: string; size: number; mtimeMs: number }>
  code: string
}

const VERSION = 1

function cacheDir(): string | null {
  if (process.env.CIRCADIAN_NO_CODE_CACHE) return null
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'circadian', 'configs')
}

function entryPath(dir: string, file: string): string {
  return path.join(
    dir,
    `${createHash('sha1').update(`${VERSION}\0${process.version}\0${file}`).digest('hex').slice(0, 20)}.json`,
  )
}

function unchanged(input: Entry['inputs'][number]): boolean {
  try {
    const st = statSync(input.file)
    return st.size === input.size && st.mtimeMs === input.mtimeMs
  } catch {
    return false
  }
}

export function readTranspiled(file: string): { code: string; inputs: string[] } | null {
  const dir = cacheDir()
  if (!dir) return null
  try {
    const entry = JSON.parse(readFileSync(entryPath(dir, file), 'utf8')) as Entry
    return entry.inputs.length && entry.inputs.every(unchanged)
      ? { code: entry.code, inputs: entry.inputs.map((i) => i.file) }
      : null
  } catch {
    return null
  }
}

export function writeTranspiled(file: string, inputFiles: string[], code: string): void {
  const dir = cacheDir()
  if (!dir) return
  try {
    const inputs = inputFiles.map((f) => {
      const st = statSync(f)
      return { file: f, size: st.size, mtimeMs: st.mtimeMs }
    })
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    // A directory made by an older version (0755) is closed too.
    chmodSync(dir, 0o700)
    const target = entryPath(dir, file)
    const tmp = `${target}.${process.pid}`
    writeFileSync(tmp, JSON.stringify({ inputs, code } satisfies Entry), { mode: 0o600 })
    renameSync(tmp, target)
  } catch {
    // An unwritable cache only costs speed.
  }
}
