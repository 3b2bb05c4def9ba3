import { registerSecret } from '../reliability/secrets.js'
import type { ConfigIssue, PathSegment } from './errors.js'
import { formatPath } from './errors.js'

export interface EnvOptions {
  /** Used when the variable is unset or empty. A default is a literal in the config, so it is not secret. */
  default?: string
  /** env() values are treated as secrets and redacted everywhere; `secret: false` opts out (e.g. a port). */
  secret?: boolean
}

// Shared through globalThis for the same reason as the secret registry: the config file's copy of this
// module and the CLI's must agree.
const MISSING = Symbol.for('circadian.env.missing')
const READ = Symbol.for('circadian.env.read')
const MARKER_PREFIX = '\u0000circadian-env:'
const MARKER_SUFFIX = '\u0000'

function missingNames(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>
  g[MISSING] ??= new Set()
  return g[MISSING]
}

/** Each value env() returned from the environment, with the variable it came from. */
export function envValuesRead(): Map<string, string> {
  const g = globalThis as unknown as Record<symbol, Map<string, string> | undefined>
  g[READ] ??= new Map()
  return g[READ]
}

/**
 * Reads an environment variable when the config is loaded and marks its value secret. An unset variable
 * does not throw: it is recorded, so validation can name every missing variable at once.
 */
export function env(name: string, options: EnvOptions = {}): string {
  const value = process.env[name]
  if (value !== undefined && value !== '') {
    if (options.secret !== false) registerSecret(value)
    envValuesRead().set(value, name)
    return value
  }
  if (options.default !== undefined) return options.default
  missingNames().add(name)
  return `${MARKER_PREFIX}${name}${MARKER_SUFFIX}`
}

/** Forget the variables recorded as missing (before loading a config). */
export function resetMissingEnv(): void {
  missingNames().clear()
}

export function recordedMissingEnv(): string[] {
  return [...missingNames()]
}

// eslint-disable-next-line no-control-regex -- the NUL-delimited marker cannot occur in real config text
const MARKER_PATTERN = /\u0000circadian-env:([^\u0000]+)\u0000/g

/** Every place in the loaded config where an unset variable's placeholder ended up, and the others. */
export function missingEnvIssues(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const located = new Set<string>()
  const path: PathSegment[] = []
  const seen = new Set<unknown>()
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes(MARKER_PREFIX)) return
      for (const m of value.matchAll(MARKER_PATTERN)) {
        located.add(m[1])
        issues.push({ path: formatPath(path), message: `environment variable ${m[1]} is not set` })
      }
    } else if (value && typeof value === 'object' && !seen.has(value)) {
      seen.add(value)
      const isArray = Array.isArray(value)
      for (const key of Object.keys(value)) {
        path.push(isArray ? Number(key) : key)
        walk((value as Record<string, unknown>)[key])
        path.pop()
      }
    }
  }
  walk(config)
  for (const name of recordedMissingEnv()) {
    if (!located.has(name))
      issues.push({ path: '', message: `environment variable ${name} is not set (read with env() in the config)` })
  }
  return issues
}

export function containsMissingEnv(value: string): boolean {
  return value.includes(MARKER_PREFIX)
}
