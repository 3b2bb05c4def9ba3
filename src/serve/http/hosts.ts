import { isIP } from 'node:net'

/** What a request's Host (or an Origin's host) is checked against. */
export interface HostRules {
  /** The host serve was told to listen on (serve.http.host). */
  boundHost: string
  /** The port it listens on. */
  port: number
  /** serve.http.allowedHosts: "name" (any port) or "name:port", lower-case. */
  allowedHosts: readonly string[]
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.'])
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]'])

/** "Name:8080" → { name: "name", port: "8080" }; "[::1]:80" → { name: "::1", port: "80" }. Null when unparsable. */
export function splitHost(value: string): { name: string; port: string | null } | null {
  const v = value.trim().toLowerCase()
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(v)
  if (bracketed) return { name: bracketed[1], port: bracketed[2] ?? null }
  const plain = /^([a-z0-9._-]+)(?::(\d{1,5}))?$/.exec(v)
  return plain ? { name: plain[1], port: plain[2] ?? null } : null
}

/**
 * Whether serve answers for this Host. DNS rebinding works only through a *name* the attacker controls, so:
 * any IP literal is accepted (a client that connected to an address; Kubernetes probes send the pod IP), and
 * of names only localhost, the configured host and serve.http.allowedHosts. A name's port must be serve's
 * own or absent (a proxy's); an allowedHosts entry with a port must match it exactly.
 */
export function hostAllowed(host: string | undefined, rules: HostRules): boolean {
  if (!host) return false
  const parsed = splitHost(host)
  if (!parsed) return false
  const { name, port } = parsed
  if (isIP(name)) return true
  const ownPort = port === null || port === String(rules.port)
  const bound = rules.boundHost.toLowerCase()
  if (ownPort && (LOOPBACK_NAMES.has(name) || (!WILDCARDS.has(bound) && name === bound))) return true
  return rules.allowedHosts.some((entry) => {
    const allowed = splitHost(entry)
    if (!allowed) return false
    return allowed.name === name && (allowed.port === null || allowed.port === port)
  })
}

/**
 * Whether a browser's Origin (or Referer) names the page serve itself served: the same host as the request's
 * (already checked) Host header, or one of allowedHosts (a proxy that rewrites Host). The scheme is not
 * compared: behind a TLS proxy the page is https while serve sees http.
 */
export function sameOrigin(origin: string, requestHost: string | undefined, rules: HostRules): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  const originHost = url.host.toLowerCase()
  if (requestHost && originHost === requestHost.trim().toLowerCase()) return true
  const parsed = splitHost(originHost)
  return (
    parsed !== null &&
    !isIP(parsed.name) &&
    rules.allowedHosts.some((entry) => {
      const allowed = splitHost(entry)
      return allowed !== null && allowed.name === parsed.name && (allowed.port === null || allowed.port === parsed.port)
    })
  )
}
