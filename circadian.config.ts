import { defineConfig } from 'circadian'

// The example config `npx circadian run --all` runs from the repository root (state in .circadian/state.db).
export default defineConfig({
  timezone: 'Europe/Berlin',
  jobs: {
    // Weekdays at 06:00 Berlin time; retried with exponential backoff if it fails.
    extract_rates: {
      type: 'command',
      description: 'Fetch the day’s exchange rates',
      schedule: '0 6 * * 1-5',
      command: ['node', 'examples/pipeline/extract.mjs'],
      timeout: '30s',
      retry: { attempts: 3, backoff: 'exponential', delay: '1s', maxDelay: '30s' },
    },
    // Runs after extract_rates succeeded; skipped (upstream-failed) if it did not.
    build_report: {
      type: 'command',
      description: 'Turn the rates into a report',
      after: ['extract_rates'],
      command: ['node', 'examples/pipeline/report.mjs'],
      timeout: '1m',
    },
    // Every 15 minutes: exit code 1 from the check means "alert", not "broken".
    disk_check: {
      type: 'command',
      description: 'Alert when the disk holding the state is over 95% full',
      every: '15m',
      command: `df -P . | awk 'NR==2 { use=$5+0; print use "% used"; exit (use > 95) }'`,
      alertExitCodes: [1],
    },
  },
})
