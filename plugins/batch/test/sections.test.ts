import { describe, expect, it } from 'vitest'
import {
  type Candidate,
  RECOMMENDATIONS_PER_USER,
  SECTIONS,
  candidatesToKeep,
  selectRecommendations,
} from '../src/match/sections.js'

const RULES = { highIncomeMin: 6_000_000, newSince: '2026-11-13T00:00:00.000Z' }

let next = 0
function candidate(over: Partial<Candidate> = {}): Candidate {
  next++
  return {
    listingId: next,
    externalId: `X${String(next).padStart(4, '0')}`,
    companyKey: `company-${next}`,
    composite: 50,
    basic: 40,
    seo: 40,
    personalized: 60,
    editorial: false,
    regional: false,
    nearby: false,
    annualSalaryMax: 4_000_000,
    postedAt: '2026-10-01T00:00:00.000Z',
    ...over,
  }
}

/** Plenty of each kind: every section can fill itself. */
function rich(): Candidate[] {
  const list: Candidate[] = []
  for (let i = 0; i < 12; i++) list.push(candidate({ editorial: true, composite: 30 + i }))
  for (let i = 0; i < 20; i++) list.push(candidate({ regional: true, composite: 40 + i }))
  for (let i = 0; i < 15; i++) list.push(candidate({ nearby: true, composite: 20 + i }))
  for (let i = 0; i < 12; i++) list.push(candidate({ annualSalaryMax: 6_000_000 + i * 100_000, composite: 10 + i }))
  for (let i = 0; i < 10; i++)
    list.push(candidate({ postedAt: `2026-11-${String(13 + i).padStart(2, '0')}T00:00:00.000Z`, composite: 5 + i }))
  for (let i = 0; i < 10; i++) list.push(candidate({ composite: 90 + i }))
  return list
}

const sizes = (picks: ReturnType<typeof selectRecommendations>) =>
  Object.fromEntries(SECTIONS.map((s) => [s.name, picks.filter((p) => p.section === s.name).length]))

