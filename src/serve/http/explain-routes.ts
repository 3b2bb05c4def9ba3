import type { FastifyInstance, FastifyReply } from 'fastify'
import { UserError } from '../../errors.js'
import { explainAt, explainRun } from '../../explain/explain.js'
import type { HealthContext } from '../health.js'

/**
 * /api/jobs/:job/explain?at=TIME and /api/runs/:id/explain: the dashboard's "Why?", the same explanation as
 * `circadian explain`. Reads of job data: the guard (guard.ts) asks for the token when reads need it.
 */
export function registerExplainRoutes(app: FastifyInstance, ctx: HealthContext): void {
  const { runtime, store } = ctx
  const answer = async (reply: FastifyReply, work: () => Promise<unknown>) => {
    try {
      return await work()
    } catch (err) {
      if (err instanceof UserError)
        return reply
          .status(err.message.startsWith('no run') || err.message.startsWith('unknown job') ? 404 : 400)
          .send({ error: err.message })
      throw err
    }
  }
  app.get<{ Params: { job: string }; Querystring: { at?: string } }>('/api/jobs/:job/explain', async (req, reply) => {
    if (typeof req.query.at !== 'string' || !req.query.at)
      return reply
        .status(400)
        .send({ error: 'give the time to explain as ?at=ISO (e.g. 2026-03-29T02:30 or 2026-03-29T00:30:00Z)' })
    const at = req.query.at.slice(0, 40)
    return answer(reply, () => explainAt(runtime.config, store, req.params.job, at, Date.now()))
  })
  app.get<{ Params: { id: string } }>('/api/runs/:id/explain', async (req, reply) =>
    answer(reply, () => explainRun(runtime.config, store, req.params.id.slice(0, 64), Date.now())),
  )
}
