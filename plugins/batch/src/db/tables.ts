/** The plugin's tables, all prefixed `batch_` so they sit beside other data in the job's database. */
export const T = {
  meta: 'batch_meta',
  listings: 'batch_listings',
  users: 'batch_users',
  applications: 'batch_applications',
  activity: 'batch_activity',
  imports: 'batch_imports',
  rejects: 'batch_rejects',
  listingScores: 'batch_listing_scores',
  pairScores: 'batch_pair_scores',
  changedListings: 'batch_changed_listings',
  changedUsers: 'batch_changed_users',
  recommendationSets: 'batch_recommendation_sets',
  recommendations: 'batch_recommendations',
} as const

export const MIGRATIONS_TABLE = 'batch_migrations'
