import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { JobLogger } from '../../run/job-type.js'

/** No answer is bigger than this; lists are built far below it, so reaching it is a bug, not a big job. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024
/** The longest path parameter (a job name, a run id) routes accept. */
export const MAX_PARAM_LENGTH = 200

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const

/** Refuses an answer over MAX_ANSWER_BYTES with a plain error instead of sending (and holding) it. */
export function capAnswers(app: FastifyInstance, log: JobLogger): void {
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const size =
      typeof payload === 'string' ? Buffer.byteLength(payload) : Buffer.isBuffer(payload) ? payload.length : 0
    if (size <= MAX_ANSWER_BYTES) return payload
    log.warn(
      `HTTP answer to ${req.method} ${req.routeOptions.url ?? 'a route'} was ${size} bytes, over the cap of ${MAX_ANSWER_BYTES}; refused`,
    )
    void reply.status(507).type('application/json; charset=utf-8')
    return JSON.stringify({
      error: `the answer would be ${size} bytes, over serve's cap of ${MAX_ANSWER_BYTES}; ask for less (a smaller limit)`,
    })
  })
}

/**
 * Collects the routes as they are added; `answerOtherMethods` then makes every other method on those paths
 * answer 405 with `Allow` (fastify alone answers 404, as if the path did not exist).
 */
export function methodTable(app: FastifyInstance): { answerOtherMethods(): void } {
  const routes = new Map<string, Set<string>>()
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = routes.get(route.url) ?? new Set<string>()
    for (const m of [route.method].flat()) methods.add(m)
    routes.set(route.url, methods)
  })
  return {
    answerOtherMethods() {
      for (const [url, methods] of [...routes]) {
        if (methods.has('GET')) methods.add('HEAD')
        const allow = METHODS.filter((m) => methods.has(m))
        const others = METHODS.filter((m) => !methods.has(m))
        if (!others.length) continue
        app.route({
          method: others,
          url,
          handler: async (_req, reply) =>
            reply
              .status(405)
              .header('allow', allow.join(', '))
              .send({ error: `${url} accepts ${allow.join(', ')} only` }),
        })
      }
    },
  }
}
