import type { JobDefinition } from '../config/model.js'
import type { StoreAccess } from '../config/store-access.js'
import { openStore } from '../state/store.js'
import { startedOrEnded } from '../state/runs.js'

export interface JobStatus {
  job: string
  type: string
  enabled: boolean
  paused: boolean
  pauseReason: string | null
  nextFire: string | null
  lastRun: { id: string; status: string; at: string } | null
  lastSuccessAt: string | null
  running: number
  consecutiveFailures: number
}

export interface InstanceStatus {
  id: string
  host: string
  pid: number
  version: string
  startedAt: string
  heartbeatAgeSeconds: number
  live: boolean
  running: string[]
}

const LIVE_MS = 30_000

/**
 * What `circadian status` shows: every job's state and every instance seen recently, from the store. Without
 * a valid config (StoreAccess), the jobs are those the store has seen, with no type or next fire.
 */
export async function readStatus(
  access: StoreAccess,
  now = Date.now(),
): Promise<{ instances: InstanceStatus[]; jobs: JobStatus[] }> {
  const { config } = access
  const store = await openStore(access.state)
  try {
    const states = new Map((await store.jobState.all()).map((s) => [s.job, s]))
    const runningRows: Array<{ id: string; job: string; instance: string }> = await startedOrEnded(
      store.knex('runs').where({ status: 'running' }),
      now,
    ).select('id', 'job', 'instance')
    const instances = await store
      .knex('instances')
      .whereNull('stopped_at')
      .andWhere('heartbeat_at', '>=', new Date(now - 10 * LIVE_MS).toISOString())
      .orderBy('started_at')
    const known: Array<{ name: string; job?: JobDefinition }> = config
      ? [...config.jobs.values()].map((job) => ({ name: job.name, job }))
      : [...states.keys()].sort().map((name) => ({ name }))
    const jobs = known.map(({ name, job }): JobStatus => {
      const s = states.get(name)
      const watermark = s?.watermark ? Date.parse(s.watermark) : 0
      const next = job && job.core.enabled && job.trigger ? job.trigger.next(Math.max(now, watermark)) : null
      return {
        job: name,
        type: job?.type ?? 'unknown',
        enabled: job?.core.enabled ?? true,
        paused: s?.paused ?? false,
        pauseReason: s?.pause_reason ?? null,
        nextFire: next === null ? null : new Date(next).toISOString(),
        lastRun: s?.last_run_id
          ? { id: s.last_run_id, status: s.last_status ?? 'unknown', at: s.last_run_at ?? '' }
          : null,
        lastSuccessAt: s?.last_success_at ?? null,
        running: runningRows.filter((r) => r.job === name).length,
        consecutiveFailures: s?.consecutive_failures ?? 0,
      }
    })
    return {
      jobs,
      instances: instances.map(
        (i: { id: string; host: string; pid: number; version: string; started_at: string; heartbeat_at: string }) => {
          const age = Math.max(0, Math.round((now - Date.parse(i.heartbeat_at)) / 1000))
          return {
            id: i.id,
            host: i.host,
            pid: Number(i.pid),
            version: i.version,
            startedAt: i.started_at,
            heartbeatAgeSeconds: age,
            live: age * 1000 < LIVE_MS,
            running: runningRows.filter((r) => r.instance === i.id).map((r) => `${r.job}:${r.id}`),
          }
        },
      ),
    }
  } finally {
    await store.close()
  }
}
