import type { Knex } from 'knex'
import { bool, num } from '../db/dialect.js'
import { T } from '../db/tables.js'

export interface ShownRecommendation {
  rank: number
  section: string
  position: number
  filled: boolean
  listing: {
    id: string
    title: string
    company: string
    location: string
    employmentType: string
    salaryMin: number
    salaryMax: number
    salaryPeriod: string
    status: string
  }
  scores: { composite: number; basic: number; seo: number; personalized: number }
}

export interface UserRecommendations {
  user: string
  run: { id: string; job: string; publishedAt: string | null } | null
  recommendations: ShownRecommendation[]
}

/** A user's current recommendations: one statement over the current set, so a switch never shows half of one. */
export async function readRecommendations(db: Knex, user: string): Promise<UserRecommendations | 'unknown-user'> {
  const known = await db(T.users).where({ external_id: user }).first('id')
  if (!known) return 'unknown-user'
  const current = await db(T.recommendationSets).where({ status: 'current' }).first('run_id', 'job', 'finished_at')
  const rows = (await db({ r: T.recommendations })
    .join({ s: T.recommendationSets }, 's.run_id', 'r.run_id')
    .join({ l: T.listings }, 'l.id', 'r.listing_id')
    .where('s.status', 'current')
    .where('r.user_id', num(known.id))
    .orderBy('r.rank_no')
    .select(
      'r.run_id',
      'r.rank_no',
      'r.section',
      'r.position',
      'r.filled',
      'r.composite',
      'r.basic',
      'r.seo',
      'r.personalized',
      'l.external_id',
      'l.title',
      'l.company_name',
      'l.location',
      'l.employment_type',
      'l.salary_min',
      'l.salary_max',
      'l.salary_period',
      'l.status',
    )) as Array<Record<string, unknown>>
  return {
    user,
    run: current
      ? {
          id: String(current.run_id),
          job: String(current.job),
          publishedAt: (current.finished_at as string | null) ?? null,
        }
      : null,
    recommendations: rows.map((r) => ({
      rank: num(r.rank_no),
      section: String(r.section),
      position: num(r.position),
      filled: bool(r.filled),
      listing: {
        id: String(r.external_id),
        title: String(r.title),
        company: String(r.company_name),
        location: String(r.location),
        employmentType: String(r.employment_type),
        salaryMin: num(r.salary_min),
        salaryMax: num(r.salary_max),
        salaryPeriod: String(r.salary_period),
        status: String(r.status),
      },
      scores: { composite: num(r.composite), basic: num(r.basic), seo: num(r.seo), personalized: num(r.personalized) },
    })),
  }
}
