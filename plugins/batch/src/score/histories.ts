import type { Knex } from 'knex'
import { T } from '../db/tables.js'
import type { History } from './formulas.js'

/** What each user engaged with (viewed, clicked, applied to): those listings' keywords and companies. */
export async function loadHistories(trx: Knex.Transaction, userIds: string[]): Promise<Map<string, History>> {
  const engaged = (table: string) =>
    trx({ e: table })
      .join({ l: T.listings }, 'l.external_id', 'e.listing_id')
      .where('e.status', 'active')
      .whereIn('e.user_id', userIds)
      .select('e.user_id', 'l.keywords', 'l.company_key')
  const rows = (await engaged(T.activity).unionAll(engaged(T.applications))) as Array<{
    user_id: string
    keywords: string
    company_key: string
  }>
  const histories = new Map<string, { keywords: Set<string>; companies: Set<string> }>()
  for (const r of rows) {
    let h = histories.get(r.user_id)
    if (!h) histories.set(r.user_id, (h = { keywords: new Set(), companies: new Set() }))
    for (const k of r.keywords ? r.keywords.split(' ') : []) h.keywords.add(k)
    h.companies.add(r.company_key)
  }
  return histories
}
