// A synthetic memory store for bench/memory: N memories written straight into the plugin's tables.
// Deterministic (seeded), shaped like a busy week: most memories old, some accessed in the last minutes,
// 5% in short-term memory (admitted today), 30% in long-term memory (a tenth of them consolidated today).

function rng(seed) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SYLLABLES = ['ka', 'lo', 'mi', 're', 'tu', 'sa', 'ne', 'vi', 'do', 'pa', 'ri', 'go', 'fe', 'zu', 'ba', 'ho']

function word(i) {
  let w = ''
  for (let n = i + SYLLABLES.length; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length]
  return w
}

async function insertAll(db, table, rows, size = 500) {
  for (let i = 0; i < rows.length; i += size) await db(table).insert(rows.slice(i, i + size))
}

/** Fills an empty, migrated store; returns what it wrote. `now` is the bench's fixed "now". */
export async function fillStore(db, n, now) {
  const random = rng(n)
  const words = Math.max(200, Math.floor(n / 5))
  const tags = Math.max(20, Math.floor(n / 50))
  const skewed = (size) => Math.floor(size * random() ** 2)
  const items = []
  const terms = []
  const shortTerm = []
  const longTerm = []
  for (let id = 1; id <= n; id++) {
    const r = random()
    // 1% accessed in the last 5 minutes, 9% in the last hour, the rest over the last week.
    const age = r < 0.01 ? random() * 300_000 : r < 0.1 ? random() * 3_600_000 : random() * 7 * 86_400_000
    const contentWords = [...new Set(Array.from({ length: 8 }, () => word(skewed(words))))]
    const memoryTags = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => `t${skewed(tags)}`))]
    const importance = Math.round(random() * 100) / 100
    items.push({
      id,
      content: contentWords.join(' '),
      content_hash: `h${id}`,
      created_at: Math.floor(now - age - random() * 3_600_000),
      source: 'bench',
      importance,
      tags: memoryTags.join(','),
      activation: r < 0.01 ? 0.5 + random() / 2 : random(),
      access_count: 1 + Math.floor(random() * 5),
      last_accessed_at: Math.floor(now - age),
    })
    for (const term of contentWords) terms.push({ memory_id: id, kind: 'keyword', term })
    for (const term of memoryTags) terms.push({ memory_id: id, kind: 'tag', term })
    const store = random()
    if (store < 0.05) {
      shortTerm.push({
        memory_id: id,
        strength: random(),
        score: random(),
        admitted_at: Math.floor(now - random() * 86_400_000),
        admitted_key: 'bench',
        replays: 0,
      })
    } else if (store < 0.35) {
      const fresh = random() < 0.1
      longTerm.push({
        memory_id: id,
        strength: random(),
        consolidated_at: Math.floor(now - (fresh ? random() * 86_400_000 : 86_400_000 + random() * 30 * 86_400_000)),
        consolidated_key: 'bench',
        updated_at: now,
      })
    }
  }
  await insertAll(db, 'memory_items', items, 200)
  await insertAll(db, 'memory_terms', terms)
  await insertAll(db, 'memory_short_term', shortTerm)
  await insertAll(db, 'memory_long_term', longTerm)
  return { items: items.length, terms: terms.length, shortTerm: shortTerm.length, longTerm: longTerm.length }
}
