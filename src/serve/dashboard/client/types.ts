// The shapes the page receives, taken from the server modules that build them (type imports only: nothing
// of the server ends up in the browser bundle).
import type { healthStrip } from '../health-view.js'
import type { dashboardJobs, jobDetail } from '../job-views.js'
import type { runOutput } from '../../http/run-reads.js'
import type { Panels } from '../panels.js'

export type { DashboardEvent } from '../sse-hub.js'

export type JobRow = Awaited<ReturnType<typeof dashboardJobs>>[number]
export type JobDetail = NonNullable<Awaited<ReturnType<typeof jobDetail>>> & { now: string }
export type RunRow = JobDetail['runs'][number]
export type RunOutput = NonNullable<Awaited<ReturnType<typeof runOutput>>>
export type Health = Awaited<ReturnType<typeof healthStrip>>
export type Panel = Awaited<ReturnType<Panels['read']>>[number]
export type PanelInfo = ReturnType<Panels['list']>[number]

export interface Meta {
  instance: string
  /** Changes need the token. */
  tokenRequired: boolean
  /** Reads (this page's data and event stream) need it too. */
  readsNeedToken: boolean
  panels: PanelInfo[]
}
