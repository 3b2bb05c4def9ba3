import { splitKeywords } from '../../text/normalize.js'
import { T } from '../../db/tables.js'
import { optionalInstant } from '../dates.js'
import { RowRejected } from '../row-rejected.js'
import {
  annualAmount,
  employmentType,
  optionalAmount,
  optionalBoolean,
  optionalCoordinates,
  requiredAmount,
  requiredText,
  salaryPeriod,
} from '../values.js'
import { requiredId } from './ids.js'
import type { FeedSpec } from './spec.js'

export const listingsFeed: FeedSpec = {
  kind: 'listings',
  table: T.listings,
  key: ['external_id'],
  required: [
    'external_id',
    'title',
    'company_name',
    'location',
    'employment_type',
    'salary_min',
    'salary_max',
    'description',
  ],
  optional: ['salary_period', 'fee', 'posted_at', 'latitude', 'longitude', 'editorial_pick', 'keywords'],
  columns: [
    'external_id',
    'title',
    'company_name',
    'company_key',
    'location',
    'location_key',
    'employment_type',
    'salary_min',
    'salary_max',
    'salary_period',
    'annual_salary_min',
    'annual_salary_max',
    'description',
    'fee',
    'posted_at',
    'latitude',
    'longitude',
    'editorial_pick',
    'keywords',
  ],
  matchKeys: [
    ['company_key', 'company_name'],
    ['location_key', 'location'],
  ],
  status: { present: 'open', absent: 'closed' },
  idOf: (cell) => (cell('external_id') ?? '').trim() || null,
  toRow(cell, env) {
    const externalId = requiredId(cell('external_id'), 'external_id')
    const title = requiredText(cell('title'), 'title')
    const company = requiredText(cell('company_name'), 'company_name')
    const location = requiredText(cell('location'), 'location')
    const type = employmentType(requiredText(cell('employment_type'), 'employment_type'))
    const min = requiredAmount(cell('salary_min'), 'salary_min')
    const max = requiredAmount(cell('salary_max'), 'salary_max')
    if (min > max) throw new RowRejected(`salary_min (${min}) is greater than salary_max (${max})`)
    const period = salaryPeriod(cell('salary_period'), 'salary_period')
    // Descriptions keep their line breaks.
    const description = (cell('description') ?? '').trim()
    if (!description) throw new RowRejected('description is empty')
    const { latitude, longitude } = optionalCoordinates(cell('latitude'), cell('longitude'))
    return [
      externalId,
      title,
      company,
      null,
      location,
      null,
      type,
      min,
      max,
      period,
      annualAmount(min, period, 'salary_min'),
      annualAmount(max, period, 'salary_max'),
      description,
      optionalAmount(cell('fee'), 'fee'),
      optionalInstant(cell('posted_at'), 'posted_at', env.zone),
      latitude,
      longitude,
      optionalBoolean(cell('editorial_pick'), 'editorial_pick'),
      splitKeywords(cell('keywords')).join(' '),
    ]
  },
}
