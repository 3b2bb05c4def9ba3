import { describe, expect, it } from 'vitest'
import {
  type Scales,
  basicScore,
  compositeScore,
  descriptionQuality,
  employmentScore,
  feeScore,
  historyScore,
  keywordCoverage,
  keywordMatchScore,
  locationScore,
  personalizedScore,
  popularityScore,
  salaryScore,
  seoScore,
  titleQuality,
  wageScore,
} from '../src/score/formulas.js'
import { KM_PER_DEGREE, cellKey, cellSize, distanceKm, neighbourCells } from '../src/score/geo.js'

// The defaults of batch-score.
const S: Scales = {
  wageFloor: 2_000_000,
  wageCeiling: 10_000_000,
  feeCeiling: 500_000,
  popularityCeiling: 1000,
  nearbyKm: 30,
}

describe('basic = 0.4·wage + 0.3·fee + 0.3·popularity', () => {
  it('wage: the middle of the annual range between floor and ceiling', () => {
    expect(wageScore(4_000_000, 6_000_000, S)).toBe(37.5) // (5,000,000 − 2,000,000) / 8,000,000
    expect(wageScore(3_000_000, 4_000_000, S)).toBe(18.75) // 3,500,000 → 1.5 / 8
    expect(wageScore(1_000_000, 2_000_000, S)).toBe(0)
    expect(wageScore(12_000_000, 15_000_000, S)).toBe(100)
  })

  it('fee: against the ceiling; none is 0', () => {
    expect(feeScore(150_000, S)).toBe(30)
    expect(feeScore(600_000, S)).toBe(100)
    expect(feeScore(null, S)).toBe(0)
  })

  it('popularity: √((views + 5·clicks) / ceiling)', () => {
    expect(popularityScore(150, 20, S)).toBe(50) // 250 / 1000 = 0.25 → 0.5
    expect(popularityScore(0, 200, S)).toBe(100)
    expect(popularityScore(10, 0, S)).toBeCloseTo(10, 10) // √0.01
    expect(popularityScore(0, 0, S)).toBe(0)
  })

  it('weights them 0.4 / 0.3 / 0.3', () => {
    expect(basicScore(37.5, 30, 50)).toBeCloseTo(39, 10) // 15 + 9 + 15
  })
})

describe('seo = 0.3·title + 0.3·description + 0.4·keyword coverage', () => {
  it('title: 100 for 10–40 characters, 10 per character below, −2.5 per character above', () => {
    expect(titleQuality('Javaエンジニア募集 東京')).toBe(100) // 14 characters
    expect(titleQuality('営業')).toBe(20)
    expect(titleQuality('x'.repeat(50))).toBe(75)
    expect(titleQuality('x'.repeat(80))).toBe(0)
    expect(titleQuality('𠮷'.repeat(10))).toBe(100) // characters, not UTF-16 units
  })

  it('description: 100 at 200 characters', () => {
    expect(descriptionQuality('あ'.repeat(50))).toBe(25)
    expect(descriptionQuality('あ'.repeat(300))).toBe(100)
  })

  it("keyword coverage: the share of the listing's keywords its text mentions", () => {
    expect(keywordCoverage(['java', 'aws', 'リモート'], 'javaエンジニア\nリモート可')).toBeCloseTo(200 / 3, 10)
    expect(keywordCoverage([], 'anything')).toBe(0)
  })

  it('weights them 0.3 / 0.3 / 0.4', () => {
    expect(seoScore(100, 50, 200 / 3)).toBeCloseTo(71.6667, 4) // 30 + 15 + 26.667
  })
})

