import type { Knex } from 'knex'
import { bool, num } from '../db/dialect.js'
import { T } from '../db/tables.js'
import type { Candidate } from './sections.js'

/** The stored pairs of these users whose listing is still open, as section candidates, by user id. */
export async function loadCandidates(trx: Knex.Transaction, userIds: number[]): Promise<Map<number, Candidate[]>> {
  const rows = (await trx({ p: T.pairScores })
    .join({ l: T.listings }, 'l.id', 'p.listing_id')
    .join({ s: T.listingScores }, 's.listing_id', 'p.listing_id')
    .whereIn('p.user_id', userIds)
    .where('l.status', 'open')
    .select(
      'p.user_id',
      'p.listing_id',
      'p.personalized',
      'p.composite',
      'p.is_regional',
      'p.is_nearby',
      'l.external_id',
      'l.company_key',
      'l.editorial_pick',
      'l.annual_salary_max',
      trx.raw('coalesce(l.posted_at, l.first_seen_at) as posted'),
      's.basic',
      's.seo',
    )) as Array<Record<string, unknown>>
  const byUser = new Map<number, Candidate[]>()
  for (const r of rows) {
    const userId = num(r.user_id)
    let list = byUser.get(userId)
    if (!list) byUser.set(userId, (list = []))
    list.push({
      listingId: num(r.listing_id),
      externalId: String(r.external_id),
      companyKey: String(r.company_key),
      composite: num(r.composite),
      basic: num(r.basic),
      seo: num(r.seo),
      personalized: num(r.personalized),
      editorial: bool(r.editorial_pick),
      regional: bool(r.is_regional),
      nearby: bool(r.is_nearby),
      annualSalaryMax: num(r.annual_salary_max),
      postedAt: String(r.posted),
    })
  }
  return byUser
}

/** Companies (match keys) each user applied to at or after `since`, by user external id. */
export async function recentlyAppliedCompanies(
  trx: Knex.Transaction,
  userExternalIds: string[],
  since: string,
): Promise<Map<string, Set<string>>> {
  const rows = (await trx({ a: T.applications })
    .join({ l: T.listings }, 'l.external_id', 'a.listing_id')
    .where('a.status', 'active')
    .where('a.applied_at', '>=', since)
    .whereIn('a.user_id', userExternalIds)
    .select('a.user_id', 'l.company_key')) as Array<{ user_id: string; company_key: string }>
  const byUser = new Map<string, Set<string>>()
  for (const r of rows) {
    let set = byUser.get(r.user_id)
    if (!set) byUser.set(r.user_id, (set = new Set()))
    set.add(r.company_key)
  }
  return byUser
}
