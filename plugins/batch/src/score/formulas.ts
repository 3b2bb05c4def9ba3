import { charLength } from '../text/normalize.js'

/**
 * Every score is on a 0–100 scale. The formulas are written out in docs/batch.md; the tests check them
 * against numbers worked out by hand.
 */
export const WEIGHTS = {
  basic: { wage: 0.4, fee: 0.3, popularity: 0.3 },
  seo: { title: 0.3, description: 0.3, keywords: 0.4 },
  personalized: { location: 0.35, employment: 0.15, salary: 0.2, keywords: 0.2, history: 0.1 },
  composite: { basic: 0.3, seo: 0.2, personalized: 0.5 },
} as const

/** A click counts as much as this many views for popularity. */
export const CLICK_WEIGHT = 5
/** The score a personal component gets when the user has not told us (no desired salary, no keywords…). */
export const NEUTRAL = 50
/** A listing nearby (not in the user's location) scores at most this for location, falling to 0 at nearbyKm. */
export const NEARBY_MAX = 80

export interface Scales {
  wageFloor: number
  wageCeiling: number
  feeCeiling: number
  popularityCeiling: number
  nearbyKm: number
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x)

/** Where the middle of the annual salary range sits between the floor (0) and the ceiling (100). */
export function wageScore(annualMin: number, annualMax: number, s: Scales): number {
  const middle = (annualMin + annualMax) / 2
  return 100 * clamp01((middle - s.wageFloor) / (s.wageCeiling - s.wageFloor))
}

/** The fee the board earns, against the fee ceiling; no fee is 0. */
export function feeScore(fee: number | null, s: Scales): number {
  return fee === null ? 0 : 100 * clamp01(fee / s.feeCeiling)
}

/** Views plus weighted clicks, square-rooted so the first hundred views count more than the next. */
export function popularityScore(views: number, clicks: number, s: Scales): number {
  return 100 * Math.sqrt(clamp01((views + CLICK_WEIGHT * clicks) / s.popularityCeiling))
}

export function basicScore(wage: number, fee: number, popularity: number): number {
  const w = WEIGHTS.basic
  return w.wage * wage + w.fee * fee + w.popularity * popularity
}

/** Titles of 10–40 characters are best; shorter ones lose 10 per missing character, longer ones 2.5 per extra. */
export function titleQuality(title: string): number {
  const n = charLength(title)
  if (n < 10) return 10 * n
  if (n <= 40) return 100
  return Math.max(0, 100 - 2.5 * (n - 40))
}

/** Descriptions earn up to 100 at 200 characters. */
export function descriptionQuality(description: string): number {
  return 100 * clamp01(charLength(description) / 200)
}

/** The share of the listing's keywords its title or description actually mention; no keywords is 0. */
export function keywordCoverage(keywords: string[], searchableText: string): number {
  if (!keywords.length) return 0
  let covered = 0
  for (const k of keywords) if (searchableText.includes(k)) covered++
  return (100 * covered) / keywords.length
}

export function seoScore(title: number, description: number, keywords: number): number {
  const w = WEIGHTS.seo
  return w.title * title + w.description * description + w.keywords * keywords
}

/** 100 in the user's own location; nearby (within nearbyKm) 80 falling linearly to 0; else 0. */
export function locationScore(
  input: { userKnown: boolean; sameLocation: boolean; distanceKm: number | null },
  s: Scales,
): number {
  if (!input.userKnown) return NEUTRAL
  if (input.sameLocation) return 100
  if (input.distanceKm !== null && input.distanceKm <= s.nearbyKm)
    return NEARBY_MAX * (1 - input.distanceKm / s.nearbyKm)
  return 0
}

export function employmentScore(wanted: string | null, offered: string): number {
  if (wanted === null) return NEUTRAL
  return wanted === offered ? 100 : 0
}

/** 100 when the top of the range reaches the desired annual salary; 0 at half of it or less. */
export function salaryScore(desired: number | null, annualMax: number): number {
  if (desired === null || desired <= 0) return NEUTRAL
  if (annualMax >= desired) return 100
  return 100 * clamp01(1 - (2 * (desired - annualMax)) / desired)
}

/** The share of the user's keywords the listing has (as a keyword, or in its title or description). */
export function keywordMatchScore(
  userKeywords: string[],
  listingKeywords: ReadonlySet<string>,
  searchableText: string,
): number {
  if (!userKeywords.length) return NEUTRAL
  let matched = 0
  for (const k of userKeywords) if (listingKeywords.has(k) || searchableText.includes(k)) matched++
  return (100 * matched) / userKeywords.length
}

export interface History {
  /** Keywords of the listings the user viewed, clicked or applied to. */
  keywords: ReadonlySet<string>
  /** Companies (match keys) of those listings. */
  companies: ReadonlySet<string>
}

/** How much the listing resembles what the user engaged with: 60 for keyword overlap, 40 for the same company. */
export function historyScore(history: History | null, listingKeywords: string[], companyKey: string): number {
  if (!history) return NEUTRAL
  let shared = 0
  for (const k of listingKeywords) if (history.keywords.has(k)) shared++
  const keywordShare = listingKeywords.length ? shared / listingKeywords.length : 0
  return 100 * (0.6 * keywordShare + 0.4 * (history.companies.has(companyKey) ? 1 : 0))
}

export interface PersonalComponents {
  location: number
  employment: number
  salary: number
  keywords: number
  history: number
}

export function personalizedScore(c: PersonalComponents): number {
  const w = WEIGHTS.personalized
  return (
    w.location * c.location +
    w.employment * c.employment +
    w.salary * c.salary +
    w.keywords * c.keywords +
    w.history * c.history
  )
}

export function compositeScore(basic: number, seo: number, personalized: number): number {
  const w = WEIGHTS.composite
  return w.basic * basic + w.seo * seo + w.personalized * personalized
}

/** The listing's own share of the composite (the part that is the same for every user): it orders candidate pools. */
export function listingBase(basic: number, seo: number): number {
  return WEIGHTS.composite.basic * basic + WEIGHTS.composite.seo * seo
}
