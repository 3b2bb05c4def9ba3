import path from 'node:path'
import type { JobTypeRegistry } from '../run/job-type-registry.js'
import { machineTimeZone } from '../schedule/zone.js'
import { findCycle } from './dependency-graph.js'
import { missingEnvIssues } from './env.js'
import { ConfigError, type ConfigIssue, formatPath } from './errors.js'
import type { JobDefinition, ValidatedConfig } from './model.js'
import { configSchema } from './schema/config.js'
import type { DatabaseConfig } from './schema/database.js'
import { didYouMean } from './suggest.js'
import { holidayCalendar } from '../schedule/holidays.js'
import { registerConfigSecrets } from './secret-fields.js'
import { buildTrigger } from './triggers.js'
import { type ParsedJob, validateJob } from './validate-job.js'
import { toConfigIssues } from './zod-issues.js'

export interface ValidateOptions {
  /** The config file; relative paths (the SQLite state file, ...) resolve against its directory. */
  file: string
  sources?: string[]
  registry: JobTypeRegistry
}

export const DEFAULT_STATE_FILE = '.circadian/state.db'

export function resolveState(state: DatabaseConfig | undefined, dir: string): DatabaseConfig {
  const db = state ?? { client: 'better-sqlite3' as const }
  if (db.client !== 'better-sqlite3') return db
  const filename = db.filename ?? DEFAULT_STATE_FILE
  return { ...db, filename: filename === ':memory:' ? filename : path.resolve(dir, filename) }
}

function registryIssues(registry: JobTypeRegistry): ConfigIssue[] {
  return registry.clashes.map((c) => ({
    path: '',
    message: `job type "${c.type}" is claimed by two plugins: ${c.plugins[0]} and ${c.plugins[1]} (uninstall one of them)`,
  }))
}

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)

const stringsIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/** Names a job refers to. Read from the raw job, so they are checked even when the job has other errors. */
function connectionsUsed(
  raw: Record<string, unknown>,
  parsed: ParsedJob | undefined,
  registry: JobTypeRegistry,
): string[] {
  const definition = parsed?.jobType.definition ?? registry.types.get(String(raw.type))?.definition
  if (!definition?.connections) return []
  try {
    const uses = definition.connections((parsed?.options ?? raw) as never)
    return Array.isArray(uses) ? uses.filter((c): c is string => typeof c === 'string') : []
  } catch {
    return []
  }
}

function crossReferenceIssues(
  rawJobs: Array<[string, Record<string, unknown>]>,
  parsed: Map<string, ParsedJob>,
  registry: JobTypeRegistry,
  known: { connections: string[]; notifiers: string[]; pools: string[]; resources: string[] },
): ConfigIssue[] {
  const { connections, notifiers, pools, resources } = known
  const issues: ConfigIssue[] = []
  const names = rawJobs.map(([n]) => n)
  for (const [name, raw] of rawJobs) {
    stringsIn(raw.after).forEach((up) => {
      const i = (raw.after as unknown[]).indexOf(up)
      if (!names.includes(up))
        issues.push({
          path: formatPath(['jobs', name, 'after', i]),
          message: `unknown job "${up}"${didYouMean(up, names)}`,
        })
      else if (up === name)
        issues.push({ path: formatPath(['jobs', name, 'after', i]), message: 'a job cannot wait for itself' })
    })
    const checkNotifiers = (list: unknown, path: Array<string | number>) =>
      stringsIn(list).forEach((n) => {
        if (notifiers.includes(n)) return
        const known = notifiers.length ? `; notifiers: ${notifiers.join(', ')}` : '; no notifiers are configured'
        issues.push({
          path: formatPath([...path, (list as unknown[]).indexOf(n)]),
          message: `unknown notifier "${n}"${didYouMean(n, notifiers)}${known}`,
        })
      })
    checkNotifiers(raw.notify, ['jobs', name, 'notify'])
    checkNotifiers((raw.onFailure as { escalate?: unknown } | undefined)?.escalate, [
      'jobs',
      name,
      'onFailure',
      'escalate',
    ])
    if (typeof raw.pool === 'string' && !pools.includes(raw.pool)) {
      const known = pools.length
        ? `; pools: ${pools.join(', ')}`
        : '; no pools are configured (add `pools: { name: { maxConcurrent } }`)'
      issues.push({
        path: formatPath(['jobs', name, 'pool']),
        message: `unknown pool "${raw.pool}"${didYouMean(raw.pool, pools)}${known}`,
      })
    }
    stringsIn(raw.resources).forEach((r) => {
      if (resources.includes(r)) return
      // A name without a configured breaker would guard nothing: most likely a typo, so say so before anything runs.
      const hint = resources.length
        ? `; resources: ${resources.join(', ')}`
        : `; add it under the top-level resources (resources: { '${r}': { breaker: { failures: 5, halfOpenAfter: '1m' } } })`
      issues.push({
        path: formatPath(['jobs', name, 'resources', (raw.resources as unknown[]).indexOf(r)]),
        message: `unknown resource "${r}"${didYouMean(r, resources)}${hint}`,
      })
    })
    for (const c of connectionsUsed(raw, parsed.get(name), registry)) {
      if (!connections.includes(c)) {
        const known = connections.length
          ? `; connections: ${connections.join(', ')}`
          : '; no connections are configured'
        issues.push({
          path: formatPath(['jobs', name, 'connection']),
          message: `unknown connection "${c}"${didYouMean(c, connections)}${known}`,
        })
      }
    }
  }
  const deps = new Map(rawJobs.map(([n, raw]) => [n, stringsIn(raw.after).filter((u) => u !== n)]))
  const cycle = findCycle(deps)
  if (cycle)
    issues.push({ path: formatPath(['jobs', cycle[0], 'after']), message: `dependency cycle: ${cycle.join(' → ')}` })
  return issues
}

