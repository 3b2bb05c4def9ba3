import os from 'node:os'
import type { ValidatedConfig } from '../config/model.js'
import { openStore } from '../state/store.js'
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

/** Pauses or resumes a job in the store; a running serve sees it within a second. */
export async function setPaused(config: ValidatedConfig, job: string, paused: boolean, reason?: string): Promise<{ liveInstances: number }> {
  selectJobs(config, [job])
  const store = await openStore(config.state)
  try {
    const now = Date.now()
    await store.control.setPaused(job, paused, new Date(now).toISOString(), reason, `cli:${requester()}`)
    return { liveInstances: (await store.control.liveInstances(new Date(now - LIVE_MS).toISOString())).length }
  } finally {
    await store.close()
  }
}

/** Asks a running serve to run the job now (it picks the request up within a second). */
export async function requestTrigger(config: ValidatedConfig, job: string): Promise<{ requestId: number; liveInstances: number }> {
  selectJobs(config, [job])
  const store = await openStore(config.state)
  try {
    const now = Date.now()
    const requestId = await store.control.addRequest({ job, action: 'trigger', trigger: 'manual', created_at: new Date(now).toISOString(), created_by: requester() })
    return { requestId, liveInstances: (await store.control.liveInstances(new Date(now - LIVE_MS).toISOString())).length }
  } finally {
    await store.close()
  }
}
