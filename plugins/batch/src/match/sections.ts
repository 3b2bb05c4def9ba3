/** The sections of a user's recommendations, in order, with how many listings each holds (40 in all). */
export const SECTIONS = [
  { name: 'editorial', size: 5 },
  { name: 'top', size: 5 },
  { name: 'regional', size: 10 },
  { name: 'nearby', size: 8 },
  { name: 'high-income', size: 7 },
  { name: 'new', size: 5 },
] as const

export type SectionName = (typeof SECTIONS)[number]['name']

export const RECOMMENDATIONS_PER_USER = SECTIONS.reduce((n, s) => n + s.size, 0)

/** One scored listing for one user, as section selection sees it. */
export interface Candidate {
  listingId: number
  externalId: string
  companyKey: string
  composite: number
  basic: number
  seo: number
  personalized: number
  editorial: boolean
  regional: boolean
  nearby: boolean
  annualSalaryMax: number
  /** posted_at, or when the board first saw the listing: an ISO instant. */
  postedAt: string
}

export interface SectionRules {
  /** High-income listings pay at least this per year (the top of the range). */
  highIncomeMin: number
  /** New listings were posted at or after this ISO instant. */
  newSince: string
}

export interface Recommendation {
  rank: number
  section: SectionName
  /** 1-based within the section. */
  position: number
  /** Taken from the best remaining composite scores because the section had too few candidates of its own. */
  filled: boolean
  candidate: Candidate
}

type Order = (a: Candidate, b: Candidate) => number

const byComposite: Order = (a, b) =>
  b.composite - a.composite || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0)
const byPay: Order = (a, b) => b.annualSalaryMax - a.annualSalaryMax || byComposite(a, b)
const byNewest: Order = (a, b) => (a.postedAt < b.postedAt ? 1 : a.postedAt > b.postedAt ? -1 : byComposite(a, b))

/** Which candidates a section takes and in what order. Ties always end on the listing's id, so runs repeat. */
export function sectionRule(
  name: SectionName,
  rules: SectionRules,
): { accepts: (c: Candidate) => boolean; order: Order } {
  switch (name) {
    case 'editorial':
      return { accepts: (c) => c.editorial, order: byComposite }
    case 'top':
      return { accepts: () => true, order: byComposite }
    case 'regional':
      return { accepts: (c) => c.regional, order: byComposite }
    case 'nearby':
      return { accepts: (c) => c.nearby, order: byComposite }
    case 'high-income':
      return { accepts: (c) => c.annualSalaryMax >= rules.highIncomeMin, order: byPay }
    case 'new':
      return { accepts: (c) => c.postedAt >= rules.newSince, order: byNewest }
  }
}

/**
 * A user's recommendations from their eligible candidates: each section in order takes its best own
 * candidates not taken yet; then every section still short is filled, in order, from the best remaining
 * composite scores. With at least 40 candidates the user gets exactly 40, no listing twice.
 */
export function selectRecommendations(candidates: Candidate[], rules: SectionRules): Recommendation[] {
  const taken = new Set<number>()
  const chosen = new Map<SectionName, Recommendation[]>(SECTIONS.map((s) => [s.name, []]))
  for (const section of SECTIONS) {
    const { accepts, order } = sectionRule(section.name, rules)
    const picks = chosen.get(section.name)!
    for (const c of candidates.filter(accepts).sort(order)) {
      if (picks.length === section.size) break
      if (taken.has(c.listingId)) continue
      taken.add(c.listingId)
      picks.push({ rank: 0, section: section.name, position: picks.length + 1, filled: false, candidate: c })
    }
  }
  const remaining = candidates.filter((c) => !taken.has(c.listingId)).sort(byComposite)
  let next = 0
  for (const section of SECTIONS) {
    const picks = chosen.get(section.name)!
    while (picks.length < section.size && next < remaining.length) {
      const c = remaining[next++]
      taken.add(c.listingId)
      picks.push({ rank: 0, section: section.name, position: picks.length + 1, filled: true, candidate: c })
    }
  }
  const all = SECTIONS.flatMap((s) => chosen.get(s.name)!)
  all.forEach((p, i) => (p.rank = i + 1))
  return all
}

/**
 * The candidates worth keeping for a user after scoring: the best `keep` by composite, plus three sections'
 * worth of each section's own order (high-income by pay and new by date, before match applies its
 * thresholds) — enough for selection after exclusions, without storing every pair.
 */
export function candidatesToKeep(candidates: Candidate[], keep: number): Set<number> {
  const kept = new Set<number>()
  const ranked = [...candidates].sort(byComposite)
  for (let i = 0; i < Math.min(keep, ranked.length); i++) kept.add(ranked[i].listingId)
  const everything: SectionRules = { highIncomeMin: 0, newSince: '' }
  for (const section of SECTIONS) {
    if (section.name === 'top') continue
    const { accepts, order } = sectionRule(section.name, everything)
    // Sections ordered by composite take their leaders from the ranking above; the others sort their own.
    const own = order === byComposite ? ranked : [...candidates].sort(order)
    let taken = 0
    for (const c of own) {
      if (taken === 3 * section.size) break
      if (!accepts(c)) continue
      kept.add(c.listingId)
      taken++
    }
  }
  return kept
}
