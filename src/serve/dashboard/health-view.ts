import { redact } from '../../reliability/redact.js'
import { type HealthContext, healthSummary } from '../health.js'

/** Instances whose heartbeat is older than this are listed as stale (as `circadian status` does). */
const LIVE_MS = 30_000
/** Instances silent for longer are not listed at all. */
const LISTED_MS = 5 * 60_000

/** The health strip: instances and their heartbeats, open breakers, dead letters, a rejected config. */
export async function healthStrip(ctx: HealthContext, now = Date.now()) {
  const summary = await healthSummary(ctx, now)
  const instances = await ctx.store.control.liveInstances(new Date(now - LISTED_MS).toISOString()).catch(() => [])
  return {
    status: summary.status,
    reasons: summary.reasons.map(redact),
    running: summary.running,
    uptimeSeconds: summary.uptimeSeconds,
    openBreakers: summary.openBreakers,
    deadLetters: summary.deadLetters,
    stuckRuns: summary.stuckRuns.length,
    reloadError: summary.reloadError === null ? null : redact(summary.reloadError),
    instances: instances.map((i) => {
      const age = Math.max(0, now - Date.parse(i.heartbeat_at))
      return {
        id: i.id,
        host: i.host,
        pid: Number(i.pid),
        version: i.version,
        startedAt: i.started_at,
        heartbeatAgeSeconds: Math.round(age / 1000),
        live: age < LIVE_MS,
        self: i.id === ctx.instance,
      }
    }),
  }
}
