import type { FastifyInstance } from 'fastify'
import { redact } from '../../reliability/redact.js'
import { healthSummary, liveness, readiness } from '../health.js'
import { authorized } from './guard.js'
import type { HttpOptions } from './server.js'

/**
 * /health/live, /health/ready, /health and /metrics: open without the token, for probes and scrapers. They
 * show states and counts; /health names runs, summaries and config problems only to callers with the token
 * (or to everyone when no token is set, or with serve.http.publicReads).
 */
export function registerHealthRoutes(app: FastifyInstance, options: HttpOptions): void {
  const ctx = options.health
  app.get('/health/live', async (_req, reply) => {
    const live = liveness(ctx)
    return reply.status(live.ok ? 200 : 503).send(live)
  })
  app.get('/health/ready', async (_req, reply) => {
    const ready = await readiness(ctx)
    return reply
      .status(ready.ok ? 200 : 503)
      .send({ ...ready, checks: Object.fromEntries(Object.entries(ready.checks).map(([k, v]) => [k, redact(v)])) })
  })
  app.get('/health', async (req) => {
    const policy = options.policy()
    const summary = await healthSummary(ctx, Date.now(), policy.publicReads || authorized(req, policy))
    return {
      ...summary,
      reasons: summary.reasons.map(redact),
      reloadError: summary.reloadError === null ? null : redact(summary.reloadError),
    }
  })
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await options.metrics.text()
    return reply.header('content-type', contentType).send(body)
  })
}
