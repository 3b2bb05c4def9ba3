/**
 * Text as partner feeds write it: full-width ASCII, half-width katakana, stray spaces. NFKC folds the width
 * variants (ＡＢＣ１２３ → ABC123, ｶﾀｶﾅ → カタカナ, ㈱ → (株)), so the same word compares equal however it was typed.
 */
export function normalizeText(value: string): string {
  // The ids, numbers and dates that make up most cells: nothing to fold, collapse or trim.
  if (ASCII_WITHOUT_SPACES.test(value)) return value
  // NFKC leaves printable ASCII as it is.
  const folded = PRINTABLE_ASCII.test(value) ? value : value.normalize('NFKC')
  return folded.replace(/\s+/g, ' ').trim()
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/
const ASCII_WITHOUT_SPACES = /^[\x21-\x7e]*$/

// Feeds repeat the same few locations, companies and employment types a million times: remember their keys.
const keys = new Map<string, string>()
const KEY_CACHE_LIMIT = 50_000

/** The form used to compare names (locations, companies, employment types): normalized and lowercase. */
export function matchKey(value: string): string {
  // Empty cells and plain ASCII words ("0", "full_time") are cheaper to fold than to look up.
  if (value.length < 16 && ASCII_WITHOUT_SPACES.test(value)) return value.toLowerCase()
  let key = keys.get(value)
  if (key === undefined) {
    key = normalizeText(value).toLowerCase()
    if (keys.size >= KEY_CACHE_LIMIT) keys.clear()
    keys.set(value, key)
  }
  return key
}

// After NFKC: ASCII separators, the Japanese comma and the katakana middle dot.
const KEYWORD_SEPARATORS = /[\s,、;|/・]+/

/** Keywords from a feed cell: split on spaces, commas (, 、), semicolons, slashes, pipes and ・; unique, lowercase. */
export function splitKeywords(value: string | null | undefined): string[] {
  if (!value) return []
  const seen = new Set<string>()
  // Not matchKey: keyword cells are mostly different on every row, and would only churn its cache.
  for (const word of normalizeText(value).toLowerCase().split(KEYWORD_SEPARATORS)) if (word) seen.add(word)
  return [...seen]
}

/** Characters as a reader counts them (code points, so a kanji or an emoji is one). */
export function charLength(value: string): number {
  let n = 0
  for (const _ of value) n++
  return n
}

/** A 53-bit hash (cyrb53) as hex: cheap enough per row to tell whether an imported row changed. */
export function contentHash(text: string): string {
  return valuesHash([text])
}

/**
 * contentHash of the first `count` values joined with U+0001 (null and undefined as empty text, as
 * Array.join writes them), without building the joined text.
 */
export function valuesHash(values: readonly unknown[], count = values.length): string {
  // cyrb53's constants as the int32s Math.imul takes them (2654435761 | 0 …): the same hash, but V8 keeps
  // the loop in int32 arithmetic (~1.7x faster than with literals past 2^31).
  let h1 = 0xdeadbeef | 0
  let h2 = 0x41c6ce57
  for (let v = 0; v < count; v++) {
    if (v > 0) {
      h1 = Math.imul(h1 ^ 1, -1640531535)
      h2 = Math.imul(h2 ^ 1, 1597334677)
    }
    const value = values[v]
    const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value)
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i)
      h1 = Math.imul(h1 ^ ch, -1640531535)
      h2 = Math.imul(h2 ^ ch, 1597334677)
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), -2048144789) ^ Math.imul(h2 ^ (h2 >>> 13), -1028477387)
  h2 = Math.imul(h2 ^ (h2 >>> 16), -2048144789) ^ Math.imul(h1 ^ (h1 >>> 13), -1028477387)
  return hex53(2097151 & h2, h1 >>> 0)
}

const HEX = '0123456789abcdef'

/** (high * 2^32 + low).toString(16): V8 converts a number past 32 bits to radix 16 digit by digit in floating point (slow). */
function hex53(high: number, low: number): string {
  let text = ''
  for (let i = 0; i < 8; i++) {
    text = HEX[low & 15] + text
    low >>>= 4
    if (low === 0 && high === 0) return text
  }
  for (; high !== 0; high >>>= 4) text = HEX[high & 15] + text
  return text
}
