import path from 'node:path'
import type { Config } from '@oclif/core'
import { loadConfigFile } from '../config/discover.js'
import { applyDotenv } from '../config/dotenv.js'
import { resetMissingEnv } from '../config/env.js'
import { ConfigError, ConfigLoadError } from '../config/errors.js'
import { type StoreAccess, storeAccessDespite } from '../config/store-access.js'
import type { ValidatedConfig } from '../config/model.js'
import { STATE_URL_VAR, applyStateUrl } from '../config/state-url.js'
import { validateConfig } from '../config/validate.js'
import { type JobTypeRegistry, buildJobTypeRegistry } from '../run/job-type-registry.js'
import { type GatheredPanels, gatherPanels } from '../serve/dashboard/panel-contract.js'
import { registerApiResolution } from './api-resolution.js'
import { withLocation } from './hook-error.js'

const HOOK_TIMEOUT_MS = 10_000

/** The files a plugin declares for a hook (package.json oclif.hooks), as absolute paths. */
function hookFiles(plugin: { root: string; hooks: Record<string, unknown> }, hook: string): string[] {
  const entries = ([] as unknown[]).concat(plugin.hooks[hook] ?? [])
  return entries
    .map((e) => (typeof e === 'string' ? e : (e as { target?: string }).target))
    .filter((t): t is string => typeof t === 'string')
    .map((t) => path.resolve(plugin.root, t))
}

/** Asks every installed plugin (the core included) for its job types through the `job-types` hook. */
export async function loadJobTypeRegistry(oclif: Config): Promise<JobTypeRegistry> {
  // Only plugins installed or linked by the user can live outside this package's node_modules; the hook
  // that resolves `circadian` for them costs a loader thread, so it is started only when one exists.
  const userPlugins = [...oclif.plugins.values()].filter(
    (p) => (p.type === 'user' || p.type === 'link') && p.hooks['job-types']?.length,
  )
  if (userPlugins.length) registerApiResolution()
  const result = await oclif.runHook('job-types', {}, HOOK_TIMEOUT_MS, true)
  return buildJobTypeRegistry(
    result.successes.map((s) => ({ plugin: s.plugin.name, result: s.result })),
    result.failures.map((f) => ({
      plugin: f.plugin.name,
      error: withLocation(f.error, hookFiles(f.plugin, 'job-types')),
    })),
  )
}

/** Asks every installed plugin for dashboard panels through the `dashboard-panels` hook (serve's page). */
export async function loadDashboardPanels(oclif: Config): Promise<GatheredPanels> {
  const userPlugins = [...oclif.plugins.values()].filter(
    (p) => (p.type === 'user' || p.type === 'link') && p.hooks['dashboard-panels']?.length,
  )
  if (userPlugins.length) registerApiResolution()
  const result = await oclif.runHook('dashboard-panels', {}, HOOK_TIMEOUT_MS, true)
  return gatherPanels(
    result.successes.map((s) => ({ plugin: s.plugin.name, result: s.result })),
    result.failures.map((f) => ({
      plugin: f.plugin.name,
      error: withLocation(f.error, hookFiles(f.plugin, 'dashboard-panels')),
    })),
  )
}

export interface ConfigLocation {
  cwd: string
  /** --config; falls back to CIRCADIAN_CONFIG, then to discovery from cwd upward. */
  configPath?: string
}

export async function loadValidatedConfig(oclif: Config, location: ConfigLocation): Promise<ValidatedConfig> {
  return loadConfigWith(await loadJobTypeRegistry(oclif), location)
}

/** The file's raw config with the environment applied: a .env beside it, then CIRCADIAN_STATE_URL. */
function withEnvironment(loaded: Awaited<ReturnType<typeof loadConfigFile>>) {
  // Again for JSON/YAML configs (a JS/TS config's loader read it before running the module): same result.
  const dotenv = applyDotenv(loaded.file)
  const sources = dotenv ? [...loaded.sources, dotenv] : loaded.sources
  return { ...applyStateUrl(loaded.raw, process.env[STATE_URL_VAR]), sources }
}

/** Loads and validates the config with job types already gathered (serve reloads this way). */
export async function loadConfigWith(registry: JobTypeRegistry, location: ConfigLocation): Promise<ValidatedConfig> {
  resetMissingEnv()
  const loaded = await loadConfigFile(location.cwd, location.configPath || process.env.CIRCADIAN_CONFIG || undefined)
  const { raw, issues, sources } = withEnvironment(loaded)
  const options = { file: loaded.file, sources, registry }
  if (!issues.length) return validateConfig(raw, options)
  // Report the variable's problem together with everything else wrong in the config.
  try {
    validateConfig(raw, options)
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError([...issues, ...err.issues], loaded.file)
    throw err
  }
  throw new ConfigError(issues, loaded.file)
}

/** The config, or while the file on disk is invalid, the store settings to use instead (config/store-access). */
export async function loadStoreAccess(oclif: Config, location: ConfigLocation): Promise<StoreAccess> {
  const registry = await loadJobTypeRegistry(oclif)
  resetMissingEnv()
  let loaded
  try {
    loaded = await loadConfigFile(location.cwd, location.configPath || process.env.CIRCADIAN_CONFIG || undefined)
  } catch (err) {
    return storeAccessDespite(err, err instanceof ConfigLoadError ? err.file : undefined)
  }
  const { raw, issues, sources } = withEnvironment(loaded)
  // A bad CIRCADIAN_STATE_URL names the store itself: nothing to fall back on.
  if (issues.length) throw new ConfigError(issues, loaded.file)
  try {
    const config = validateConfig(raw, { file: loaded.file, sources, registry })
    return { config, state: config.state }
  } catch (err) {
    return storeAccessDespite(err, loaded.file, raw)
  }
}
