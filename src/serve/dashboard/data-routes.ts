import type { FastifyInstance } from 'fastify'
import { didYouMean } from '../../config/suggest.js'
import type { HealthContext } from '../health.js'
import type { HttpPolicy } from '../http/guard.js'
import { healthStrip } from './health-view.js'
import { dashboardJobs, jobDetail } from './job-views.js'
import { PanelError, type Panels } from './panels.js'
import type { SseHub } from './sse-hub.js'

export interface DataRouteOptions {
  health: HealthContext
  panels: Panels
  hub: SseHub
  policy: () => HttpPolicy
}

/**
 * /api/dashboard/*: what the page reads and panel actions, and the event stream. The guard has already
 * checked the token (every change; reads unless serve.http.publicReads) before any of these runs.
 */
export function registerDataRoutes(app: FastifyInstance, { health, panels, hub, policy }: DataRouteOptions): void {
  const { runtime, store } = health

  app.get('/api/dashboard/meta', async () => {
    // What the guard enforces now (it reads the same policy); the token itself never leaves the server.
    const { token, publicReads } = policy()
    return {
      instance: health.instance,
      tokenRequired: Boolean(token),
      readsNeedToken: Boolean(token) && !publicReads,
      panels: panels.list(),
    }
  })

  app.get('/api/dashboard/jobs', async () => ({
    now: new Date().toISOString(),
    jobs: await dashboardJobs(runtime, store),
  }))

  app.get<{ Params: { job: string } }>('/api/dashboard/jobs/:job', async (req, reply) => {
    const detail = await jobDetail(runtime, store, req.params.job)
    if (!detail)
      return reply
        .status(404)
        .send({ error: `unknown job "${req.params.job}"${didYouMean(req.params.job, runtime.config.jobs.keys())}` })
    return { now: new Date().toISOString(), ...detail }
  })

  app.get('/api/dashboard/health', async () => healthStrip(health))

  app.get('/api/dashboard/panels', async () => ({ panels: await panels.read() }))

  type ActionRoute = { Params: { panel: string; action: string }; Body: { key?: unknown; input?: unknown } | undefined }
  app.post<ActionRoute>('/api/dashboard/panels/:panel/actions/:action', async (req, reply) => {
    const key = req.body?.key
    if (key === undefined || key === null || typeof key === 'object')
      return reply.status(400).send({ error: 'the body needs the row\'s "key" (a string or number)' })
    const input = typeof req.body?.input === 'string' ? req.body.input : undefined
    try {
      const message = await panels.act(req.params.panel, req.params.action, key, input)
      hub.broadcast({ kind: 'panel', panel: req.params.panel })
      return { ok: true, message }
    } catch (err) {
      if (err instanceof PanelError) return reply.status(err.statusCode).send({ error: err.message })
      throw err
    }
  })

  app.get('/api/events', (req, reply) => {
    reply.hijack()
    hub.attach(req.raw, reply.raw)
  })
}
