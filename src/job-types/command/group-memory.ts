import { readFileSync, readdirSync } from 'node:fs'

/**
 * Resident memory (bytes) of every process in a process group, read from /proc (Linux). Returns null where
 * /proc is not available.
 */
export function processGroupRss(pgid: number): number | null {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return null
  }
  let total = 0
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the command name (which is in parentheses and may contain spaces): state, ppid, pgrp, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) !== pgid) continue
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))
      if (kb) total += Number(kb[1]) * 1024
    } catch {
      // The process ended while we looked.
    }
  }
  return total
}
