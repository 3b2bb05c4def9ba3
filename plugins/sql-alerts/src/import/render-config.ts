import { Code, quote, templateLiteral, toSource } from './code.js'
import type { ConvertedConnection } from './database-url.js'
import type { EnvVariable } from './env-refs.js'
import { SMTP_SETTINGS } from './notifiers.js'
import { convertSchedule } from './job-names.js'
import type { SentinelAlert } from './sentinel-config.js'

export const CONNECTION_NAME = 'database'

export interface RenderInput {
  source: string
  alerts: SentinelAlert[]
  jobNames: string[]
  connection: ConvertedConnection
  notifiers: Record<string, Record<string, unknown> | Code>
  notifyPerAlert: string[][]
  envVariables: EnvVariable[]
  today: string
}

function jobEntry(alert: SentinelAlert, notify: string[]): Record<string, unknown> {
  const entry: Record<string, unknown> = { type: 'sql-alert' }
  if (alert.description) entry.description = alert.description
  if (alert.schedule) entry.schedule = convertSchedule(alert.schedule)
  if (!alert.enabled) entry.enabled = false
  entry.connection = CONNECTION_NAME
  const query = alert.query.trim()
  entry.query = query.includes('\n') ? templateLiteral(`\n${query}\n`) : query
  if (notify.length) entry.notify = notify
  return entry
}

function header(input: RenderInput): string[] {
  const lines = [`// Converted from SQL Sentinel's ${input.source} by \`circadian alerts import\` on ${input.today}.`]
  if (input.envVariables.length) {
    lines.push('// Environment variables it reads (`circadian validate` reports the required ones that are not set):')
    const width = Math.max(...input.envVariables.map((v) => v.name.length))
    for (const v of input.envVariables) {
      const note = v.fromLiteral
        ? ' — was written in the YAML: copy the value from there'
        : v.optional
          ? ' (optional)'
          : ''
      lines.push(`//   ${v.name.padEnd(width)}  ${v.purpose}${note}`)
    }
  }
  lines.push(
    "// Schedules are read in UTC, as SQL Sentinel's daemon does by default; change `timezone` for local time.",
  )
  return lines
}

/** The TypeScript text of a circadian config with one sql-alert job per SQL Sentinel alert. */
export function renderConfig(input: RenderInput): string {
  const usesEnv = input.envVariables.length > 0
  const jobs = input.alerts.map((alert, i) => {
    const name = input.jobNames[i]
    const comment = name !== alert.name ? `    // SQL Sentinel alert ${JSON.stringify(alert.name)}\n` : ''
    return `${comment}    ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name)}: ${toSource(jobEntry(alert, input.notifyPerAlert[i]), '    ')},`
  })
  const notifiers = Object.keys(input.notifiers).length ? [`  notifiers: ${toSource(input.notifiers, '  ')},`] : []
  const smtp = Object.values(input.notifiers).some((n) => n instanceof Code)
    ? [`const smtp = ${toSource(SMTP_SETTINGS)}`, '']
    : []
  return [
    ...header(input),
    `import { defineConfig${usesEnv ? ', env' : ''} } from 'circadian'`,
    '',
    ...smtp,
    'export default defineConfig({',
    "  timezone: 'UTC',",
    `  connections: ${toSource({ [CONNECTION_NAME]: input.connection.entry }, '  ')},`,
    ...notifiers,
    '  jobs: {',
    ...jobs,
    '  },',
    '})',
    '',
  ].join('\n')
}
