import { defineJobType } from 'circadian'
import type { runSqlAlert } from '../evaluate/run-alert.js'
import { sqlAlertOptions } from './options.js'

const definition = {
  type: 'sql-alert',
  description: "A SQL query that decides ALERT or OK (SQL Sentinel's contract), with state, silences and notices.",
  options: sqlAlertOptions,
  connections: (options: { connection: string }) => [options.connection],
  resources: (options: { connection: string }) => [`db:${options.connection}`],
  // The query is cancelled (or its SQLite process killed) as soon as the run's signal aborts.
  stopGrace: () => 5000,
  // The alert sends its own notices (firing, repeat, resolved, error) to `notify`: the core sends none for
  // its runs. (Declared through a variable so the object also type-checks against a core without the key.)
  managesNotices: true,
  // Loaded when a run needs it: every command that reads the config gathers the job types, few run an alert.
  run: async (...args: Parameters<typeof runSqlAlert>) =>
    (await import('../evaluate/run-alert.js')).runSqlAlert(...args),
}

export const sqlAlertJobType = defineJobType(definition)
