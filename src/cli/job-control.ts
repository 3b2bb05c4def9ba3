import os from 'node:os'
import type { StoreAccess } from '../config/store-access.js'
import { didYouMean } from '../config/suggest.js'
import { UserError } from '../errors.js'
import { type Store, openStore } from '../state/store.js'
import { UsageError } from './base-command.js'
import { selectJobs } from './select-jobs.js'

const LIVE_MS = 30_000

/** Who asked, for the request row: the OS user. */
function requester(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

/** Without a valid config, a job is known when the store has seen it (a state row or a run). */
async function checkJob(access: StoreAccess, store: Store, job: string): Promise<void> {
  if (access.config) {
    selectJobs(access.config, [job])
    return
  }
  if (await store.jobState.get(job)) return
  if ((await store.runs.list({ job, limit: 1 })).length) return
  const known = (await store.jobState.all()).map((s) => s.job)
  throw new UsageError(
    `Unknown job "${job}"${didYouMean(job, known)}: the config on disk is invalid, so only jobs the store has seen are accepted (${known.join(', ') || 'none'})`,
  )
}

async function withStore<T>(
  access: StoreAccess,
  job: string,
  use: (store: Store, now: number) => Promise<T>,
): Promise<T & { liveInstances: number; running: number }> {
  const store = await openStore(access.state)
  try {
    await checkJob(access, store, job)
    const now = Date.now()
    const result = await use(store, now)
    const liveInstances = (await store.control.liveInstances(new Date(now - LIVE_MS).toISOString())).length
    const running = (await store.runs.list({ job, status: 'running', limit: 1000 })).length
    return { ...result, liveInstances, running }
  } finally {
    await store.close()
  }
}

export interface PauseResult {
  /** Paused before this command. */
  wasPaused: boolean
  previousReason: string | null
  reason: string | null
  liveInstances: number
  running: number
}

/**
 * Pauses a job (a running serve sees it within a second). Pausing a paused job keeps its reason unless a
 * new one is given; the result says which.
 */
export async function pauseJob(access: StoreAccess, job: string, reason?: string): Promise<PauseResult> {
  return withStore(access, job, async (store, now) => {
    const before = await store.jobState.get(job)
    const wasPaused = !!before?.paused
    const previousReason = before?.pause_reason ?? null
    const next = reason ?? (wasPaused ? previousReason : null)
    if (!wasPaused || next !== previousReason)
      await store.control.setPaused(job, true, new Date(now).toISOString(), next ?? undefined, `cli:${requester()}`)
    return { wasPaused, previousReason, reason: next }
  })
}

export interface ResumeResult {
  wasPaused: boolean
  liveInstances: number
  running: number
}

/** Resumes a paused job; a job that was not paused is left as it is, and the result says so. */
export async function resumeJob(access: StoreAccess, job: string): Promise<ResumeResult> {
  return withStore(access, job, async (store, now) => {
    const wasPaused = !!(await store.jobState.get(job))?.paused
    if (wasPaused)
      await store.control.setPaused(job, false, new Date(now).toISOString(), undefined, `cli:${requester()}`)
    return { wasPaused }
  })
}

/** A trigger for a paused job would only be recorded as skipped (paused): refused, with what to do instead. */
export class PausedJobError extends UserError {}

/** Asks a running serve to run the job now (it picks the request up within a second). */
export async function requestTrigger(
  access: StoreAccess,
  job: string,
): Promise<{ requestId: number; liveInstances: number; running: number }> {
  return withStore(access, job, async (store, now) => {
    const state = await store.jobState.get(job)
    if (state?.paused) {
      throw new PausedJobError(
        `${job} is paused${state.pause_reason ? ` (${state.pause_reason})` : ''}: a triggered run would be skipped. Resume it first (circadian resume ${job}), or run it here once: circadian run ${job}`,
      )
    }
    const requestId = await store.control.addRequest({
      job,
      action: 'trigger',
      trigger: 'manual',
      created_at: new Date(now).toISOString(),
      created_by: requester(),
    })
    return { requestId }
  })
}