/**
 * Validates a whole loaded config and reports every problem at once. Throws ConfigError with all issues;
 * returns the config with defaults filled in and every job's schedule compiled.
 */
export function validateConfig(raw: unknown, options: ValidateOptions): ValidatedConfig {
  const issues: ConfigIssue[] = [...registryIssues(options.registry), ...missingEnvIssues(raw)]
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      [...issues, { path: '', message: 'the config must export an object (use defineConfig({ jobs: { ... } }))' }],
      options.file,
    )
  }
  const top = configSchema.safeParse(raw, { reportInput: true })
  if (!top.success)
    issues.push(
      ...toConfigIssues(top.error, [], configSchema).filter(
        (i) => !i.path.startsWith('jobs.') && !i.path.startsWith('jobs['),
      ),
    )

  const rawJobs = (raw as { jobs?: unknown }).jobs
  const jobEntries = rawJobs && typeof rawJobs === 'object' && !Array.isArray(rawJobs) ? Object.entries(rawJobs) : []
  if (rawJobs !== undefined && jobEntries.length === 0 && (typeof rawJobs !== 'object' || Array.isArray(rawJobs))) {
    issues.push({ path: 'jobs', message: 'must be an object mapping job names to jobs' })
  }
  const parsed = new Map<string, ParsedJob>()
  for (const [name, value] of jobEntries) {
    const result = validateJob(name, value, options.registry)
    issues.push(...result.issues)
    if (result.job) parsed.set(name, result.job)
  }
  const serve = top.success ? top.data.serve : undefined
  if (serve?.http && !serve.token && !isLoopback(serve.http.host)) {
    issues.push({
      path: 'serve.token',
      message: `is required when serve.http.host (${serve.http.host}) is not a loopback address: the API would accept anyone's requests (set token: env('CIRCADIAN_TOKEN'))`,
    })
  }
  for (const [name, job] of parsed) {
    const code = job.core.calendar?.holidays
    if (code && !holidayCalendar(code))
      issues.push({
        path: formatPath(['jobs', name, 'calendar', 'holidays']),
        message: `"${code}" is not a known holiday calendar (a country code like "DE", "US", "JP", or country-state like "DE-BY")`,
      })
  }
  const keysOf = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [])
  const rawConnections = keysOf((raw as { connections?: unknown }).connections)
  const rawNotifiers = keysOf((raw as { notifiers?: unknown }).notifiers)
  const objectJobs = jobEntries.filter(
    (e): e is [string, Record<string, unknown>] => !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1]),
  )
  const rawPools = keysOf((raw as { pools?: unknown }).pools)
  const rawResources = keysOf((raw as { resources?: unknown }).resources)
  issues.push(
    ...crossReferenceIssues(objectJobs, parsed, options.registry, {
      connections: rawConnections,
      notifiers: rawNotifiers,
      pools: rawPools,
      resources: rawResources,
    }),
  )

  if (issues.length || !top.success) throw new ConfigError(withoutShadowedByMissingEnv(dedupe(issues)), options.file)
  registerConfigSecrets(top.data)

  const config = top.data
  const dir = path.dirname(options.file)
  const timezone = config.timezone ?? machineTimeZone()
  const jobs = new Map<string, JobDefinition>()
  for (const [name, job] of parsed) {
    const zone = job.core.timezone ?? timezone
    jobs.set(name, {
      name,
      type: job.core.type,
      core: job.core,
      options: job.options,
      jobType: job.jobType,
      timezone: zone,
      timezoneSource: job.core.timezone ? 'job' : config.timezone ? 'config' : 'machine',
      trigger: buildTrigger(job.core, zone),
      after: job.core.after ?? [],
    })
  }
  return {
    ...config,
    file: options.file,
    dir,
    sources: options.sources ?? [options.file],
    timezone,
    timezoneSource: config.timezone ? 'config' : 'machine',
    state: resolveState(config.state, dir),
    jobs,
    warnings: options.registry.pluginProblems.map((p) => `plugin ${p.plugin}: ${p.message}`),
  }
}

const MISSING_ENV = /^environment variable \S+ is not set/

/** Where an env() variable is unset, its placeholder also fails the field's format check: say only the first. */
function withoutShadowedByMissingEnv(issues: ConfigIssue[]): ConfigIssue[] {
  const envPaths = new Set(issues.filter((i) => MISSING_ENV.test(i.message)).map((i) => i.path))
  return issues.filter((i) => MISSING_ENV.test(i.message) || !envPaths.has(i.path))
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
