import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { lazyRequire } from '../../lazy-require.js'
import { UserError } from '../../errors.js'
import { redact } from '../../reliability/redact.js'
import type { JobLogger } from '../../run/job-type.js'
import type { HealthContext } from '../health.js'
import type { ServeMetrics } from '../metrics.js'
import { registerApiRoutes } from './api-routes.js'
import { registerCancelRoutes } from './cancel-routes.js'
import { registerExplainRoutes } from './explain-routes.js'
import { registerHealthRoutes } from './health-routes.js'

export interface HttpOptions {
  port: number
  host: string
  token?: string
  health: HealthContext
  metrics: ServeMetrics
  log: JobLogger
  /** More routes (the dashboard registers its own). */
  extend?(app: FastifyInstance, requireToken: (req: FastifyRequest, reply: FastifyReply) => Promise<void>): Promise<void> | void
}

export interface HttpServer {
  url: string
  app: FastifyInstance
  close(): Promise<void>
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** serve's HTTP side: /health*, /metrics and /api. Errors are JSON with a plain message, never a stack. */
export async function startHttp(options: HttpOptions): Promise<HttpServer> {
  const fastify = lazyRequire('fastify') as typeof import('fastify').default
  const app = fastify({ logger: false, bodyLimit: 64 * 1024 })
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
    if (status >= 500) options.log.error(`HTTP request failed: ${redact(err.message ?? String(err))}`)
    void reply.status(status).send({ error: status >= 500 ? 'internal error (see the serve log)' : redact(err.message ?? 'bad request') })
  })
  app.setNotFoundHandler((req, reply) => void reply.status(404).send({ error: `no such endpoint: ${req.method} ${req.url.split('?')[0]}` }))
  const requireToken = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!options.token) return
    const header = req.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
    if (!given || !sameToken(given, options.token)) {
      await reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'a valid bearer token is required for this (Authorization: Bearer <serve.token>)' })
    }
  }
  registerHealthRoutes(app, options)
  registerApiRoutes(app, options.health, requireToken)
  registerExplainRoutes(app, options.health, requireToken)
  registerCancelRoutes(app, options.health, requireToken)
  await options.extend?.(app, requireToken)
  const address = await listen(app, options.port, options.host)
  return { url: address, app, close: () => app.close() }
}

/** Listening problems the user can fix (port taken, address not ours) become one clear message. */
async function listen(app: FastifyInstance, port: number, host: string): Promise<string> {
  try {
    return await app.listen({ port, host })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    await app.close().catch(() => {})
    if (code === 'EADDRINUSE') throw new UserError(`serve.port ${port} on ${host} is already in use (another circadian serve?); set another with serve: { port } in the config`)
    if (code === 'EACCES') throw new UserError(`serve.port ${port} on ${host} needs privileges this process lacks; use a port above 1023`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UserError(`serve.host ${host} is not an address of this machine`)
    throw err
  }
}
