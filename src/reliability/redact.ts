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
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0')

/** JSON string escaping with every non-ASCII unit as \uXXXX (Python's json.dumps, Java, PHP do this). */
function asciiJson(s: string): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * The literal forms a secret takes when a job or a library prints it: JSON-escaped (also ASCII-only, with
 * `\/`, and escaped twice for JSON inside JSON). Case differences are handled by the pattern's flags.
 */
function literalForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  const ascii = asciiJson(value)
  const slashes = (s: string) => s.replace(/\//g, '\\/')
  return [
    json,
    ascii,
    slashes(json),
    slashes(ascii),
    JSON.stringify(json).slice(1, -1),
    JSON.stringify(ascii).slice(1, -1),
  ]
}

/**
 * The secret as a pattern in which every character other than a letter or digit may also appear
 * percent-encoded (encodeURIComponent, form encoding, Python's quote: each leaves a different set alone), and
 * a space as `+`. Alternatives for one character differ in their first character, so matching stays linear.
 */
function urlPattern(value: string): string {
  let out = ''
  for (const ch of value) {
    if (/^[A-Za-z0-9]$/.test(ch)) {
      out += ch
      continue
    }
    const encoded = [...Buffer.from(ch, 'utf8')].map((b) => `%${hex2(b)}`).join('')
    const alternatives = [escapeRegExp(ch), encoded, ...(ch === ' ' ? ['\\+'] : [])]
    out += `(?:${alternatives.join('|')})`
  }
  return out
}

/** How many characters a secret's longest printed form can take. */
function longestForm(value: string): number {
  return Math.max(Buffer.byteLength(value, 'utf8') * 3, ...literalForms(value).map((f) => f.length))
}

/** Room before a cut for the secret shapes (a bearer token, a URL with a password) on top of known secrets. */
const SHAPE_MARGIN = 1024

let cachedVersion = -1
let cachedPattern: RegExp | null = null
let cachedMargin = 0

function refresh(): void {
  const { values, version } = knownSecrets()
  if (version === cachedVersion) return
  cachedVersion = version
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...values].sort((a, b) => b.length - a.length)
  const alternatives = new Set<string>()
  for (const value of sorted) {
    alternatives.add(urlPattern(value))
    for (const form of literalForms(value)) if (form !== value) alternatives.add(escapeRegExp(form))
  }
  // Case-insensitive: databases and libraries lower- or upper-case what they echo (PostgreSQL identifiers).
  cachedPattern = alternatives.size ? new RegExp([...alternatives].join('|'), 'giu') : null
  cachedMargin = Math.max(0, ...sorted.map(longestForm))
}

/**
 * How many characters before a cut must be kept (and redacted together with what follows) so that a secret
 * straddling the cut is still recognised whole: the longest form of any known secret, and room for the
 * secret shapes (tokens, URLs with passwords).
 */
export function redactionMargin(): number {
  refresh()
  return cachedMargin + SHAPE_MARGIN
}

/** Replaces every registered secret (in every form it is printed in) and every secret-shaped string in `text`. */
export function redact(text: string): string {
  if (!text) return text
  let out = text
  refresh()
  if (cachedPattern) out = out.replace(cachedPattern, REDACTED)
  for (const shape of SECRET_SHAPES) out = out.replace(shape, (_m, keep: string) => `${keep}${REDACTED}`)
  return out
}

/**
 * A cut position at or before `cut` that no secret straddles: when a known secret or a secret shape spans
 * `cut`, the cut moves back to where it starts, so the text kept from there holds it whole (and redact()
 * then replaces it) instead of its unrecognisable end.
 */
export function secretSafeCut(text: string, cut: number): number {
  refresh()
  const margin = redactionMargin()
  const patterns = cachedPattern ? [cachedPattern, ...SECRET_SHAPES] : SECRET_SHAPES
  let c = Math.max(0, Math.min(cut, text.length))
  for (let moved = true; moved && c > 0;) {
    moved = false
    const from = Math.max(0, c - margin)
    const region = text.slice(from, c + margin)
    for (const pattern of patterns) {
      for (const m of region.matchAll(pattern)) {
        const start = from + m.index
        if (start < c && start + m[0].length > c) {
          c = start
          moved = true
        }
      }
    }
  }
  return c
}

const ELLIPSIS = '…'

/** A cut that never splits a surrogate pair. */
function safeSlice(text: string, start: number, end?: number): string {
  let s = start
  let e = end ?? text.length
  if (s > 0 && s < text.length && /[\udc00-\udfff]/.test(text[s])) s++
  if (e > 0 && e < text.length && /[\ud800-\udbff]/.test(text[e - 1])) e--
  return text.slice(s, e)
}

/**
 * The one way to shorten text from jobs and users: redact first, then cut to at most `max` characters (an
 * ellipsis marks the cut). Cutting first would leave most of a secret that straddles the cut, unrecognisable.
 * `keep: 'end'` keeps the tail (output), the default keeps the start (summaries, errors, reasons).
 */
export function redactThenTruncate(text: string, max: number, options: { keep?: 'start' | 'end' } = {}): string {
  const clean = redact(text)
  if (clean.length <= max) return clean
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, max)
  return options.keep === 'end'
    ? `${ELLIPSIS}${safeSlice(clean, clean.length - (max - ELLIPSIS.length))}`
    : `${safeSlice(clean, 0, max - ELLIPSIS.length)}${ELLIPSIS}`
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
