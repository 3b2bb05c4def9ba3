import { statSync } from 'node:fs'
import type { DatabaseConfig } from '../config/schema/database.js'

/** How often the state file is checked: a removal is noticed within this (well under 5 s). */
export const STATE_FILE_CHECK_MS = 2000

/**
 * Watches a SQLite state file for being removed or replaced while serve runs. SQLite keeps writing to the
 * file it opened, so a deleted or swapped file would silently split history: what serve records would go
 * to a file nobody can open, while the CLI makes a fresh one. `onChange` is told the problem (a sentence)
 * or null when the very same file (device and inode) is back.
 */
export function guardStateFile(
  database: DatabaseConfig,
  onChange: (problem: string | null) => void,
  intervalMs = STATE_FILE_CHECK_MS,
): { stop(): void } {
  const filename = database.client === 'better-sqlite3' ? database.filename : undefined
  if (!filename || filename === ':memory:') return { stop() {} }
  const identity = (): { dev: number; ino: number } | null => {
    try {
      const s = statSync(filename)
      return { dev: s.dev, ino: s.ino }
    } catch {
      return null
    }
  }
  const original = identity()
  if (!original) return { stop() {} }
  let problem: string | null = null
  const check = () => {
    const now = identity()
    const next = !now
      ? `the state file ${filename} was removed while serve runs; nothing is fired until it is back or serve is restarted`
      : now.dev !== original.dev || now.ino !== original.ino
        ? `the state file ${filename} was replaced by another file while serve runs; nothing is fired until serve is restarted`
        : null
    if (next === problem) return
    problem = next
    onChange(problem)
  }
  const timer = setInterval(check, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
