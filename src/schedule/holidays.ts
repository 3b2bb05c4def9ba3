import { lazyRequire } from '../lazy-require.js'

interface HolidaysLib {
  new (
    country?: string,
    state?: string,
    region?: string,
  ): {
    init(country: string, state?: string, region?: string): boolean | undefined
    getHolidays(year: number, lang?: string): Array<{ date: string; type: string; name: string }>
    getCountries(): Record<string, string>
    getStates(country: string): Record<string, string> | undefined
    getRegions(country: string, state: string): Record<string, string> | undefined
  }
}

/** The name of the public holiday on a local date (YYYY-MM-DD), or null: truthy exactly on holidays. */
export type HolidayCheck = (localDate: string) => string | null

const calendars = new Map<string, HolidayCheck | null>()

/**
 * Public holidays of a country or region ('DE', 'DE-BY', 'US-CA-LA'), as a check on local dates
 * (YYYY-MM-DD). date-holidays is loaded only when a job asks for it (~130 ms). Returns null for an unknown code.
 */
export function holidayCalendar(code: string): HolidayCheck | null {
  const key = code.toUpperCase()
  if (calendars.has(key)) return calendars.get(key)!
  const Holidays = lazyRequire('date-holidays') as HolidaysLib
  const [country, state, region] = key.split('-')
  const hd = new Holidays()
  // init() quietly falls back to the country for an unknown state: check each part exists.
  const known =
    country in hd.getCountries() &&
    (!state || state in (hd.getStates(country) ?? {})) &&
    (!region || region in (hd.getRegions(country, state!) ?? {})) &&
    hd.init(country, state, region) !== false
  let check: HolidayCheck | null = null
  if (known) {
    const byYear = new Map<number, Map<string, string>>()
    check = (localDate) => {
      const year = Number(localDate.slice(0, 4))
      let dates = byYear.get(year)
      if (!dates) {
        dates = new Map()
        for (const h of hd.getHolidays(year, 'en'))
          if (h.type === 'public' && !dates.has(h.date.slice(0, 10))) dates.set(h.date.slice(0, 10), h.name)
        byYear.set(year, dates)
      }
      return dates.get(localDate) ?? null
    }
  }
  calendars.set(key, check)
  return check
}
