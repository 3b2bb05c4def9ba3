import type { Knex } from 'knex'
import { num } from '../db/dialect.js'
import { T } from '../db/tables.js'

export interface ChangeWindow {
  /** Everything counts as changed. */
  full: boolean
  /** Changes after this seq (exclusive) and up to `to` (inclusive). */
  from: number
  to: number
}

/**
 * Fills the work tables with what this score must recompute: listings whose row or activity changed in the
 * window, and users whose row, activity or applications did. Returns how many of each.
 */
export async function collectChanges(
  trx: Knex.Transaction,
  w: ChangeWindow,
): Promise<{ listings: number; users: number }> {
  await trx(T.changedListings).delete()
  await trx(T.changedUsers).delete()
  if (w.full) {
    await trx.raw(`insert into ${T.changedListings} (listing_id) select id from ${T.listings}`)
    await trx.raw(`insert into ${T.changedUsers} (user_id) select id from ${T.users}`)
  } else {
    const range = [w.from, w.to]
    await trx.raw(
      `insert into ${T.changedListings} (listing_id)
       select id from ${T.listings} where change_seq > ? and change_seq <= ?
       union
       select l.id from ${T.listings} l join ${T.activity} a on a.listing_id = l.external_id where a.change_seq > ? and a.change_seq <= ?`,
      [...range, ...range],
    )
    await trx.raw(
      `insert into ${T.changedUsers} (user_id)
       select id from ${T.users} where change_seq > ? and change_seq <= ?
       union
       select u.id from ${T.users} u join ${T.activity} a on a.user_id = u.external_id where a.change_seq > ? and a.change_seq <= ?
       union
       select u.id from ${T.users} u join ${T.applications} p on p.user_id = u.external_id where p.change_seq > ? and p.change_seq <= ?`,
      [...range, ...range, ...range],
    )
  }
  const l = await trx(T.changedListings).count({ n: '*' }).first()
  const u = await trx(T.changedUsers).count({ n: '*' }).first()
  return { listings: num(l?.n), users: num(u?.n) }
}
