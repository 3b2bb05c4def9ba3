import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { didYouMean } from '../../config/suggest.js'
import { runView } from '../../run/run-view.js'
import { RUN_STATUSES, type RunStatus } from '../../state/runs.js'
import { jobsView } from '../api-views.js'
import type { HealthContext } from '../health.js'
import { listRuns, outputPath, runListView, runOutput } from './run-reads.js'

/** Above this, a run's `data` is left out of GET /api/runs/:id (it says how big it was). */
const MAX_DATA_CHARS = 256 * 1024

/**
 * /api: the jobs, their runs (without output), one run, one run's output; trigger, pause and resume. Who
 * may call what is decided before any of this runs (guard.ts).
 */
export function registerApiRoutes(app: FastifyInstance, ctx: HealthContext): void {
  const { runtime, store } = ctx
  const knownJob = (name: string, reply: FastifyReply): boolean => {
    if (runtime.config.jobs.has(name)) return true
    void reply.status(404).send({ error: `unknown job "${name}"${didYouMean(name, runtime.config.jobs.keys())}` })
    return false
  }

  app.get('/api/jobs', async () => ({ jobs: await jobsView(runtime, store) }))

  app.get<{ Params: { job: string }; Querystring: { limit?: string; status?: string } }>(
    '/api/jobs/:job/runs',
    async (req, reply) => {
      if (!knownJob(req.params.job, reply)) return reply
      const limit = req.query.limit === undefined ? 50 : Number(req.query.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        return reply.status(400).send({ error: 'limit must be a whole number from 1 to 1000' })
      const status = req.query.status as RunStatus | undefined
      if (status !== undefined && !RUN_STATUSES.includes(status))
        return reply.status(400).send({ error: `status must be one of ${RUN_STATUSES.join(', ')}` })
      const rows = await listRuns(store, { job: req.params.job, status, limit })
      return { runs: rows.map(runListView) }
    },
  )

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => {
    const row = await store.runs.get(req.params.id)
    if (!row) return reply.status(404).send({ error: `no run "${req.params.id}"` })
    const dataChars = row.data?.length ?? 0
    const oversized = dataChars > MAX_DATA_CHARS
    // A damaged row is shown as such (runView marks it malformed), never a 500.
    const { output: _output, data, ...view } = runView({ ...row, output: null, data: oversized ? null : row.data })
    const shown = oversized ? { omitted: `${dataChars} characters, over ${MAX_DATA_CHARS}` } : data
    return { ...view, data: shown, outputUrl: `/${outputPath(row.id)}` }
  })

  app.get<{ Params: { id: string } }>('/api/runs/:id/output', async (req, reply) => {
    const output = await runOutput(store, req.params.id)
    return output ?? reply.status(404).send({ error: `no run "${req.params.id}"` })
  })

  app.post<{ Params: { job: string } }>('/api/jobs/:job/trigger', async (req, reply) => {
    if (!knownJob(req.params.job, reply)) return reply
    const recorded = new Promise<{ runId: string; status: string } | null>((resolve) => {
      setTimeout(() => resolve(null), 5000).unref()
      void runtime.trigger(req.params.job, 'api', (runId, status) => resolve({ runId, status }))
    })
    const run = await recorded
    return reply.status(202).send({ job: req.params.job, accepted: true, ...(run ?? {}) })
  })

  type PauseRoute = { Params: { job: string }; Body: { reason?: unknown } | undefined }
  const setPaused = (paused: boolean) => async (req: FastifyRequest<PauseRoute>, reply: FastifyReply) => {
    if (!knownJob(req.params.job, reply)) return reply
    const reason = typeof req.body?.reason === 'string' ? req.body.reason : undefined
    await store.control.setPaused(req.params.job, paused, new Date().toISOString(), reason, 'api')
    if (paused) runtime.paused.add(req.params.job)
    else runtime.paused.delete(req.params.job)
    return { job: req.params.job, paused }
  }
  app.post<PauseRoute>('/api/jobs/:job/pause', setPaused(true))
  app.post<PauseRoute>('/api/jobs/:job/resume', setPaused(false))
}
