import { matchKey } from '../../text/normalize.js'
import { T } from '../../db/tables.js'
import { optionalInstant } from '../dates.js'
import { RowRejected } from '../row-rejected.js'
import { optionalCount } from '../values.js'
import { optionalId, requiredId } from './ids.js'
import type { FeedSpec } from './spec.js'

const EVENTS: Record<string, 'view' | 'click'> = {
  view: 'view',
  views: 'view',
  pv: 'view',
  閲覧: 'view',
  表示: 'view',
  click: 'click',
  clicks: 'click',
  クリック: 'click',
}

/**
 * Views and clicks, in either shape: one row per event (`event` = view or click, optional `count`), or counts
 * (`views`, `clicks`) per user, listing and time. An empty or missing user_id is an anonymous visitor: it
 * counts for popularity only. A counts row is stored with the event `counts`.
 */
export const activityFeed: FeedSpec = {
  kind: 'activity',
  table: T.activity,
  key: ['user_id', 'listing_id', 'event', 'occurred_at'],
  required: ['listing_id'],
  optional: ['user_id', 'event', 'count', 'views', 'clicks', 'occurred_at'],
  oneOf: [['event', 'views', 'clicks']],
  columns: ['user_id', 'listing_id', 'event', 'occurred_at', 'views', 'clicks'],
  status: { present: 'active', absent: 'removed' },
  idOf: () => null,
  toRow(cell, env) {
    const user = optionalId(cell('user_id'), 'user_id')
    const listing = requiredId(cell('listing_id'), 'listing_id')
    const at = optionalInstant(cell('occurred_at'), 'occurred_at', env.zone) ?? ''
    const event = cell('event')
    if (event === undefined)
      return [
        user,
        listing,
        'counts',
        at,
        optionalCount(cell('views'), 'views') ?? 0,
        optionalCount(cell('clicks'), 'clicks') ?? 0,
      ]
    const kind = EVENTS[matchKey(event)]
    if (!kind) throw new RowRejected(`event ${JSON.stringify(event)} is not view or click`)
    const count = optionalCount(cell('count'), 'count') ?? 1
    return [user, listing, kind, at, kind === 'view' ? count : 0, kind === 'click' ? count : 0]
  },
}
