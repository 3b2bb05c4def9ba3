import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KM_PER_DEGREE } from '../src/score/geo.js'
import { BatchProject, LISTING_COLUMNS, csv } from './support/context.js'

const LISTING_FEED = [...LISTING_COLUMNS, 'salary_period', 'fee', 'latitude', 'longitude', 'keywords']
const USER_FEED = ['external_id', 'location', 'latitude', 'longitude', 'employment_type', 'desired_salary', 'keywords']

// Three listings and two users whose scores are worked out by hand below (defaults of batch-score).
const L1 = {
  external_id: 'L1',
  title: 'Javaエンジニア募集 東京',
  company_name: 'サクラ',
  location: '東京都',
  employment_type: 'full_time',
  salary_min: 4_000_000,
  salary_max: 6_000_000,
  description: `${'x'.repeat(96)}リモート`,
  fee: 150_000,
  latitude: 35,
  longitude: 139,
  keywords: 'Java、AWS、リモート',
}
// 15 km due north of the user U1.
const L2 = {
  external_id: 'L2',
  title: '営業',
  company_name: 'ミライ',
  location: '神奈川県',
  employment_type: '契約社員',
  salary_period: '月給',
  salary_min: 300_000,
  salary_max: 400_000,
  description: 'y'.repeat(300),
  latitude: 35 + 15 / KM_PER_DEGREE,
  longitude: 139,
}
const L3 = {
  external_id: 'L3',
  title: 'x'.repeat(50),
  company_name: 'サクラ',
  location: '大阪府',
  employment_type: 'パート',
  salary_period: '時給',
  salary_min: 1_500,
  salary_max: 2_000,
  description: 'z'.repeat(200),
  fee: 600_000,
  keywords: 'aws',
}
const U1 = {
  external_id: 'U1',
  location: '東京都',
  latitude: 35,
  longitude: 139,
  employment_type: '正社員',
  desired_salary: 5_000_000,
  keywords: 'java sql',
}
const U2 = { external_id: 'U2', location: '大阪府' }

const EXPECTED_LISTINGS = {
  // wage (5M−2M)/8M = 37.5; fee 150k/500k = 30; popularity √((150 + 5·20)/1000) = 50 → basic 15 + 9 + 15 = 39
  // title 14 chars = 100; description 100 chars = 50; keywords java, リモート of java/aws/リモート = 66.67 → seo 30 + 15 + 26.67
  L1: { wage: 37.5, fee: 30, popularity: 50, basic: 39, seo: 71.6667 },
  // month 300k–400k = 3.6M–4.8M a year, middle 4.2M → 27.5; no fee, no activity → basic 11; title 2 chars = 20, description 100, no keywords → seo 6 + 30
  L2: { wage: 27.5, fee: 0, popularity: 0, basic: 11, seo: 36 },
  // hour 1,500–2,000 = 3M–4M a year → 18.75; fee 600k caps at 100; 200 clicks → 100 → basic 7.5 + 30 + 30 = 67.5; title 50 chars = 75, description 100, keyword aws absent → seo 22.5 + 30
  L3: { wage: 18.75, fee: 100, popularity: 100, basic: 67.5, seo: 52.5 },
}

