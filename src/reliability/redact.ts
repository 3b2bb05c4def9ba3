import { knownSecrets } from './secrets.js'

export const REDACTED = '[redacted]'

/**
 * Shapes that are secrets whatever their source. Each pattern keeps its non-secret prefix in group 1 so
 * the reader still sees what was there ("Bearer [redacted]").
 */
const SECRET_SHAPES: RegExp[] = [
  // user:password@ in any URL (postgres://u:p@host, https://u:p@host). Quantifiers are bounded: an
  // unbounded scheme or user part backtracks quadratically over long output without a URL in it.
  /(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@]{0,256}:)[^\s@/]{1,512}(?=@)/gi,
  // Authorization headers and bearer tokens
  /(\bBearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/g,
  /(\bBasic\s+)[A-Za-z0-9+/]{8,}=*/g,
  // Slack incoming webhooks and tokens
  /(https:\/\/hooks\.slack\.com\/)[^\s"'<>]+/g,
  /()\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  // GitHub, GitLab, AWS, Stripe-style keys
  /()\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /()\bglpat-[A-Za-z0-9_-]{20,}/g,
  /()\bAKIA[0-9A-Z]{16}\b/g,
  /()\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g,
  // password=..., token=..., api_key=... in query strings, DSNs and environment listings
  /((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)=)[^\s"'&;,]{3,}/gi,
  // "password": "...", 'token': '...' in JSON and similar quoted text (a bare `key: value` is not matched:
  // it is how error messages name a config path)
  /(["'](?:password|passwd|secret|token|api[_-]?key|access[_-]?key)["']\s*:\s*["'])[^"']{3,}(?=["'])/gi,
]

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

let cachedVersion = -1
let cachedPattern: RegExp | null = null

function knownSecretPattern(): RegExp | null {
  const { values, version } = knownSecrets()
  if (version === cachedVersion) return cachedPattern
  cachedVersion = version
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...values].sort((a, b) => b.length - a.length)
  cachedPattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null
  return cachedPattern
}

/** Replaces every registered secret and every secret-shaped string in `text`. */
export function redact(text: string): string {
  if (!text) return text
  let out = text
  const known = knownSecretPattern()
  if (known) out = out.replace(known, REDACTED)
  for (const shape of SECRET_SHAPES) out = out.replace(shape, (_m, keep: string) => `${keep}${REDACTED}`)
  return out
}

/** Redacts every string inside a JSON-like value (objects, arrays), returning a copy. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v)
    return out as T
  }
  return value
}
