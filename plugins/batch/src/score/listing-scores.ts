import type { Knex } from 'knex'
import { bulkSink, insertStatement } from '../db/bulk-insert.js'
import { num, numOrNull } from '../db/dialect.js'
import { T } from '../db/tables.js'
import { normalizeText } from '../text/normalize.js'
import {
  type Scales,
  basicScore,
  descriptionQuality,
  feeScore,
  keywordCoverage,
  popularityScore,
  seoScore,
  titleQuality,
  wageScore,
} from './formulas.js'

const PAGE = 2000
const COLUMNS = [
  'listing_id',
  'views',
  'clicks',
  'wage',
  'fee',
  'popularity',
  'basic',
  'title_quality',
  'description_quality',
  'keyword_coverage',
  'seo',
  'scored_at',
]

/** What a listing's title and description say, as keyword matching compares it. */
export function searchableText(title: string, description: string): string {
  return normalizeText(`${title}\n${description}`).toLowerCase()
}

interface ListingRow {
  id: number
  external_id: string
  title: string
  description: string
  keywords: string
  annual_salary_min: number
  annual_salary_max: number
  fee: number | null
}

/** Views and clicks per listing (external id), from active activity rows. */
async function activityCounts(
  trx: Knex.Transaction,
  externalIds: string[],
): Promise<Map<string, { views: number; clicks: number }>> {
  const rows = await trx(T.activity)
    .select('listing_id')
    .sum({ views: 'views', clicks: 'clicks' })
    .where({ status: 'active' })
    .whereIn('listing_id', externalIds)
    .groupBy('listing_id')
  return new Map(
    (rows as Array<{ listing_id: string; views: unknown; clicks: unknown }>).map((r) => [
      r.listing_id,
      { views: num(r.views), clicks: num(r.clicks) },
    ]),
  )
}

/** Recomputes basic and seo for every listing in the changed-listings work table, page by page. */
export async function scoreListings(
  trx: Knex.Transaction,
  scales: Scales,
  now: string,
  signal: AbortSignal,
): Promise<number> {
  await trx(T.listingScores).whereIn('listing_id', trx(T.changedListings).select('listing_id')).delete()
  const sink = await bulkSink(trx, insertStatement(T.listingScores, COLUMNS))
  let after = 0
  let scored = 0
  for (;;) {
    if (signal.aborted) throw signal.reason ?? new Error('aborted')
    const page = (await trx({ l: T.listings })
      .join({ c: T.changedListings }, 'c.listing_id', 'l.id')
      .where('l.id', '>', after)
      .orderBy('l.id')
      .limit(PAGE)
      .select(
        'l.id',
        'l.external_id',
        'l.title',
        'l.description',
        'l.keywords',
        'l.annual_salary_min',
        'l.annual_salary_max',
        'l.fee',
      )) as ListingRow[]
    if (!page.length) break
    after = num(page[page.length - 1].id)
    const counts = await activityCounts(
      trx,
      page.map((r) => r.external_id),
    )
    for (const r of page) {
      const { views, clicks } = counts.get(r.external_id) ?? { views: 0, clicks: 0 }
      const wage = wageScore(num(r.annual_salary_min), num(r.annual_salary_max), scales)
      const fee = feeScore(numOrNull(r.fee), scales)
      const popularity = popularityScore(views, clicks, scales)
      const keywords = r.keywords ? r.keywords.split(' ') : []
      const title = titleQuality(r.title)
      const description = descriptionQuality(r.description)
      const coverage = keywordCoverage(keywords, searchableText(r.title, r.description))
      await sink.write([
        num(r.id),
        views,
        clicks,
        wage,
        fee,
        popularity,
        basicScore(wage, fee, popularity),
        title,
        description,
        coverage,
        seoScore(title, description, coverage),
        now,
      ])
    }
    scored += page.length
  }
  await sink.flush()
  return scored
}
