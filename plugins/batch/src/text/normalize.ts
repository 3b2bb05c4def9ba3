/**
 * Text as partner feeds write it: full-width ASCII, half-width katakana, stray spaces. NFKC folds the width
 * variants (ＡＢＣ１２３ → ABC123, ｶﾀｶﾅ → カタカナ, ㈱ → (株)), so the same word compares equal however it was typed.
 */
export function normalizeText(value: string): string {
  // NFKC leaves printable ASCII as it is: skip it for the ids, numbers and dates that make up most cells.
  const folded = PRINTABLE_ASCII.test(value) ? value : value.normalize('NFKC')
  return folded.replace(/\s+/g, ' ').trim()
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

// Feeds repeat the same few locations, companies and employment types a million times: remember their keys.
const keys = new Map<string, string>()
const KEY_CACHE_LIMIT = 50_000

/** The form used to compare names (locations, companies, employment types): normalized and lowercase. */
export function matchKey(value: string): string {
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
  for (const word of matchKey(value).split(KEYWORD_SEPARATORS)) if (word) seen.add(word)
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
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16)
}