describe('40 recommendations in sections', () => {
  it('gives exactly 40: editorial 5, top 5, regional 10, nearby 8, high-income 7, new 5, no listing twice', () => {
    const picks = selectRecommendations(rich(), RULES)
    expect(RECOMMENDATIONS_PER_USER).toBe(40)
    expect(picks).toHaveLength(40)
    expect(sizes(picks)).toEqual({ editorial: 5, top: 5, regional: 10, nearby: 8, 'high-income': 7, new: 5 })
    expect(new Set(picks.map((p) => p.candidate.listingId)).size).toBe(40)
    expect(picks.map((p) => p.rank)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(picks.every((p) => !p.filled)).toBe(true)
  })

  it('each section takes its own best, in its own order', () => {
    const picks = selectRecommendations(rich(), RULES)
    const of = (name: string) => picks.filter((p) => p.section === name).map((p) => p.candidate)
    expect(of('editorial').every((c) => c.editorial)).toBe(true)
    expect(of('editorial').map((c) => c.composite)).toEqual([41, 40, 39, 38, 37])
    expect(of('top').map((c) => c.composite)).toEqual([99, 98, 97, 96, 95])
    expect(of('regional').map((c) => c.composite)).toEqual([59, 58, 57, 56, 55, 54, 53, 52, 51, 50])
    expect(of('nearby').every((c) => c.nearby)).toBe(true)
    expect(of('high-income').map((c) => c.annualSalaryMax)).toEqual([
      7_100_000, 7_000_000, 6_900_000, 6_800_000, 6_700_000, 6_600_000, 6_500_000,
    ])
    expect(of('new').map((c) => c.postedAt.slice(0, 10))).toEqual([
      '2026-11-22',
      '2026-11-21',
      '2026-11-20',
      '2026-11-19',
      '2026-11-18',
    ])
    expect(picks.filter((p) => p.section === 'nearby').map((p) => p.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('a listing that fits two sections appears once, in the first', () => {
    const both = candidate({ editorial: true, regional: true, composite: 99 })
    const picks = selectRecommendations([both, ...rich()], RULES)
    expect(picks.filter((p) => p.candidate.listingId === both.listingId).map((p) => p.section)).toEqual(['editorial'])
    expect(picks).toHaveLength(40)
  })

  it('fills a short section from the best remaining composite scores, marked filled', () => {
    // No editorial picks, no nearby listings, nothing new or well paid: only top and regional have their own.
    const list = [
      ...Array.from({ length: 30 }, (_, i) => candidate({ composite: 10 + i })),
      ...Array.from({ length: 15 }, (_, i) => candidate({ regional: true, composite: 50 + i })),
    ]
    const picks = selectRecommendations(list, RULES)
    expect(picks).toHaveLength(40)
    expect(sizes(picks)).toEqual({ editorial: 5, top: 5, regional: 10, nearby: 8, 'high-income': 7, new: 5 })
    expect(picks.filter((p) => p.filled).map((p) => p.section)).toEqual([
      ...Array(5).fill('editorial'),
      ...Array(8).fill('nearby'),
      ...Array(7).fill('high-income'),
      ...Array(5).fill('new'),
    ])
    // top took 64..60; regional took 59..50; the fill goes on from the best left: the other 25 by composite.
    const filled = picks.filter((p) => p.filled).map((p) => p.candidate.composite)
    expect(filled).toEqual(Array.from({ length: 25 }, (_, i) => 39 - i))
    expect(new Set(picks.map((p) => p.candidate.listingId)).size).toBe(40)
  })

  it('with fewer than 40 eligible listings, the user gets them all, once each', () => {
    const list = Array.from({ length: 23 }, (_, i) => candidate({ composite: i, regional: i % 2 === 0 }))
    const picks = selectRecommendations(list, RULES)
    expect(picks).toHaveLength(23)
    expect(new Set(picks.map((p) => p.candidate.listingId)).size).toBe(23)
  })

  it('ties end on the listing id, so a run repeats exactly', () => {
    const list = Array.from({ length: 50 }, () => candidate({ composite: 42 }))
    const a = selectRecommendations([...list].reverse(), RULES).map((p) => p.candidate.externalId)
    const b = selectRecommendations(list, RULES).map((p) => p.candidate.externalId)
    expect(a).toEqual(b)
    const top = selectRecommendations(list, RULES)
      .filter((p) => p.section === 'top')
      .map((p) => p.candidate.externalId)
    expect(top).toEqual(
      list
        .map((c) => c.externalId)
        .sort()
        .slice(0, 5),
    )
  })

  it('high-income and new apply their thresholds', () => {
    const list = [
      candidate({ annualSalaryMax: 5_999_999, composite: 99 }),
      candidate({ postedAt: '2026-11-12T23:59:59.999Z', composite: 98 }),
      ...Array.from({ length: 40 }, (_, i) => candidate({ composite: i })),
    ]
    const picks = selectRecommendations(list, RULES)
    expect(picks.filter((p) => p.section === 'high-income' || p.section === 'new').every((p) => p.filled)).toBe(true)
  })
})

describe('which scored pairs score keeps', () => {
  it("keeps the best by composite and each section's leaders", () => {
    const list = [
      ...rich(),
      ...Array.from({ length: 300 }, (_, i) => candidate({ composite: i / 10, annualSalaryMax: 3_000_000 })),
    ]
    const kept = candidatesToKeep(list, 40)
    const byComposite = [...list].sort((a, b) => b.composite - a.composite).slice(0, 40)
    for (const c of byComposite) expect(kept.has(c.listingId)).toBe(true)
    // The best-paid and the newest are kept even with low composites.
    const bestPaid = list.reduce((a, b) => (b.annualSalaryMax > a.annualSalaryMax ? b : a))
    const newest = list.reduce((a, b) => (b.postedAt > a.postedAt ? b : a))
    expect(kept.has(bestPaid.listingId) && kept.has(newest.listingId)).toBe(true)
    expect(kept.size).toBeLessThan(list.length)
  })
})
