import { readFileSync } from 'node:fs'
import { UserError, z } from 'circadian'
import yaml from 'js-yaml'

/**
 * SQL Sentinel's alerts.yaml (github.com/kyle-gehring/sqlsentinel: config/validator.py, models/alert.py,
 * models/notification.py): `database.url` (a SQLAlchemy URL) and `alerts[]`, each with name, description,
 * query, schedule (cron), enabled and notify channels email / slack / webhook. Unknown keys are ignored
 * there (pydantic's default), so they are reported as notes here, not errors.
 */
const emailChannel = z.object({
  channel: z.literal('email'),
  recipients: z
    .array(z.string().refine((r) => r.includes('@'), 'must be an email address'))
    .min(1, 'needs at least one recipient'),
  subject: z.string().nullish(),
})

const slackChannel = z
  .object({
    channel: z.literal('slack'),
    webhook_url: z.string().min(1).optional(),
    /** Some of SQL Sentinel's own docs write `webhook:`; the model's field is `webhook_url`. */
    webhook: z.string().min(1).optional(),
    slack_channel: z.string().optional(),
    username: z.string().nullish(),
  })
  .passthrough()

const webhookChannel = z.object({
  channel: z.literal('webhook'),
  url: z.string().min(1),
  method: z.string().default('POST'),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
})

const notifyChannel = z.discriminatedUnion('channel', [emailChannel, slackChannel, webhookChannel], {
  error: (issue) => (issue.code === 'invalid_union' ? 'must be email, slack or webhook' : undefined),
})

const alertSchema = z.object({
  name: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1, 'must not be empty')),
  description: z.string().nullish(),
  query: z.string().refine((q) => q.trim().length > 0, 'must be a SQL query (it is empty)'),
  schedule: z.string().nullish(),
  enabled: z.boolean().default(true),
  notify: z
    .array(notifyChannel)
    .nullish()
    .transform((n) => n ?? []),
})

export const sentinelConfigSchema = z.object({
  database: z.object({ url: z.string().min(1, 'must be a SQLAlchemy URL') }),
  alerts: z.array(alertSchema).min(1, 'must list at least one alert'),
})

export type SentinelConfig = z.infer<typeof sentinelConfigSchema>
export type SentinelAlert = SentinelConfig['alerts'][number]
export type SentinelChannel = SentinelAlert['notify'][number]

const KNOWN_ALERT_KEYS = new Set(['name', 'description', 'query', 'schedule', 'enabled', 'notify'])

export class SentinelConfigError extends UserError {}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${String(seg)}` : String(seg)),
    '',
  )
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type')
    return issue.input === undefined
      ? 'is required'
      : `must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}`
  if (issue.code === 'too_small' && issue.message.startsWith('Too small')) return 'must not be empty'
  return issue.message
}

const CHANNEL_TYPES = ['email', 'slack', 'webhook']

/**
 * SQL Sentinel's docs override a Slack channel with a second `channel:` key in the same entry
 * (`channel: slack` ... `channel: "#alerts"`); YAML keeps the last one, so the entry's type is lost. It is
 * recovered from the fields only one type has, and the override kept as the Slack channel.
 */
function withChannelTypes(raw: object): object {
  const alerts = (raw as { alerts?: unknown }).alerts
  if (!Array.isArray(alerts)) return raw
  const fixed = alerts.map((alert) => {
    if (!alert || typeof alert !== 'object' || !Array.isArray((alert as { notify?: unknown }).notify)) return alert
    const notify = (alert as { notify: unknown[] }).notify.map((entry) => {
      if (!entry || typeof entry !== 'object') return entry
      const e = entry as Record<string, unknown>
      if (typeof e.channel === 'string' && CHANNEL_TYPES.includes(e.channel)) return e
      if (e.webhook_url !== undefined || e.webhook !== undefined)
        return { ...e, channel: 'slack', slack_channel: e.channel }
      if (e.recipients !== undefined) return { ...e, channel: 'email' }
      if (e.url !== undefined) return { ...e, channel: 'webhook' }
      return e
    })
    return { ...alert, notify }
  })
  return { ...raw, alerts: fixed }
}

export interface LoadedSentinelConfig {
  config: SentinelConfig
  /** Keys SQL Sentinel would ignore, as "alerts[0].owner". */
  ignoredKeys: string[]
}

/** Reads and checks an alerts.yaml; every problem is reported at once with its path. */
export function loadSentinelConfig(file: string): LoadedSentinelConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new SentinelConfigError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    )
  }
  let raw: unknown
  try {
    // json: a repeated key keeps its last value (as PyYAML does) instead of failing to load.
    raw = yaml.load(text, { filename: file, json: true })
  } catch (err) {
    throw new SentinelConfigError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new SentinelConfigError(`${file} is not a SQL Sentinel config (expected a mapping with database and alerts)`)
  const parsed = sentinelConfigSchema.safeParse(withChannelTypes(raw))
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${pathText(i.path) || '(top level)'}: ${issueMessage(i)}`)
    throw new SentinelConfigError(
      `Invalid SQL Sentinel config ${file} (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    )
  }
  const names = new Map<string, number>()
  const duplicates: string[] = []
  parsed.data.alerts.forEach((a, i) => {
    if (names.has(a.name))
      duplicates.push(`  alerts[${i}].name: "${a.name}" is also the name of alerts[${names.get(a.name)}]`)
    else names.set(a.name, i)
  })
  if (duplicates.length) throw new SentinelConfigError(`Invalid SQL Sentinel config ${file}:\n${duplicates.join('\n')}`)
  const ignoredKeys = Object.keys(raw).filter((k) => k !== 'database' && k !== 'alerts')
  const rawAlerts = (raw as { alerts: Array<Record<string, unknown>> }).alerts
  rawAlerts.forEach((a, i) =>
    Object.keys(a ?? {}).forEach((k) => !KNOWN_ALERT_KEYS.has(k) && ignoredKeys.push(`alerts[${i}].${k}`)),
  )
  return { config: parsed.data, ignoredKeys }
}