const EXPECTED_PAIRS = {
  // U1 (東京都, full_time, wants 5M, keywords java sql; clicked L1 → history java/aws/リモート, company サクラ)
  'U1 L1': {
    location: 100,
    employment: 100,
    salary: 100,
    keywords: 50,
    history: 100,
    personalized: 90,
    composite: 71.0333,
    regional: true,
    nearby: false,
  },
  'U1 L2': {
    location: 40,
    employment: 0,
    salary: 92,
    keywords: 0,
    history: 0,
    personalized: 32.4,
    composite: 26.7,
    regional: false,
    nearby: true,
  },
  'U1 L3': {
    location: 0,
    employment: 0,
    salary: 60,
    keywords: 0,
    history: 100,
    personalized: 22,
    composite: 41.75,
    regional: false,
    nearby: false,
  },
  // U2 (大阪府, nothing else known): 50 for every unknown preference
  'U2 L1': {
    location: 0,
    employment: 50,
    salary: 50,
    keywords: 50,
    history: 50,
    personalized: 32.5,
    composite: 42.2833,
    regional: false,
    nearby: false,
  },
  'U2 L2': {
    location: 0,
    employment: 50,
    salary: 50,
    keywords: 50,
    history: 50,
    personalized: 32.5,
    composite: 26.75,
    regional: false,
    nearby: false,
  },
  'U2 L3': {
    location: 100,
    employment: 50,
    salary: 50,
    keywords: 50,
    history: 50,
    personalized: 67.5,
    composite: 64.5,
    regional: true,
    nearby: false,
  },
}

