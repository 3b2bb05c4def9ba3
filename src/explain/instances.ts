import type { InstanceRow } from '../state/control.js'

/** serve heartbeats every 5 s; an instance not stopped counts as up this long after its last heartbeat. */
const HEARTBEAT_SLACK_MS = 15_000

export interface Coverage {
  /** Instances up at the instant. */
  up: string[]
  /** The latest heartbeat or stop before the instant, of an instance not up then. */
  lastBefore: { id: string; at: string } | null
  /** The first instance start after the instant. */
  nextStart: { id: string; at: string } | null
}

/**
 * Which serve instances were up at an instant, from the `instances` table: each row spans its start to its
 * stop (or last heartbeat). The table keeps one row per instance id (host:pid), so a pid reused on the same
 * host overwrites the older span.
 */
export function coverageAt(instances: readonly InstanceRow[], instant: number): Coverage {
  const up: string[] = []
  let lastBefore: Coverage['lastBefore'] = null
  let nextStart: Coverage['nextStart'] = null
  for (const i of instances) {
    const start = Date.parse(i.started_at)
    const end = i.stopped_at ? Date.parse(i.stopped_at) : Date.parse(i.heartbeat_at) + HEARTBEAT_SLACK_MS
    if (start <= instant && instant <= end) up.push(i.id)
    else if (end < instant && (!lastBefore || Date.parse(lastBefore.at) < end))
      lastBefore = { id: i.id, at: i.stopped_at ?? i.heartbeat_at }
    else if (start > instant && (!nextStart || Date.parse(nextStart.at) > start))
      nextStart = { id: i.id, at: i.started_at }
  }
  return { up, lastBefore, nextStart }
}
