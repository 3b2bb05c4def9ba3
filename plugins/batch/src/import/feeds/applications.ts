import { T } from '../../db/tables.js'
import { requiredInstant } from '../dates.js'
import { requiredId } from './ids.js'
import type { FeedSpec } from './spec.js'

export const applicationsFeed: FeedSpec = {
  kind: 'applications',
  table: T.applications,
  key: ['user_id', 'listing_id'],
  required: ['user_id', 'listing_id', 'applied_at'],
  optional: [],
  columns: ['user_id', 'listing_id', 'applied_at'],
  status: { present: 'active', absent: 'removed' },
  idOf: () => null,
  toRow: (cell, env) => [
    requiredId(cell('user_id'), 'user_id'),
    requiredId(cell('listing_id'), 'listing_id'),
    requiredInstant(cell('applied_at'), 'applied_at', env.zone),
  ],
}
