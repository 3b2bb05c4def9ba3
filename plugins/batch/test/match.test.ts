import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readRecommendations, type UserRecommendations } from '../src/match/read-recommendations.js'
import { beginSet, publishSet } from '../src/match/recommendation-sets.js'
import { SECTIONS } from '../src/match/sections.js'
import { BatchProject, DAY, LISTING_COLUMNS, csv, listing } from './support/context.js'

const COMPANIES = ['A社', 'B社', 'C社', 'D社', 'E社', 'F社']
const PLACES = [
  ['東京都', 35.68, 139.69],
  ['神奈川県', 35.45, 139.64],
  ['大阪府', 34.69, 135.52],
] as const

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

describe.each(['sqlite', 'pg', 'mysql'] as const)('batch-match on %s', (kind) => {
  let p: BatchProject

  beforeEach(async () => {
    p = await BatchProject.create(kind)
    const listings = Array.from({ length: 60 }, (_, i) => {
      const [location, lat, lon] = PLACES[i % 3]
      return listing({
        external_id: `J${String(i).padStart(2, '0')}`,
        company_name: COMPANIES[i % 6],
        location,
        latitude: lat,
        longitude: lon,
        salary_min: 3_000_000,
        salary_max: 3_500_000 + (i % 10) * 500_000,
        editorial_pick: i % 10 === 0 ? 1 : 0,
        posted_at: iso(p.now - (i < 8 ? 2 : 60) * DAY),
        fee: (i % 7) * 50_000,
      })
    })
    p.write(
      'listings.csv',
      csv([...LISTING_COLUMNS, 'latitude', 'longitude', 'editorial_pick', 'posted_at', 'fee'], listings),
    )
    p.write(
      'users.csv',
      csv(
        ['external_id', 'location', 'latitude', 'longitude'],
        [
          { external_id: 'U1', location: '東京都', latitude: 35.68, longitude: 139.69 },
          { external_id: 'U2', location: '大阪府', latitude: 34.69, longitude: 135.52 },
        ],
      ),
    )
    // U1 applied to A社 13 days ago and to C社 exactly 14 days ago: both excluded (60 − 20 = 40 left).
    // U2 applied to B社 15 days ago: not excluded.
    p.write(
      'applications.csv',
      csv(
        ['user_id', 'listing_id', 'applied_at'],
        [
          { user_id: 'U1', listing_id: 'J00', applied_at: iso(p.now - 13 * DAY) },
          { user_id: 'U1', listing_id: 'J02', applied_at: iso(p.now - 14 * DAY) },
          { user_id: 'U2', listing_id: 'J01', applied_at: iso(p.now - 15 * DAY) },
        ],
      ),
    )
    await p.importFeed({ path: 'listings.csv' })
    await p.importFeed({ kind: 'users', path: 'users.csv' })
    await p.importFeed({ kind: 'applications', path: 'applications.csv' })
    await p.score()
  })
  afterEach(async () => {
    await p.close()
  })

  const read = async (user: string) => (await readRecommendations(p.db, user)) as UserRecommendations
  const companyOf = (id: string) => COMPANIES[Number(id.slice(1)) % 6]

  it('gives every user with enough eligible listings exactly 40, in sections, no listing twice', async () => {
    const result = await p.match()
    expect(result.status).toBe('ok')
    expect(result.summary).toBe('40 recommendations for each of 2 users')
    for (const user of ['U1', 'U2']) {
      const r = await read(user)
      expect(r.recommendations, user).toHaveLength(40)
      expect(new Set(r.recommendations.map((x) => x.listing.id)).size).toBe(40)
      expect(r.recommendations.map((x) => x.rank)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
      for (const s of SECTIONS)
        expect(
          r.recommendations.filter((x) => x.section === s.name),
          `${user} ${s.name}`,
        ).toHaveLength(s.size)
      expect(r.run?.id).toBe((result.data as { runId: string }).runId)
    }
    const u1 = await read('U1')
    // Own-section picks match their section's rule.
    const own = (name: string) => u1.recommendations.filter((x) => x.section === name && !x.filled)
    expect(own('editorial').every((x) => Number(x.listing.id.slice(1)) % 10 === 0)).toBe(true)
    expect(own('regional').every((x) => x.listing.location === '東京都')).toBe(true)
    expect(own('nearby').every((x) => x.listing.location === '神奈川県')).toBe(true)
    expect(own('high-income').every((x) => x.listing.salaryMax >= 6_000_000)).toBe(true)
    expect(own('new').every((x) => Number(x.listing.id.slice(1)) < 8)).toBe(true)
  })

  it('excludes companies the user applied to in the last 14 days, not before', async () => {
    const result = await p.match()
    expect((result.data as { excludedByApplication: number }).excludedByApplication).toBe(20)
    const u1 = await read('U1')
    expect(u1.recommendations.filter((x) => ['A社', 'C社'].includes(companyOf(x.listing.id)))).toEqual([])
    expect(u1.recommendations).toHaveLength(40) // exactly the 40 eligible ones
    const u2 = await read('U2')
    expect(u2.recommendations.some((x) => companyOf(x.listing.id) === 'B社')).toBe(true)

    // A day later the C社 application is 15 days old: C社 is back.
    p.now += DAY
    await p.match()
    expect((await read('U1')).recommendations.some((x) => companyOf(x.listing.id) === 'C社')).toBe(true)
  })

  it('a user with fewer eligible listings gets them all, and the run says so', async () => {
    p.write(
      'more-apps.csv',
      csv(
        ['user_id', 'listing_id', 'applied_at'],
        [{ user_id: 'U1', listing_id: 'J03', applied_at: iso(p.now - DAY) }],
      ),
    )
    await p.importFeed({ kind: 'applications', path: 'more-apps.csv' })
    const result = await p.match()
    expect(result.summary).toBe('recommendations for 2 users: 1 with 40, 1 with fewer (not enough eligible listings)')
    expect(result.data).toMatchObject({ shortUsers: 1, short: [{ user: 'U1', recommendations: 30 }] })
    expect((await read('U1')).recommendations).toHaveLength(30)
  })

  it('publishes atomically: readers see the current set only; the one before stays until the next', async () => {
    const first = await p.match()
    const firstId = (first.data as { runId: string }).runId
    const shown = await read('U1')

    // A run in the middle of writing: its set and rows exist, readers do not see them.
    p.now += 1000
    const ctx = p.context('match', 'batch-match')
    await p.db.transaction(async (trx) => {
      await beginSet(trx, { runId: ctx.run.id, job: 'match', startedAt: iso(p.now), now: p.now })
      const user = await trx('batch_users').where({ external_id: 'U1' }).first('id')
      await trx('batch_recommendations').insert({
        run_id: ctx.run.id,
        user_id: user.id,
        rank_no: 1,
        section: 'top',
        position: 1,
        listing_id: 1,
        composite: 1,
        basic: 1,
        seo: 1,
        personalized: 1,
        filled: false,
      })
    })
    expect(await read('U1')).toEqual(shown)

    p.now += 1000
    const second = await p.match()
    const secondId = (second.data as { runId: string }).runId
    expect((await read('U1')).run?.id).toBe(secondId)
    const sets = async () =>
      (await p.db('batch_recommendation_sets').orderBy('run_id').select('run_id', 'status')).map((s) => [
        s.run_id,
        s.status,
      ])
    expect(await sets()).toEqual([
      [firstId, 'previous'],
      [ctx.run.id, 'writing'],
      [secondId, 'current'],
    ])

    p.now += 1000
    const third = await p.match()
    const thirdId = (third.data as { runId: string }).runId
    expect((await sets()).filter(([, s]) => s !== 'writing')).toEqual([
      [secondId, 'previous'],
      [thirdId, 'current'],
    ])
    expect(await p.db('batch_recommendations').where({ run_id: firstId }).first()).toBeUndefined()

    // An abandoned writing set (a run that died) is cleaned up a day later.
    p.now += DAY + 1000
    await p.match()
    expect((await sets()).map(([, s]) => s).sort()).toEqual(['current', 'previous'])
  })

  it('a run that started before the published one does not replace it', async () => {
    const older = p.context('match', 'batch-match')
    await p.db.transaction((trx) =>
      beginSet(trx, { runId: older.run.id, job: 'match', startedAt: iso(p.now), now: p.now }),
    )
    p.now += 1000
    const newer = await p.match()
    const published = await p.db.transaction((trx) =>
      publishSet(trx, { runId: older.run.id, finishedAt: iso(p.now), users: 0, rows: 0 }),
    )
    expect(published).toBe('superseded')
    expect((await read('U1')).run?.id).toBe((newer.data as { runId: string }).runId)
  })

  it('is skipped while nothing has been scored', async () => {
    await p.db('batch_pair_scores').delete()
    const result = await p.match()
    expect(result.status).toBe('skipped')
    expect(result.summary).toBe('no scored users yet: run the batch-score job first')
  })
})
