import type { ValidatedConfig } from '../../config/model.js'
import { isLoopback } from '../../config/validate.js'

export interface ReloadVerdict {
  /** Why the new config must not be applied (it would open what is listening now). */
  refuse?: string
  /** What the reload changes in the HTTP side, for the log. */
  notes: string[]
}

/**
 * What a reload means for the HTTP server already listening on `bound`: the token, publicReads and
 * allowedHosts apply at once (the guard reads them per request); a new address needs a restart; and a
 * config that drops the token while serve listens beyond loopback is refused.
 */
export function checkHttpReload(
  bound: { host: string; port: number },
  before: ValidatedConfig,
  next: ValidatedConfig,
): ReloadVerdict {
  const notes: string[] = []
  const http = next.serve.http
  if (!isLoopback(bound.host) && !next.serve.token) {
    return {
      refuse: `serve.token: is required while serve listens on ${bound.host} (a reload cannot drop it; restart serve to change the address)`,
      notes,
    }
  }
  if (!http)
    notes.push(
      `serve.http was removed: the HTTP server keeps listening on ${bound.host}:${bound.port} until serve restarts`,
    )
  else if (http.host !== bound.host || (http.port !== bound.port && http.port !== 0))
    notes.push(
      `serve.http address changed to ${http.host}:${http.port}: still listening on ${bound.host}:${bound.port} until serve restarts`,
    )
  const was = before.serve.token
  const now = next.serve.token
  if (was !== now)
    notes.push(
      !was
        ? 'serve.token set: required from now on'
        : !now
          ? 'serve.token removed: no longer required'
          : 'serve.token changed: the new one is required from now on',
    )
  const before_ = before.serve.http
  if (before_?.publicReads !== http?.publicReads)
    notes.push(`serve.http.publicReads is now ${http?.publicReads ?? false}`)
  if (JSON.stringify(before_?.allowedHosts ?? []) !== JSON.stringify(http?.allowedHosts ?? []))
    notes.push(`serve.http.allowedHosts is now [${(http?.allowedHosts ?? []).join(', ')}]`)
  return { notes }
}
