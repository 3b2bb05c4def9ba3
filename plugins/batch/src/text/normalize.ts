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