describe.each(['sqlite', 'pg', 'mysql'] as const)('batch-score on %s', (kind) => {
  let p: BatchProject
  beforeEach(async () => {
    p = await BatchProject.create(kind)
    p.write('listings.csv', csv(LISTING_FEED, [L1, L2, L3]))
    p.write('users.csv', csv(USER_FEED, [U1, U2]))
    p.write(
      'activity.csv',
      csv(
        ['user_id', 'listing_id', 'event', 'count'],
        [
          { user_id: '', listing_id: 'L1', event: 'view', count: 150 },
          { user_id: 'U1', listing_id: 'L1', event: 'click', count: 20 },
          { user_id: '', listing_id: 'L3', event: 'click', count: 200 },
        ],
      ),
    )
    await p.importFeed({ path: 'listings.csv' })
    await p.importFeed({ kind: 'users', path: 'users.csv' })
    await p.importFeed({ kind: 'activity', path: 'activity.csv' })
  })
  afterEach(async () => {
    await p.close()
  })

  async function listingScores() {
    const rows = await p
      .db({ s: 'batch_listing_scores' })
      .join({ l: 'batch_listings' }, 'l.id', 's.listing_id')
      .select('l.external_id', 's.*')
    return Object.fromEntries(rows.map((r) => [r.external_id, r]))
  }

  async function pairScores() {
    const rows = await p
      .db({ p: 'batch_pair_scores' })
      .join({ l: 'batch_listings' }, 'l.id', 'p.listing_id')
      .join({ u: 'batch_users' }, 'u.id', 'p.user_id')
      .select('u.external_id as user', 'l.external_id as listing', 'p.*')
    return Object.fromEntries(rows.map((r) => [`${r.user} ${r.listing}`, r]))
  }

  it('computes every listing and pair score as worked out by hand', async () => {
    const result = await p.score()
    expect(result.status).toBe('ok')
    expect(result.summary).toMatch(/^full score \(first score\): 3 listings scored, 6 pairs for 2 users in [\d.]+s$/)
    const listings = await listingScores()
    for (const [id, expected] of Object.entries(EXPECTED_LISTINGS)) {
      for (const [k, v] of Object.entries(expected)) expect(Number(listings[id][k]), `${id} ${k}`).toBeCloseTo(v, 4)
    }
    const pairs = await pairScores()
    expect(Object.keys(pairs).sort()).toEqual(Object.keys(EXPECTED_PAIRS))
    for (const [key, expected] of Object.entries(EXPECTED_PAIRS)) {
      const row = pairs[key]
      for (const k of ['location', 'employment', 'salary', 'keywords', 'history', 'personalized', 'composite'] as const)
        expect(Number(row[k]), `${key} ${k}`).toBeCloseTo(expected[k], 4)
      expect([Boolean(row.is_regional), Boolean(row.is_nearby)], key).toEqual([expected.regional, expected.nearby])
    }
    expect(Number(pairs['U1 L2'].distance_km)).toBeCloseTo(15, 6)
  })

  it('recomputes only what changed since the last successful score', async () => {
    await p.score()
    const first = await listingScores()

    p.now += 60_000
    const idle = await p.score()
    expect(idle.summary).toBe('nothing changed since the last score (change 3)')
    expect(idle.data).toMatchObject({ full: false, listingsScored: 0, pairsWritten: 0 })

    // L2 gets a longer title: only L2 is rescored, and only its two pairs.
    p.now += 60_000
    p.write('l2.csv', csv(LISTING_FEED, [{ ...L2, title: '法人営業スタッフ募集 神奈川' }]))
    await p.importFeed({ path: 'l2.csv' })
    const incremental = await p.score()
    expect(incremental.data).toMatchObject({
      full: false,
      listingsChanged: 1,
      usersChanged: 0,
      listingsScored: 1,
      usersScored: 2,
      pairsWritten: 2,
    })
    expect(incremental.summary).toMatch(
      /^incremental score \(changes 3→4: 1 listings, 0 users changed\): 1 listings scored, 2 pairs for 2 users/,
    )
    const second = await listingScores()
    expect(second.L1.scored_at).toBe(first.L1.scored_at)
    expect(second.L2.scored_at).not.toBe(first.L2.scored_at)
    expect(Number(second.L2.title_quality)).toBe(100)
    const pairs = await pairScores()
    expect(Number(pairs['U1 L2'].composite)).toBeCloseTo(26.7 + 0.2 * 0.3 * (100 - 20), 4) // seo +24 → composite +4.8
    expect(Number(pairs['U1 L1'].composite)).toBeCloseTo(71.0333, 4)

    // A user who changed gets all their pairs again; new activity rescores the listing.
    p.now += 60_000
    p.write('u2.csv', csv(USER_FEED, [{ ...U2, keywords: 'aws' }]))
    await p.importFeed({ kind: 'users', path: 'u2.csv' })
    p.write(
      'more.csv',
      csv(
        ['user_id', 'listing_id', 'event', 'occurred_at', 'count'],
        [{ user_id: '', listing_id: 'L2', event: 'view', occurred_at: '2026-11-19', count: 90 }],
      ),
    )
    await p.importFeed({ kind: 'activity', path: 'more.csv' })
    const third = await p.score()
    expect(third.data).toMatchObject({
      full: false,
      listingsChanged: 1,
      usersChanged: 1,
      listingsScored: 1,
      usersScored: 2,
      pairsWritten: 4,
    })
    const after = await pairScores()
    expect(Number(after['U2 L3'].keywords)).toBe(100) // aws is L3's keyword
    expect(Number((await listingScores()).L2.popularity)).toBeCloseTo(30, 6) // √(90/1000)
  })

  it('recomputes everything with full: true, or when the score settings change', async () => {
    await p.score()
    const forced = await p.score({ full: true })
    expect(forced.data).toMatchObject({ full: true, reason: 'full: true', listingsScored: 3, pairsWritten: 6 })
    const changed = await p.score({ nearbyKm: 10 })
    expect(changed.data).toMatchObject({ full: true, reason: 'score settings changed', listingsScored: 3 })
    const pairs = await pairScores()
    expect(Number(pairs['U1 L2'].location)).toBe(0) // 15 km is no longer nearby
    expect(Boolean(pairs['U1 L2'].is_nearby)).toBe(false)
  })

  it('drops the pairs of closed listings and inactive users', async () => {
    await p.score()
    p.write('full.csv', csv(LISTING_FEED, [L1, L3]))
    await p.importFeed({ path: 'full.csv', mode: 'full' })
    p.write('users-full.csv', csv(USER_FEED, [U1]))
    await p.importFeed({ kind: 'users', path: 'users-full.csv', mode: 'full' })
    await p.score()
    expect(Object.keys(await pairScores()).sort()).toEqual(['U1 L1', 'U1 L3'])
  })
})
