import { containsMissingEnv } from './env.js'
import { ConfigError, ConfigLoadError } from './errors.js'
import { readLastValidState } from './last-valid-state.js'
import type { ValidatedConfig } from './model.js'
import { type DatabaseConfig, databaseSchema } from './schema/database.js'
import { databaseSecrets } from './secret-fields.js'
import { resolveState } from './validate.js'
import path from 'node:path'

/**
 * What the store commands (status, pause, resume, trigger, history) need: the store's settings, and the
 * whole config when the file on disk is valid. While it is invalid (serve keeps running its last valid
 * config), they still work: from the file's own `state` when that part is valid, else from the settings
 * serve recorded for the last valid config, with a warning.
 */
export interface StoreAccess {
  config: ValidatedConfig | null
  state: DatabaseConfig
  warning?: string
}

function stateFromRaw(raw: unknown, file: string): DatabaseConfig | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null
  const given = (raw as { state?: unknown }).state
  if (given !== undefined && JSON.stringify(given)?.includes('circadian-env:')) return null
  if (typeof given === 'string' && containsMissingEnv(given)) return null
  const parsed = given === undefined ? null : databaseSchema.safeParse(given)
  if (parsed && !parsed.success) return null
  databaseSecrets(parsed?.data)
  return resolveState(parsed?.data, path.dirname(file))
}

const problemsOf = (err: ConfigError | ConfigLoadError) =>
  err instanceof ConfigError
    ? `${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}`
    : err.message.split('\n')[0].replace(/^Cannot load config \S+: /, '')

/** Falls back for an invalid config file; rethrows `err` when there is nothing to fall back on. */
export function storeAccessDespite(err: unknown, file: string | undefined, raw?: unknown): StoreAccess {
  if (!(err instanceof ConfigError || err instanceof ConfigLoadError) || !file) throw err
  const head = `${file} is invalid (${problemsOf(err)}; see circadian validate)`
  const own = raw === undefined ? null : stateFromRaw(raw, file)
  if (own) return { config: null, state: own, warning: `${head}; using the state settings in it, which are valid` }
  const recorded = readLastValidState(file)
  if ('problem' in recorded) {
    // Nothing to fall back on: the config's own error is the one to fix, with why there is no fallback.
    if (err instanceof ConfigError)
      throw new ConfigError(
        [...err.issues, { path: '', message: `(cannot reach the store without the config: ${recorded.problem})` }],
        err.file,
      )
    throw new ConfigLoadError(`${err.message}\n(cannot reach the store without the config: ${recorded.problem})`, file)
  }
  return {
    config: null,
    state: recorded.state,
    warning: `${head}; using the state settings serve recorded for the last valid config (${recorded.recordedAt})`,
  }
}
