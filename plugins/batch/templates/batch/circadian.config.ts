import { defineConfig, env } from 'circadian'

// A nightly pipeline for a job-listings board: partner CSV feeds → scores → each user's 40 recommendations.
//   circadian run --all                        import, score and match now (with the sample feed in feeds/)
//   circadian batch recommendations U001       a user's list, by section, with scores
//   circadian batch rejects                    the rows the last imports rejected, with line and reason
// Options, formulas and sections: the batch plugin's README and docs/batch.md.

// Failure notices go to Slack once BOARD_SLACK_WEBHOOK is set (read with env(): the URL is a secret and never
// reaches logs or history). Until then the pipeline runs without notices.
const notify = process.env.BOARD_SLACK_WEBHOOK ? ['ops'] : []

export default defineConfig({
  // Every schedule below is Tokyo time.
  timezone: 'Asia/Tokyo',
  // At most five runs at once (the four imports start together at 01:00).
  maxConcurrent: 5,

  // The board's tables live in SQLite next to this file. On a server:
  // board: { client: 'pg', connection: env('BOARD_DATABASE_URL') },
  connections: {
    board: { client: 'sqlite', filename: 'data/board.db' },
  },

  notifiers: process.env.BOARD_SLACK_WEBHOOK ? { ops: { type: 'slack', webhookUrl: env('BOARD_SLACK_WEBHOOK') } } : {},

  jobs: {
    // Partner listing feeds, every night at 01:00, before anything else (priority HIGH). The glob takes every
    // partner's file; encoding 'auto' tells UTF-8 (with or without BOM) from Shift_JIS and CP932. A full
    // feed closes the listings it no longer has. Rejected rows are kept in the database and in rejects/.
    import_listings: {
      type: 'batch-import',
      kind: 'listings',
      connection: 'board',
      path: 'feeds/listings-*.csv',
      encoding: 'auto',
      mode: 'full',
      feedTimezone: 'Asia/Tokyo',
      rejectFile: 'rejects/{job}.csv',
      schedule: '0 1 * * *',
      priority: 'HIGH',
      retry: { attempts: 3, backoff: 'exponential', delay: '1m', maxDelay: '10m' },
      timeout: '30m',
      misfireGrace: '5m', // started more than 5 minutes late (a busy or restarted server): catch-up rules decide
      notify, // failure (and recovery) notices
    },
    import_users: {
      type: 'batch-import',
      kind: 'users',
      connection: 'board',
      path: 'feeds/users.csv',
      mode: 'full',
      schedule: '0 1 * * *',
      priority: 'HIGH',
      retry: { attempts: 3, backoff: 'exponential', delay: '1m', maxDelay: '10m' },
      timeout: '15m',
      misfireGrace: '5m',
      notify,
    },
    import_applications: {
      type: 'batch-import',
      kind: 'applications',
      connection: 'board',
      path: 'feeds/applications.csv',
      feedTimezone: 'Asia/Tokyo',
      schedule: '0 1 * * *',
      priority: 'HIGH',
      retry: { attempts: 3, backoff: 'exponential', delay: '1m', maxDelay: '10m' },
      timeout: '15m',
      misfireGrace: '5m',
      notify,
    },
    import_activity: {
      type: 'batch-import',
      kind: 'activity',
      connection: 'board',
      path: 'feeds/activity.csv',
      feedTimezone: 'Asia/Tokyo',
      schedule: '0 1 * * *',
      priority: 'HIGH',
      retry: { attempts: 3, backoff: 'exponential', delay: '1m', maxDelay: '10m' },
      timeout: '15m',
      misfireGrace: '5m',
      notify,
    },

    // Hourly, and right after the imports. Only what changed since the last score is recomputed, so the
    // hourly runs between imports are cheap. If an import failed, this run is skipped (upstream-failed).
    score: {
      type: 'batch-score',
      connection: 'board',
      schedule: '0 * * * *',
      after: ['import_listings', 'import_users', 'import_applications', 'import_activity'],
      retry: { attempts: 3, backoff: 'exponential', delay: '30s', maxDelay: '5m' },
      timeout: '30m',
      misfireGrace: '5m',
      notify,
    },

    // Daily at 03:00, and right after score: 40 recommendations per user, published in one switch.
    match: {
      type: 'batch-match',
      connection: 'board',
      schedule: '0 3 * * *',
      after: ['score'],
      retry: { attempts: 3, backoff: 'exponential', delay: '30s', maxDelay: '5m' },
      timeout: '30m',
      misfireGrace: '5m',
      notify,
    },
  },
})
