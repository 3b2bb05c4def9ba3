/**
 * The process-wide set of known secret values. It lives on globalThis (not in a module variable) so that
 * every copy of this module — the CLI's, the one a config file imports as 'circadian', a bundled plugin's —
 * shares one registry.
 */
const REGISTRY = Symbol.for('circadian.secrets')

interface SecretRegistry {
  values: Set<string>
  /** Bumped on every change, so code that derives something from the values knows when to redo it. */
  version: number
}

function registry(): SecretRegistry {
  const g = globalThis as unknown as Record<symbol, SecretRegistry | undefined>
  let reg = g[REGISTRY]
  if (!reg) {
    reg = { values: new Set(), version: 0 }
    g[REGISTRY] = reg
  }
  return reg
}

/** Shorter values would redact ordinary words; they are still kept out of env() error messages. */
const MIN_SECRET_LENGTH = 4

export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return
  const reg = registry()
  // Its printed forms (URL-encoded, JSON-escaped, other letter cases) are matched by redact().
  reg.values.add(value)
  reg.version++
}

export function knownSecrets(): { values: ReadonlySet<string>; version: number } {
  const reg = registry()
  return { values: reg.values, version: reg.version }
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  const reg = registry()
  reg.values.clear()
  reg.version++
}
