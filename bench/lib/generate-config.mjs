// A circadian.config.ts with `jobs` command jobs (schedules, timeouts, retries, a few dependencies), as
// bench/config-load.mjs and bench/bundle-rewrites.mjs load it.
const SCHEDULES = [
  '0 9 * * 1-5',
  '*/5 * * * *',
  '0 */2 * * *',
  '30 2 * * *',
  '0 0 1 * *',
  '15 14 1 * *',
  '0 22 * * 1-5',
  '*/15 9-17 * * MON-FRI',
]

export function generateConfig(jobs) {
  const lines = [
    "import { defineConfig } from 'circadian'",
    '',
    'export default defineConfig({',
    "  timezone: 'Europe/Berlin',",
    '  jobs: {',
  ]
  for (let i = 0; i < jobs; i++) {
    const name = `job_${String(i).padStart(4, '0')}`
    const after = i % 10 === 9 ? `, after: ['job_${String(i - 1).padStart(4, '0')}']` : ''
    lines.push(
      `    ${name}: { type: 'command', schedule: '${SCHEDULES[i % SCHEDULES.length]}', command: 'echo ${i}', timeout: '${(i % 50) + 10}s', retry: { attempts: ${(i % 3) + 1}, delay: '1s' }${after} },`,
    )
  }
  lines.push('  },', '})', '')
  return lines.join('\n')
}
