import type { Knex } from 'knex'
import { bulkSink, insertStatement } from '../db/bulk-insert.js'
import { ID_PAGE, bool, num, numOrNull } from '../db/dialect.js'
import { T } from '../db/tables.js'
import { candidatesToKeep } from '../match/sections.js'
import type { Scales } from './formulas.js'
import { loadHistories } from './histories.js'
import type { Pools } from './pools.js'
import { type PairScore, type UserProfile, asCandidate, candidatesFor, scorePair } from './user-pairs.js'

const COLUMNS = [
  'user_id',
  'listing_id',
  'location',
  'employment',
  'salary',
  'keywords',
  'history',
  'personalized',
  'composite',
  'distance_km',
  'is_regional',
  'is_nearby',
]

export interface PairPass {
  scales: Scales
  keepPerUser: number
  /** Only users in the changed-users work table need a pass (no listing changed). */
  changedUsersOnly: boolean
  signal: AbortSignal
}

interface UserRow {
  id: number
  external_id: string
  location_key: string | null
  latitude: number | null
  longitude: number | null
  employment_type: string | null
  desired_salary: number | null
  keywords: string
  changed: unknown
}

/**
 * Scores user–listing pairs, a page of active users at a time. A changed user gets all their candidates
 * scored (and the ones worth keeping stored); an unchanged user only the candidates whose listing changed.
 * The caller has already deleted the pairs these replace.
 */
export async function scorePairs(
  trx: Knex.Transaction,
  pools: Pools,
  pass: PairPass,
): Promise<{ users: number; pairs: number }> {
  const sink = await bulkSink(trx, insertStatement(T.pairScores, COLUMNS))
  let after = 0
  let users = 0
  let pairs = 0
  for (;;) {
    if (pass.signal.aborted) throw pass.signal.reason ?? new Error('aborted')
    const query = trx({ u: T.users })
      .leftJoin({ c: T.changedUsers }, 'c.user_id', 'u.id')
      .where('u.status', 'active')
      .where('u.id', '>', after)
      .orderBy('u.id')
      .limit(ID_PAGE)
      .select(
        'u.id',
        'u.external_id',
        'u.location_key',
        'u.latitude',
        'u.longitude',
        'u.employment_type',
        'u.desired_salary',
        'u.keywords',
        trx.raw('case when c.user_id is null then 0 else 1 end as changed'),
      )
    if (pass.changedUsersOnly) query.whereNotNull('c.user_id')
    const page = (await query) as UserRow[]
    if (!page.length) break
    after = num(page[page.length - 1].id)
    const histories = await loadHistories(
      trx,
      page.map((u) => u.external_id),
    )
    for (const row of page) {
      const user: UserProfile = {
        id: num(row.id),
        externalId: row.external_id,
        locationKey: row.location_key,
        latitude: numOrNull(row.latitude),
        longitude: numOrNull(row.longitude),
        employmentType: row.employment_type,
        desiredSalary: numOrNull(row.desired_salary),
        keywords: row.keywords ? row.keywords.split(' ') : [],
        history: histories.get(row.external_id) ?? null,
        changed: bool(row.changed),
      }
      let candidates = candidatesFor(user, pools, pass.scales.nearbyKm)
      if (!user.changed) candidates = candidates.filter((l) => l.changed)
      if (!candidates.length) continue
      let scored: PairScore[] = candidates.map((l) => scorePair(user, l, pass.scales))
      if (user.changed) {
        const keep = candidatesToKeep(scored.map(asCandidate), pass.keepPerUser)
        scored = scored.filter((p) => keep.has(p.listing.id))
      }
      for (const p of scored) {
        await sink.write([
          user.id,
          p.listing.id,
          p.location,
          p.employment,
          p.salary,
          p.keywords,
          p.history,
          p.personalized,
          p.composite,
          p.distanceKm,
          p.regional,
          p.nearby,
        ])
      }
      users++
      pairs += scored.length
    }
  }
  await sink.flush()
  return { users, pairs }
}
