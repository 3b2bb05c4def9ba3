import { readFileSync, readdirSync } from 'node:fs'

/**
 * Who a process is, beyond its pid: pids are reused, so a process is known by its pid and its start time
 * (/proc/PID/stat field 22, clock ticks since boot), qualified by the boot id (ticks restart at each boot).
 * Linux only; elsewhere every function answers null and nothing is ever killed on its word.
 */

let cachedBootId: string | null | undefined

function bootId(): string | null {
  if (cachedBootId !== undefined) return cachedBootId
  try {
    cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    cachedBootId = null
  }
  return cachedBootId
}

interface Stat {
  pgrp: number
  startTicks: string
}

function readStat(pid: number): Stat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (in parentheses, may hold spaces): field 3 (state) is index 0.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { pgrp: Number(fields[2]), startTicks: fields[19] }
  } catch {
    return null
  }
}

/** `<boot id>:<start ticks>` of a live process, or null (gone, or not Linux). */
export function processStartToken(pid: number): string | null {
  const boot = bootId()
  const stat = boot ? readStat(pid) : null
  return stat ? `${boot}:${stat.startTicks}` : null
}

/** Live processes whose process group is `pgid`, with their start ticks. */
function groupMembers(pgid: number): Array<{ pid: number; startTicks: bigint }> {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const members: Array<{ pid: number; startTicks: bigint }> = []
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue
    const stat = readStat(Number(entry))
    if (stat && stat.pgrp === pgid) members.push({ pid: Number(entry), startTicks: BigInt(stat.startTicks) })
  }
  return members
}

export type OrphanVerdict =
  /** The group was ours and still alive: its processes were sent SIGKILL. */
  | { kind: 'killed'; pids: number[] }
  /** Nothing of the group is left. */
  | { kind: 'gone' }
  /** The pid now belongs to another process (or a process the group did not start): left alone. */
  | { kind: 'reused' }
  /** The record cannot be checked here (another boot, no /proc): left alone. */
  | { kind: 'unverifiable' }

/**
 * Stops what is left of a process group a dead process started, if and only if it is provably that group:
 * same boot, and either its leader still has the recorded start time, or (the leader gone) its members all
 * started after the leader did. The kernel never hands out a pid still used as a process group id, so a
 * group whose members pass this check is the recorded one.
 */
export function killOrphanGroup(pgid: number, startToken: string): OrphanVerdict {
  const boot = bootId()
  const sep = startToken.lastIndexOf(':')
  if (!boot || sep < 0 || startToken.slice(0, sep) !== boot) return { kind: 'unverifiable' }
  const started = BigInt(startToken.slice(sep + 1))
  const leader = readStat(pgid)
  if (leader && (leader.startTicks !== String(started) || leader.pgrp !== pgid)) return { kind: 'reused' }
  const members = groupMembers(pgid)
  if (!members.length) return { kind: 'gone' }
  if (members.some((m) => m.startTicks < started)) return { kind: 'reused' }
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return { kind: 'gone' }
    throw err
  }
  return { kind: 'killed', pids: members.map((m) => m.pid) }
}
