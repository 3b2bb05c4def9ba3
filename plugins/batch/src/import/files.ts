import { statSync } from 'node:fs'
import path from 'node:path'
import { glob, isDynamicPattern } from 'tinyglobby'
import { FeedError } from './feed-error.js'

export interface FeedFile {
  /** Absolute path. */
  file: string
  /** As shown in messages and stored with rejects: relative to the config's directory when inside it. */
  display: string
}

function displayPath(file: string, configDir: string): string {
  const rel = path.relative(configDir, file)
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file
}

/**
 * The files of a feed: each entry is a path or a glob (`feeds/listings-*.csv`), relative to the config's
 * directory. Globs are expanded in name order. An entry that matches nothing fails the import.
 */
export async function resolveFeedFiles(patterns: string[], configDir: string): Promise<FeedFile[]> {
  const found = new Map<string, FeedFile>()
  for (const pattern of patterns) {
    const absolute = path.resolve(configDir, pattern)
    let files: string[]
    if (isDynamicPattern(pattern)) {
      files = (
        await glob([pattern.split(path.sep).join('/')], {
          cwd: configDir,
          absolute: true,
          onlyFiles: true,
          expandDirectories: false,
          dot: false,
        })
      ).sort()
      if (!files.length) throw new FeedError(`no file matches ${pattern} (in ${configDir})`, 'no-files')
    } else {
      let isFile = false
      try {
        isFile = statSync(absolute).isFile()
      } catch {
        throw new FeedError(`${pattern} does not exist (in ${configDir})`, 'no-files')
      }
      if (!isFile) throw new FeedError(`${pattern} is not a file (in ${configDir})`, 'no-files')
      files = [absolute]
    }
    for (const file of files) {
      const resolved = path.resolve(file)
      if (!found.has(resolved)) found.set(resolved, { file: resolved, display: displayPath(resolved, configDir) })
    }
  }
  return [...found.values()]
}
