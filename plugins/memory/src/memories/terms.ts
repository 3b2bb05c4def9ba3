/** Tags and keywords: the words memories are linked (rem) and found (recall) by. */

const STOPWORDS = new Set(
  (
    'the and for are but not you all any can had her was one our out has him his how its may new now old see two way who did ' +
    'get got let put say she too use from have that this with they them then than there their what when where which while ' +
    'will would could should about after again also been before being both each into just like made make many more most ' +
    'much must only other over same some such take than very well were your yours into onto upon because between through ' +
    'during without within under above below again further once here these those ever every does doing done'
  ).split(/\s+/),
)

export const MAX_KEYWORDS = 12
export const MAX_TERM_LENGTH = 100

/** Tags as given: trimmed, lowercased, without empties or duplicates. */
export function normalizeTags(tags: string[] | string | undefined): string[] {
  const list = typeof tags === 'string' ? tags.split(',') : (tags ?? [])
  const out = new Set<string>()
  for (const tag of list) {
    const t = tag.trim().toLowerCase().slice(0, MAX_TERM_LENGTH)
    if (t) out.add(t)
  }
  return [...out]
}

/** Words of three or more letters or digits, lowercased, without stopwords, in order of first appearance. */
export function words(text: string): string[] {
  const out = new Set<string>()
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = match[0].slice(0, MAX_TERM_LENGTH)
    if (w.length >= 3 && !STOPWORDS.has(w) && !/^\d+$/.test(w)) out.add(w)
  }
  return [...out]
}

/** The first MAX_KEYWORDS words of a memory's content. */
export function keywords(content: string): string[] {
  return words(content).slice(0, MAX_KEYWORDS)
}
