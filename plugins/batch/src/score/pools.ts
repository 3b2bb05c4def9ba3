import type { Knex } from 'knex'
import { ID_PAGE, bool, num, numOrNull, rawRows } from '../db/dialect.js'
import { T } from '../db/tables.js'
import { WEIGHTS } from './formulas.js'
import { cellKey, cellSize } from './geo.js'
import { searchableText } from './listing-scores.js'

/** An open listing in some candidate pool, with what pair scoring and section selection need. */
export interface PoolListing {
  id: number
  externalId: string
  companyKey: string
  locationKey: string
  latitude: number | null
  longitude: number | null
  employmentType: string
  annualSalaryMax: number
  keywords: string[]
  keywordSet: Set<string>
  searchable: string
  editorial: boolean
  postedAt: string
  basic: number
  seo: number
  /** Its scores or row changed in this score run. */
  changed: boolean
}

export interface Pools {
  /** The best listings of each location (by the listing's own score). */
  regional: Map<string, PoolListing[]>
  /** The best listings of each grid cell, for "nearby". */
  cells: Map<string, PoolListing[]>
  /** The best listings overall, the best editorial picks, the best-paid and the newest. */
  global: PoolListing[]
  size: number
  changed: number
}

export interface PoolSizes {
  regional: number
  nearbyPerCell: number
  global: number
}

const BASE = `(${WEIGHTS.composite.basic} * s.basic + ${WEIGHTS.composite.seo} * s.seo)`

const WIDE = `l.id, l.external_id, l.company_key, l.location_key, l.latitude, l.longitude, l.employment_type,
  l.annual_salary_max, l.keywords, l.title, l.description, l.editorial_pick,
  coalesce(l.posted_at, l.first_seen_at) as posted, s.basic, s.seo,
  case when c.listing_id is null then 0 else 1 end as changed`
const SCORES_AND_CHANGES = `join ${T.listingScores} s on s.listing_id = l.id left join ${T.changedListings} c on c.listing_id = l.id`

/**
 * The global pools: the best overall, the best editorial picks, the best-paid, the newest (each `size`).
 * Await them one after another: a transaction is one connection, and pg refuses concurrent queries on it.
 */
function globalPoolIds(trx: Knex.Transaction, size: number): Array<Knex.QueryBuilder> {
  const open = () =>
    trx({ l: T.listings })
      .join({ s: T.listingScores }, 's.listing_id', 'l.id')
      .where('l.status', 'open')
      .limit(size)
      .pluck('l.id')
  return [
    open().orderByRaw(`${BASE} desc, l.id`),
    open().where('l.editorial_pick', true).orderByRaw(`${BASE} desc, l.id`),
    open().orderByRaw(`l.annual_salary_max desc, ${BASE} desc, l.id`),
    open().orderByRaw('coalesce(l.posted_at, l.first_seen_at) desc, l.id'),
  ]
}

function toPoolListing(r: Record<string, unknown>): PoolListing {
  const keywords = r.keywords ? String(r.keywords).split(' ') : []
  return {
    id: num(r.id),
    externalId: String(r.external_id),
    companyKey: String(r.company_key),
    locationKey: String(r.location_key),
    latitude: numOrNull(r.latitude),
    longitude: numOrNull(r.longitude),
    employmentType: String(r.employment_type),
    annualSalaryMax: num(r.annual_salary_max),
    keywords,
    keywordSet: new Set(keywords),
    searchable: searchableText(String(r.title), String(r.description)),
    editorial: bool(r.editorial_pick),
    postedAt: String(r.posted),
    basic: num(r.basic),
    seo: num(r.seo),
    changed: bool(r.changed),
  }
}

/**
 * Candidate generation, set-based: window functions rank every open listing within its location and its
 * grid cell (narrow rows, so the sorts stay cheap), and four top-N queries find the best overall, the best
 * editorial picks, the best-paid and the newest. A listing in any pool's top N is a candidate. A user's
 * pairs are scored against their location's pool, the cells around them and the global pools — not
 * against every listing.
 */
export async function loadPools(trx: Knex.Transaction, sizes: PoolSizes, nearbyKm: number): Promise<Pools> {
  const cell = cellSize(nearbyKm)
  const ranked = rawRows(
    await trx.raw(
      `select ${WIDE}, ranked.rn_region, ranked.rn_cell
       from (
         select l.id,
                row_number() over (partition by l.location_key order by ${BASE} desc, l.id) as rn_region,
                case when l.latitude is null then null
                     else row_number() over (partition by floor(l.latitude / ?), floor(l.longitude / ?) order by ${BASE} desc, l.id) end as rn_cell
         from ${T.listings} l join ${T.listingScores} s on s.listing_id = l.id
         where l.status = 'open'
       ) ranked
       join ${T.listings} l on l.id = ranked.id ${SCORES_AND_CHANGES}
       where ranked.rn_region <= ? or ranked.rn_cell <= ?`,
      [cell, cell, sizes.regional, sizes.nearbyPerCell],
    ),
  )
  const pools: Pools = { regional: new Map(), cells: new Map(), global: [], size: 0, changed: 0 }
  const byId = new Map<number, PoolListing>()
  for (const r of ranked) {
    const listing = toPoolListing(r)
    byId.set(listing.id, listing)
    if (num(r.rn_region) <= sizes.regional) push(pools.regional, listing.locationKey, listing)
    if (
      r.rn_cell !== null &&
      num(r.rn_cell) <= sizes.nearbyPerCell &&
      listing.latitude !== null &&
      listing.longitude !== null
    ) {
      push(pools.cells, cellKey(listing.latitude, listing.longitude, cell), listing)
    }
  }
  const rankings: unknown[][] = []
  for (const query of globalPoolIds(trx, sizes.global)) rankings.push((await query) as unknown[])
  const globalIds = [...new Set(rankings.flat().map(num))]
  const missing = globalIds.filter((id) => !byId.has(id))
  for (let i = 0; i < missing.length; i += ID_PAGE) {
    const rows = rawRows(
      await trx.raw(
        `select ${WIDE} from ${T.listings} l ${SCORES_AND_CHANGES} where l.id in (${missing
          .slice(i, i + ID_PAGE)
          .map(() => '?')
          .join(', ')})`,
        missing.slice(i, i + ID_PAGE),
      ),
    )
    for (const r of rows) byId.set(num(r.id), toPoolListing(r))
  }
  pools.global = globalIds.map((id) => byId.get(id)!).filter(Boolean)
  pools.size = byId.size
  for (const l of byId.values()) if (l.changed) pools.changed++
  return pools
}

function push(map: Map<string, PoolListing[]>, key: string, listing: PoolListing): void {
  const list = map.get(key)
  if (list) list.push(listing)
  else map.set(key, [listing])
}
