import type { UserRecommendations } from '../match/read-recommendations.js'
import { fit, wideTable } from './wide-table.js'

const score = (n: number) => n.toFixed(1)
const yen = (n: number) => n.toLocaleString('en-US')

/** The human view of a user's recommendations: one line per listing, sections in order. */
export function renderRecommendations(r: UserRecommendations): string {
  if (!r.run) return 'No recommendations have been published yet: run the batch-match job (circadian run --all).'
  const when = r.run.publishedAt ? ` at ${r.run.publishedAt.replace('T', ' ').slice(0, 19)} UTC` : ''
  const head = `Recommendations for user ${r.user}: ${r.recommendations.length} (run ${r.run.id} of ${r.run.job}${when})`
  if (!r.recommendations.length) return `${head}\nNone: the user is inactive or has no scored listings.`
  const rows = r.recommendations.map((x) => [
    String(x.rank),
    `${x.section}${x.filled ? '*' : ''}`,
    x.listing.id,
    fit(x.listing.title, 34),
    fit(x.listing.company, 20),
    x.listing.location,
    `${yen(x.listing.salaryMin)}–${yen(x.listing.salaryMax)}/${x.listing.salaryPeriod}`,
    score(x.scores.composite),
    score(x.scores.basic),
    score(x.scores.seo),
    score(x.scores.personalized),
  ])
  const body = wideTable(
    ['#', 'SECTION', 'LISTING', 'TITLE', 'COMPANY', 'LOCATION', 'SALARY', 'COMPOSITE', 'BASIC', 'SEO', 'PERSONAL'],
    rows,
  )
  const note = r.recommendations.some((x) => x.filled)
    ? '\n* filled from the best remaining composite scores: the section had too few listings of its own'
    : ''
  return `${head}\n${body}${note}`
}
