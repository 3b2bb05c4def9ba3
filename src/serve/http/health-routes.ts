import type { FastifyInstance } from 'fastify'
import { healthSummary, liveness, readiness } from '../health.js'
import type { HttpOptions } from './server.js'

export function registerHealthRoutes(app: FastifyInstance, options: HttpOptions): void {
  const ctx = options.health
  app.get('/health/live', async (_req, reply) => {
    const live = liveness(ctx)
    return reply.status(live.ok ? 200 : 503).send(live)
  })
  app.get('/health/ready', async (_req, reply) => {
    const ready = await readiness(ctx)
    return reply.status(ready.ok ? 200 : 503).send(ready)
  })
  app.get('/health', async () => healthSummary(ctx))
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await options.metrics.text()
    return reply.header('content-type', contentType).send(body)
  })
}
