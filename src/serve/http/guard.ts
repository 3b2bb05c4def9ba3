import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { redactThenTruncate } from '../../reliability/redact.js'
import { type HostRules, hostAllowed, sameOrigin } from './hosts.js'

/** What the guard enforces, read again for every request so a hot reload applies at once. */
export interface HttpPolicy {
  token?: string
  publicReads: boolean
  allowedHosts: readonly string[]
}

const READ_METHODS = new Set(['GET', 'HEAD'])
/** Open to probes and scrapers whatever the token: they show no job data (see health-routes). */
const OPEN_PATHS = /^\/(?:health(?:\/live|\/ready)?|metrics)$/

export const TOKEN_REQUIRED = 'a valid bearer token is required for this (Authorization: Bearer <serve.token>)'

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The bearer token of a request (the scheme in any case), or null. */
export function bearer(req: FastifyRequest): string | null {
  const match = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  return match ? match[1] : null
}

/** Whether the request carries serve's token (always true when none is set). */
export function authorized(req: FastifyRequest, policy: HttpPolicy): boolean {
  if (!policy.token) return true
  const given = bearer(req)
  return given !== null && sameToken(given, policy.token)
}

/** Whether this request needs the token: every change, and /api reads unless publicReads. */
export function needsToken(method: string, path: string, policy: HttpPolicy): boolean {
  if (!policy.token) return false
  if (!READ_METHODS.has(method)) return true
  if (OPEN_PATHS.test(path)) return false
  return path.startsWith('/api/') && !policy.publicReads
}

/** Request text echoed in an answer: redacted, then cut (the one path for outside text). */
const clip = (text: string) => redactThenTruncate(text, 81)

/** Why a change must be refused as cross-origin or not JSON, or null when it may go on. */
function crossSiteProblem(req: FastifyRequest, rules: HostRules): string | null {
  const origin = req.headers.origin
  const referer = req.headers.referer
  if (origin !== undefined) {
    if (!sameOrigin(origin, req.headers.host, rules))
      return `cross-origin request refused (Origin ${JSON.stringify(clip(origin))} is not this server)`
  } else if (referer !== undefined && !sameOrigin(referer, req.headers.host, rules)) {
    return 'cross-origin request refused (its Referer is not this server)'
  }
  const type = req.headers['content-type']
  if (type !== undefined) {
    const media = type.split(';')[0].trim().toLowerCase()
    if (media !== 'application/json')
      return `a request body must be JSON (Content-Type: application/json), not ${JSON.stringify(clip(media))}`
  } else if (Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined) {
    return 'a request body must be JSON (Content-Type: application/json)'
  }
  return null
}

/**
 * The `onRequest` hook every request passes before routing and body parsing: an unknown Host (DNS
 * rebinding) gets 421, a missing or wrong token 401, a cross-origin or non-JSON change 403.
 */
export function guard(policy: () => HttpPolicy, listen: { host: string; port: () => number }) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const current = policy()
    const rules: HostRules = { boundHost: listen.host, port: listen.port(), allowedHosts: current.allowedHosts }
    if (!hostAllowed(req.headers.host, rules)) {
      const host = JSON.stringify(clip(req.headers.host ?? ''))
      return reply.status(421).send({
        error: `serve does not answer for the host ${host}; if that name is yours, add it to serve.http.allowedHosts`,
      })
    }
    const path = req.url.split('?')[0]
    if (needsToken(req.method, path, current) && !authorized(req, current)) {
      return reply.status(401).header('www-authenticate', 'Bearer').send({ error: TOKEN_REQUIRED })
    }
    if (READ_METHODS.has(req.method)) return undefined
    const problem = crossSiteProblem(req, rules)
    return problem ? reply.status(403).send({ error: problem }) : undefined
  }
}
