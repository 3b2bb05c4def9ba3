import type { FastifyInstance } from 'fastify'
import { cancelReasonText, requestCancel } from '../../run/cancel-request.js'
import { UserError } from '../../errors.js'
import type { HealthContext } from '../health.js'

type CancelRoute = { Params: { id: string }; Body: { reason?: unknown } | undefined }

/** How long the answer waits for the run to stop (the instance holding it sees the request within 1 s). */
const WAIT_MS = 3000

/**
 * POST /api/runs/:id/cancel {reason?}: a state change, so the guard (guard.ts) asks for the token, our origin and JSON. Goes through the store, so it
 * reaches the run whichever instance holds it; answers how the run ended, or that it is still stopping.
 */
export function registerCancelRoutes(app: FastifyInstance, ctx: HealthContext): void {
  app.post<CancelRoute>('/api/runs/:id/cancel', async (req, reply) => {
    const reason = typeof req.body?.reason === 'string' ? cancelReasonText(req.body.reason) : null
    const row = await ctx.store.runControl.get(req.params.id)
    if (!row) return reply.status(404).send({ error: `no run with id ${req.params.id}` })
    try {
      const result = await requestCancel(ctx.store, row.id, 'api', reason, WAIT_MS)
      const [run] = result.runs
      return reply.status(run.status ? 200 : 202).send({ ...run, cancelled: true })
    } catch (err) {
      if (err instanceof UserError) return reply.status(409).send({ error: err.message })
      throw err
    }
  })
}
