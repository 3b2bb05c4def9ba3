import type { Candidate } from '../match/sections.js'
import {
  type History,
  type Scales,
  compositeScore,
  employmentScore,
  historyScore,
  keywordMatchScore,
  locationScore,
  personalizedScore,
  salaryScore,
} from './formulas.js'
import { distanceKm, neighbourCells } from './geo.js'
import type { PoolListing, Pools } from './pools.js'

export interface UserProfile {
  id: number
  externalId: string
  locationKey: string | null
  latitude: number | null
  longitude: number | null
  employmentType: string | null
  desiredSalary: number | null
  keywords: string[]
  history: History | null
  /** The user's row, applications or activity changed: all their pairs are recomputed. */
  changed: boolean
}

export interface PairScore {
  listing: PoolListing
  location: number
  employment: number
  salary: number
  keywords: number
  history: number
  personalized: number
  composite: number
  distanceKm: number | null
  regional: boolean
  nearby: boolean
}

/** A user's candidate listings: their location's pool, the cells within reach, and the global pools. */
export function candidatesFor(user: UserProfile, pools: Pools, nearbyKm: number): PoolListing[] {
  const found = new Map<number, PoolListing>()
  if (user.locationKey !== null) for (const l of pools.regional.get(user.locationKey) ?? []) found.set(l.id, l)
  if (user.latitude !== null && user.longitude !== null) {
    for (const cell of neighbourCells(user.latitude, user.longitude, nearbyKm)) {
      for (const l of pools.cells.get(cell) ?? []) {
        if (!found.has(l.id) && distanceKm(user.latitude, user.longitude, l.latitude!, l.longitude!) <= nearbyKm)
          found.set(l.id, l)
      }
    }
  }
  for (const l of pools.global) found.set(l.id, l)
  return [...found.values()]
}

/** The personalized and composite scores of one user–listing pair. */
export function scorePair(user: UserProfile, listing: PoolListing, scales: Scales): PairScore {
  const sameLocation = user.locationKey !== null && user.locationKey === listing.locationKey
  const distance =
    user.latitude !== null && user.longitude !== null && listing.latitude !== null && listing.longitude !== null
      ? distanceKm(user.latitude, user.longitude, listing.latitude, listing.longitude)
      : null
  const userKnown = user.locationKey !== null || user.latitude !== null
  const components = {
    location: locationScore({ userKnown, sameLocation, distanceKm: distance }, scales),
    employment: employmentScore(user.employmentType, listing.employmentType),
    salary: salaryScore(user.desiredSalary, listing.annualSalaryMax),
    keywords: keywordMatchScore(user.keywords, listing.keywordSet, listing.searchable),
    history: historyScore(user.history, listing.keywords, listing.companyKey),
  }
  const personalized = personalizedScore(components)
  return {
    listing,
    ...components,
    personalized,
    composite: compositeScore(listing.basic, listing.seo, personalized),
    distanceKm: distance,
    regional: sameLocation,
    nearby: !sameLocation && distance !== null && distance <= scales.nearbyKm,
  }
}

/** The view section selection has of a scored pair. */
export function asCandidate(p: PairScore): Candidate {
  return {
    listingId: p.listing.id,
    externalId: p.listing.externalId,
    companyKey: p.listing.companyKey,
    composite: p.composite,
    basic: p.listing.basic,
    seo: p.listing.seo,
    personalized: p.personalized,
    editorial: p.listing.editorial,
    regional: p.regional,
    nearby: p.nearby,
    annualSalaryMax: p.listing.annualSalaryMax,
    postedAt: p.listing.postedAt,
  }
}
