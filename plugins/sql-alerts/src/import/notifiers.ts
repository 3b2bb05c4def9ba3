import { Code, toSource } from './code.js'
import type { EnvRegistry } from './env-refs.js'
import type { SentinelAlert, SentinelChannel } from './sentinel-config.js'

export interface ConvertedNotifiers {
  /** config `notifiers`, by name. */
  notifiers: Record<string, Record<string, unknown> | Code>
  /** For each alert (by index), the notifier names its job notifies. */
  perAlert: string[][]
  notes: string[]
}

const SECRET_HEADER = /auth|token|key|secret|signature|password|cookie|session/i

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

function envSuffix(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/**
 * SQL Sentinel reads SMTP settings from the environment (SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD,
 * SMTP_FROM_ADDRESS in notifications/factory.py); the generated config reads the same variables, once, into
 * a `smtp` constant every email notifier spreads.
 */
const SMTP_PORT = `env('SMTP_PORT', { default: '587', secret: false })`
export const SMTP_SETTINGS = {
  host: new Code(`env('SMTP_HOST', { secret: false })`),
  port: new Code(`Number(${SMTP_PORT})`),
  secure: new Code(`${SMTP_PORT} === '465'`),
  user: new Code(`env('SMTP_USERNAME', { default: '' })`),
  password: new Code(`env('SMTP_PASSWORD', { default: '' })`),
  from: new Code(`env('SMTP_FROM_ADDRESS', { default: 'sqlsentinel@localhost', secret: false })`),
}

function emailNotifier(recipients: string[], env: EnvRegistry): Code {
  env.use('SMTP_HOST', 'SMTP server for email notices (SQL Sentinel reads the same variable)')
  env.use('SMTP_PORT', 'SMTP port (default 587; 465 means TLS from the start)', true)
  env.use('SMTP_USERNAME', 'SMTP user, if the server needs a login', true)
  env.use('SMTP_PASSWORD', 'SMTP password, if the server needs a login', true)
  env.use('SMTP_FROM_ADDRESS', 'sender address (default sqlsentinel@localhost)', true)
  return new Code(`{ type: 'email', ...smtp, to: ${toSource(recipients, '    ')} }`)
}

/**
 * The notify channels of every alert as named config notifiers: one per distinct channel setting, so
 * alerts that notify the same place share a notifier. URLs and credentials become env() references.
 */
export function convertNotifiers(alerts: SentinelAlert[], env: EnvRegistry): ConvertedNotifiers {
  const notifiers: Record<string, Record<string, unknown> | Code> = {}
  const byKey = new Map<string, string>()
  const notes: string[] = []
  const uniqueName = (base: string) => {
    let name = base
    for (let n = 2; notifiers[name]; n++) name = `${base}_${n}`
    return name
  }
  const notifierFor = (channel: SentinelChannel, where: string): string => {
    const key = JSON.stringify(
      channel.channel === 'email'
        ? { c: 'email', to: [...channel.recipients].sort() }
        : channel.channel === 'slack'
          ? { c: 'slack', url: channel.webhook_url ?? channel.webhook, ch: channel.slack_channel, u: channel.username }
          : channel,
    )
    const existing = byKey.get(key)
    if (existing) return existing
    let name: string
    if (channel.channel === 'email') {
      name = uniqueName('email')
      notifiers[name] = emailNotifier(channel.recipients, env)
    } else if (channel.channel === 'slack') {
      const url = channel.webhook_url ?? channel.webhook
      name = uniqueName(
        channel.slack_channel && slug(channel.slack_channel) ? `slack_${slug(channel.slack_channel)}` : 'slack',
      )
      const entry: Record<string, unknown> = { type: 'slack' }
      if (url) {
        entry.webhookUrl = env.secret(url, 'SLACK_WEBHOOK_URL', `Slack incoming webhook URL (${where})`)
      } else {
        // SQL Sentinel posts to $SLACK_WEBHOOK_URL when an alert gives no URL of its own.
        env.use('SLACK_WEBHOOK_URL', `Slack incoming webhook URL (${where})`)
        entry.webhookUrl = new Code(`env('SLACK_WEBHOOK_URL')`)
      }
      if (typeof channel.slack_channel === 'string') entry.channel = channel.slack_channel
      if (channel.username) entry.username = channel.username
      notifiers[name] = entry
    } else {
      name = uniqueName('webhook')
      const entry: Record<string, unknown> = {
        type: 'webhook',
        url: env.secret(channel.url, 'WEBHOOK_URL', `webhook URL (${where})`),
      }
      if (channel.method.toUpperCase() !== 'POST')
        notes.push(
          `${where}: method ${channel.method.toUpperCase()} becomes POST (circadian's webhook notifier posts JSON)`,
        )
      const headers: Record<string, unknown> = {}
      for (const [header, value] of Object.entries(channel.headers)) {
        if (/^content-type$/i.test(header)) continue
        headers[header] = SECRET_HEADER.test(header)
          ? env.secret(value, `${envSuffix(name)}_${envSuffix(header)}`, `${header} header of ${where}`)
          : env.expression(value, `${header} header of ${where}`)
      }
      if (Object.keys(headers).length) entry.headers = headers
      notifiers[name] = entry
    }
    byKey.set(key, name)
    return name
  }
  const perAlert = alerts.map((alert, i) =>
    alert.notify.map((channel, j) => {
      const where = `alerts[${i}].notify[${j}]`
      if (channel.channel === 'email' && channel.subject)
        notes.push(
          `${where}.subject "${channel.subject}" is not carried over: the email subject is the notice title ("ALERT: <job>", "RESOLVED: <job>")`,
        )
      return notifierFor(channel, where)
    }),
  )
  return { notifiers, perAlert: perAlert.map((names) => [...new Set(names)]), notes }
}
