import { activityFeed } from './activity.js'
import { applicationsFeed } from './applications.js'
import { listingsFeed } from './listings.js'
import type { FeedKind, FeedSpec } from './spec.js'
import { usersFeed } from './users.js'

export const FEEDS: Record<FeedKind, FeedSpec> = {
  listings: listingsFeed,
  users: usersFeed,
  applications: applicationsFeed,
  activity: activityFeed,
}