describe('personalized = 0.35·location + 0.15·employment + 0.2·salary + 0.2·keywords + 0.1·history', () => {
  it('location: 100 in the same location, nearby 80 → 0 at nearbyKm, else 0; 50 if the user gave none', () => {
    expect(locationScore({ userKnown: true, sameLocation: true, distanceKm: null }, S)).toBe(100)
    expect(locationScore({ userKnown: true, sameLocation: false, distanceKm: 15 }, S)).toBe(40)
    expect(locationScore({ userKnown: true, sameLocation: false, distanceKm: 31 }, S)).toBe(0)
    expect(locationScore({ userKnown: true, sameLocation: false, distanceKm: null }, S)).toBe(0)
    expect(locationScore({ userKnown: false, sameLocation: false, distanceKm: null }, S)).toBe(50)
  })

  it('employment type: 100 same, 0 different, 50 no preference', () => {
    expect(employmentScore('full_time', 'full_time')).toBe(100)
    expect(employmentScore('full_time', 'contract')).toBe(0)
    expect(employmentScore(null, 'contract')).toBe(50)
  })

  it('salary: 100 when the range reaches the desired pay, 0 at half of it', () => {
    expect(salaryScore(5_000_000, 6_000_000)).toBe(100)
    expect(salaryScore(5_000_000, 4_800_000)).toBeCloseTo(92, 10) // 1 − 2·0.2/5
    expect(salaryScore(5_000_000, 4_000_000)).toBeCloseTo(60, 10)
    expect(salaryScore(5_000_000, 2_400_000)).toBe(0)
    expect(salaryScore(null, 1)).toBe(50)
  })

  it("keywords: the share of the user's keywords the listing has", () => {
    expect(keywordMatchScore(['java', 'sql'], new Set(['java']), 'python')).toBe(50)
    expect(keywordMatchScore(['java', 'sql'], new Set(), 'sql server')).toBe(50)
    expect(keywordMatchScore([], new Set(['java']), '')).toBe(50)
    expect(keywordMatchScore(['go'], new Set(['java']), 'rust')).toBe(0)
  })

  it('history: 60 × keyword overlap with engaged listings + 40 for an engaged company; 50 without history', () => {
    const history = { keywords: new Set(['java', 'aws']), companies: new Set(['サクラ']) }
    expect(historyScore(history, ['java', 'remote'], 'サクラ')).toBeCloseTo(70, 10)
    expect(historyScore(history, ['go'], 'ミライ')).toBe(0)
    expect(historyScore(history, [], 'サクラ')).toBe(40)
    expect(historyScore(null, ['java'], 'サクラ')).toBe(50)
  })

  it('weights them', () => {
    expect(personalizedScore({ location: 100, employment: 100, salary: 60, keywords: 50, history: 70 })).toBeCloseTo(
      79,
      10,
    ) // 35 + 15 + 12 + 10 + 7
  })
})

describe('composite = 0.3·basic + 0.2·seo + 0.5·personalized', () => {
  it('weights them', () => {
    expect(compositeScore(39, 71.6667, 90)).toBeCloseTo(71.0333, 4) // 11.7 + 14.3333 + 45
  })
})

describe('geography', () => {
  it('measures great-circle distance', () => {
    expect(distanceKm(35, 139, 35 + 15 / KM_PER_DEGREE, 139)).toBeCloseTo(15, 9)
    expect(distanceKm(35.6895, 139.6917, 34.6863, 135.52)).toBeCloseTo(395.1, 1) // Tokyo – Osaka
  })

  it('finds every point within nearbyKm in the neighbouring cells', () => {
    const size = cellSize(30)
    for (const [lat, lon] of [
      [35.6895, 139.6917],
      [43.06, 141.35],
      [-33.87, 151.21],
    ]) {
      const cells = new Set(neighbourCells(lat, lon, 30))
      for (let bearing = 0; bearing < 360; bearing += 15) {
        // A point 29.9 km away in this direction.
        const d = 29.9 / 6371
        const b = (bearing * Math.PI) / 180
        const la1 = (lat * Math.PI) / 180
        const lo1 = (lon * Math.PI) / 180
        const la2 = Math.asin(Math.sin(la1) * Math.cos(d) + Math.cos(la1) * Math.sin(d) * Math.cos(b))
        const lo2 =
          lo1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la1), Math.cos(d) - Math.sin(la1) * Math.sin(la2))
        const [lat2, lon2] = [(la2 * 180) / Math.PI, (lo2 * 180) / Math.PI]
        expect(distanceKm(lat, lon, lat2, lon2)).toBeCloseTo(29.9, 6)
        expect(cells.has(cellKey(lat2, lon2, size))).toBe(true)
      }
    }
  })
})
