import { defineConfig } from 'circadian'

// circadian config: `circadian validate` checks it, `circadian list` shows the jobs,
// `circadian run --all` runs them once, now. `circadian <command> --help` explains each command.
export default defineConfig({
  // Cron expressions are evaluated in this zone unless a job sets its own `timezone`.
  timezone: '{{timezone}}',

  // Runs, watermarks and plugin state live in SQLite next to this file (.circadian/state.db).
  // When several instances share the work, use PostgreSQL instead:
  // state: { client: 'pg', connection: env('CIRCADIAN_STATE_URL') },   // import { env } from 'circadian'

  jobs: {
    // A shell command every 5 minutes; a non-zero exit code fails the run.
    hello: {
      type: 'command',
      schedule: '*/5 * * * *',
      command: 'echo "hello from circadian"',
      timeout: '30s',
    },

    // Runs after `hello` succeeded (in `run --all`, and in `serve` for the same cycle).
    // An argv array runs without a shell. Failed attempts are retried with exponential backoff.
    report: {
      type: 'command',
      after: ['hello'],
      command: ['node', '-e', 'console.log("report built at " + new Date().toISOString())'],
      retry: { attempts: 3, backoff: 'exponential', delay: '1s', maxDelay: '30s' },
    },
  },
})
