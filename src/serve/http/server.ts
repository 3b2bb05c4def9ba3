import type { FastifyInstance, FastifyReply } from 'fastify'
import { lazyRequire } from '../../lazy-require.js'
import { UserError } from '../../errors.js'
import { redact, redactThenTruncate } from '../../reliability/redact.js'
import type { JobLogger } from '../../run/job-type.js'
import type { HealthContext } from '../health.js'
import type { ServeMetrics } from '../metrics.js'
import { registerApiRoutes } from './api-routes.js'
import { registerCancelRoutes } from './cancel-routes.js'
import { registerExplainRoutes } from './explain-routes.js'
import { type HttpPolicy, guard } from './guard.js'
import { registerHealthRoutes } from './health-routes.js'
import { MAX_PARAM_LENGTH, capAnswers, methodTable } from './limits.js'

export interface HttpOptions {
  port: number
  host: string
  /** The token, publicReads and allowedHosts in force: read for every request, so a reload applies at once. */
  policy: () => HttpPolicy
  health: HealthContext
  metrics: ServeMetrics
  log: JobLogger
  /** More routes (the dashboard registers its own). */
  extend?(app: FastifyInstance, policy: () => HttpPolicy): Promise<void> | void
}

export interface HttpServer {
  url: string
  app: FastifyInstance
  close(): Promise<void>
}

/** Request text echoed in an answer: redacted, then cut (the one path for outside text). */
const clip = (text: string) => redactThenTruncate(text, 121)

/**
 * serve's HTTP side: /health*, /metrics, /api and (through `extend`) the dashboard. Every request passes the
 * guard (Host, token, origin) before routing; errors are JSON with a plain message, never a stack.
 */
export async function startHttp(options: HttpOptions): Promise<HttpServer> {
  const fastify = lazyRequire('fastify') as typeof import('fastify').default
  const app = fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    maxParamLength: MAX_PARAM_LENGTH,
    // The router's own refusals (a name past maxParamLength, a malformed URL) in the documented shape.
    frameworkErrors: (err, _req, res) => {
      const reply = res as unknown as FastifyReply
      const tooLong = (err as { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH'
      void reply
        .status(tooLong ? 414 : 400)
        .send({ error: tooLong ? `a name in the path is longer than ${MAX_PARAM_LENGTH} characters` : 'malformed URL' })
    },
  })
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
    if (status >= 500) options.log.error(`HTTP request failed: ${redact(err.message ?? String(err))}`)
    void reply
      .status(status)
      .send({ error: status >= 500 ? 'internal error (see the serve log)' : redact(err.message ?? 'bad request') })
  })
  app.setNotFoundHandler(
    (req, reply) =>
      void reply.status(404).send({ error: `no such endpoint: ${req.method} ${clip(req.url.split('?')[0])}` }),
  )
  let port = options.port
  app.addHook('onRequest', guard(options.policy, { host: options.host, port: () => port }))
  capAnswers(app, options.log)
  const methods = methodTable(app)
  registerHealthRoutes(app, options)
  registerApiRoutes(app, options.health)
  registerExplainRoutes(app, options.health)
  registerCancelRoutes(app, options.health)
  await options.extend?.(app, options.policy)
  methods.answerOtherMethods()
  const address = await listen(app, options.port, options.host)
  port = (app.server.address() as { port: number } | null)?.port ?? options.port
  return { url: address, app, close: () => app.close() }
}

/** Listening problems the user can fix (port taken, address not ours) become one clear message. */
async function listen(app: FastifyInstance, port: number, host: string): Promise<string> {
  try {
    return await app.listen({ port, host })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    await app.close().catch(() => {})
    if (code === 'EADDRINUSE')
      throw new UserError(
        `serve.http.port ${port} on ${host} is already in use (another circadian serve?); set another with serve: { http: { port } } in the config`,
      )
    if (code === 'EACCES')
      throw new UserError(
        `serve.http.port ${port} on ${host} needs privileges this process lacks; use a port above 1023`,
      )
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UserError(`serve.http.host ${host} is not an address of this machine`)
    throw err
  }
}
