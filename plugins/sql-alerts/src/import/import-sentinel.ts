import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { UserError } from 'circadian'
import { convertDatabaseUrl } from './database-url.js'
import { EnvRegistry, type EnvVariable } from './env-refs.js'
import { jobNames } from './job-names.js'
import { convertNotifiers } from './notifiers.js'
import { renderConfig } from './render-config.js'
import { loadSentinelConfig } from './sentinel-config.js'

export interface ImportOptions {
  yamlFile: string
  outFile: string
  force: boolean
  cwd: string
  now: Date
}

export interface ImportReport {
  file: string
  source: string
  alerts: Array<{ name: string; job: string; enabled: boolean; schedule: string | null; notify: string[] }>
  connection: string
  notifiers: string[]
  env: EnvVariable[]
  notes: string[]
}

/**
 * Converts a SQL Sentinel alerts.yaml into a circadian config with one sql-alert job per alert, and writes
 * it. Secrets never reach the file: they are env() references the report lists.
 */
export function importSentinel(options: ImportOptions): ImportReport {
  const yamlFile = path.resolve(options.cwd, options.yamlFile)
  const outFile = path.resolve(options.cwd, options.outFile)
  if (existsSync(outFile) && !options.force)
    throw new UserError(`${outFile} already exists; nothing was written (use --force to overwrite it)`)
  const { config, ignoredKeys } = loadSentinelConfig(yamlFile)
  const env = new EnvRegistry()
  const connection = convertDatabaseUrl(config.database.url, {
    yamlDir: path.dirname(yamlFile),
    outDir: path.dirname(outFile),
    cwd: options.cwd,
    env,
  })
  const notifiers = convertNotifiers(config.alerts, env)
  const names = jobNames(config.alerts.map((a) => a.name))
  const notes = [...connection.notes, ...notifiers.notes]
  if (ignoredKeys.length) notes.push(`ignored (SQL Sentinel ignores them too): ${ignoredKeys.join(', ')}`)
  config.alerts.forEach((a, i) => {
    if (!a.schedule)
      notes.push(
        `alerts[${i}] (${a.name}) has no schedule: its job runs only when named, e.g. circadian run ${names[i]}`,
      )
  })
  const text = renderConfig({
    source: path.basename(yamlFile),
    alerts: config.alerts,
    jobNames: names,
    connection,
    notifiers: notifiers.notifiers,
    notifyPerAlert: notifiers.perAlert,
    envVariables: env.variables,
    today: options.now.toISOString().slice(0, 10),
  })
  mkdirSync(path.dirname(outFile), { recursive: true })
  writeFileSync(outFile, text)
  return {
    file: outFile,
    source: yamlFile,
    alerts: config.alerts.map((a, i) => ({
      name: a.name,
      job: names[i],
      enabled: a.enabled,
      schedule: a.schedule ?? null,
      notify: notifiers.perAlert[i],
    })),
    connection: connection.label,
    notifiers: Object.keys(notifiers.notifiers),
    env: env.variables,
    notes,
  }
}
