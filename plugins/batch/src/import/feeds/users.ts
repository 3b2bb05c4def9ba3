import { splitKeywords } from '../../text/normalize.js'
import { T } from '../../db/tables.js'
import {
  annualAmount,
  employmentType,
  optionalAmount,
  optionalCoordinates,
  optionalText,
  salaryPeriod,
} from '../values.js'
import { requiredId } from './ids.js'
import type { FeedSpec } from './spec.js'

export const usersFeed: FeedSpec = {
  kind: 'users',
  table: T.users,
  key: ['external_id'],
  required: ['external_id'],
  optional: [
    'location',
    'latitude',
    'longitude',
    'employment_type',
    'desired_salary',
    'desired_salary_period',
    'keywords',
  ],
  aliases: { user_id: 'external_id' },
  columns: [
    'external_id',
    'location',
    'location_key',
    'latitude',
    'longitude',
    'employment_type',
    'desired_salary',
    'keywords',
  ],
  matchKeys: [['location_key', 'location']],
  status: { present: 'active', absent: 'inactive' },
  idOf: (cell) => (cell('external_id') ?? '').trim() || null,
  toRow(cell) {
    const externalId = requiredId(cell('external_id'), 'external_id')
    const location = optionalText(cell('location'))
    const { latitude, longitude } = optionalCoordinates(cell('latitude'), cell('longitude'))
    const type = optionalText(cell('employment_type'))
    const desired = optionalAmount(cell('desired_salary'), 'desired_salary')
    const period = salaryPeriod(cell('desired_salary_period'), 'desired_salary_period')
    return [
      externalId,
      location,
      null,
      latitude,
      longitude,
      type === null ? null : employmentType(type),
      desired === null ? null : annualAmount(desired, period, 'desired_salary'),
      splitKeywords(cell('keywords')).join(' '),
    ]
  },
}
