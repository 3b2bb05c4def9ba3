import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { knownSecrets, registerSecret } from '../reliability/secrets.js'
import { envValuesRead } from './env.js'
import type { DatabaseConfig } from './schema/database.js'

/**
 * The state settings of the last config serve ran, recorded beside the config file, so that `status`,
 * `pause`, `resume`, `trigger` and `history` still reach the store while the file on disk is broken (the
 * store cannot hold its own address). Values read with env() are written as `${env:NAME}` and read back
 * from the environment; a secret written literally in the config is never written: such settings are
 * recorded as unusable.
 */
export const LAST_VALID_STATE_FILE = '.circadian/last-valid-state.json'

const ENV_REF = /\$\{(env|env-uri):([A-Za-z_][A-Za-z0-9_]*)\}/g

export interface RecordedState {
  config: string
  recordedAt: string
  /** null when the settings held a secret that was not read with env(). */
  state: DatabaseConfig | null
}

export const lastValidStatePath = (configFile: string) => path.join(path.dirname(configFile), LAST_VALID_STATE_FILE)

/** Replaces each value read with env() (and its URL-encoded form) by a reference to its variable. */
function withEnvReferences(text: string): string {
  const read = [...envValuesRead()].filter(([value]) => value.length >= 4).sort((a, b) => b[0].length - a[0].length)
  let out = text
  for (const [value, name] of read) {
    out = out.split(JSON.stringify(value).slice(1, -1)).join(`\${env:${name}}`)
    const encoded = encodeURIComponent(value)
    if (encoded !== value) out = out.split(JSON.stringify(encoded).slice(1, -1)).join(`\${env-uri:${name}}`)
  }
  return out
}

/** Written by serve after each config it starts or reloads. Best effort: a read-only directory is fine. */
export function recordLastValidState(configFile: string, state: DatabaseConfig, now = new Date()): string | null {
  let text = withEnvReferences(JSON.stringify(state))
  const literalSecret = [...knownSecrets().values].some((secret) => text.includes(JSON.stringify(secret).slice(1, -1)))
  if (literalSecret) text = 'null'
  const record = `{"config":${JSON.stringify(configFile)},"recordedAt":${JSON.stringify(now.toISOString())},"state":${text}}\n`
  const file = lastValidStatePath(configFile)
  try {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(`${file}.tmp`, record, { mode: 0o600 })
    renameSync(`${file}.tmp`, file)
    return file
  } catch {
    return null
  }
}

export type ReadRecordedState = { state: DatabaseConfig; recordedAt: string } | { problem: string }

/** The recorded settings with env references filled in from this process's environment. */
export function readLastValidState(configFile: string): ReadRecordedState {
  const file = lastValidStatePath(configFile)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return { problem: `no state settings were recorded by serve for it (${file})` }
  }
  let record: RecordedState
  try {
    record = JSON.parse(text) as RecordedState
  } catch {
    return { problem: `${file} is not valid JSON` }
  }
  if (!record.state)
    return {
      problem: `serve could not record the last valid state settings: they hold a secret written in the config, not read with env()`,
    }
  const missing = new Set<string>()
  const filled = JSON.stringify(record.state).replace(ENV_REF, (_, kind: string, name: string) => {
    const value = process.env[name]
    if (value === undefined || value === '') {
      missing.add(name)
      return ''
    }
    registerSecret(value)
    return JSON.stringify(kind === 'env' ? value : encodeURIComponent(value)).slice(1, -1)
  })
  if (missing.size)
    return { problem: `the recorded state settings read ${[...missing].join(', ')}, not set in this environment` }
  return { state: JSON.parse(filled) as DatabaseConfig, recordedAt: record.recordedAt }
}
