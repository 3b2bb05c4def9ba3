/**
 * The single-file CLI (dist/circadian.cjs, built by scripts/bundle.mjs): oclif, every command, the core's
 * job-types hook and the public API in one file, loaded with a V8 code cache by bin/run.js (each command's
 * modules initialise only when it runs, see COMMANDS).
 */
import * as api from '../api.js'
import { API_GLOBAL } from '../config/load-module.js'

// Plugins and config files that import 'circadian' get this same API object (see src/index.ts).
const g = globalThis as unknown as Record<symbol, unknown>
g[Symbol.for(API_GLOBAL)] ??= api

export { execute, settings } from '@oclif/core'
export { default as jobTypesHook } from '../hooks/job-types.js'
export { default as commandNotFoundHook } from '../hooks/command-not-found.js'
export { default as pluginTrustHook } from '../hooks/plugin-trust.js'

/**
 * oclif's "explicit" command discovery: command id → class. Each class is a getter over a require() that
 * esbuild turns into a lazy module init, so a run initialises only its own command's modules (oclif finds
 * commands through oclif.manifest.json and reads just the one it runs).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy by design, see above */
const COMMAND_MODULES: Record<string, () => { default: unknown }> = {
  breakers: () => require('../commands/breakers/index.js'),
  'breakers:reset': () => require('../commands/breakers/reset.js'),
  cancel: () => require('../commands/cancel.js'),
  'dlq:list': () => require('../commands/dlq/list.js'),
  'dlq:purge': () => require('../commands/dlq/purge.js'),
  'dlq:replay': () => require('../commands/dlq/replay.js'),
  'dlq:show': () => require('../commands/dlq/show.js'),
  explain: () => require('../commands/explain.js'),
  history: () => require('../commands/history.js'),
  init: () => require('../commands/init.js'),
  list: () => require('../commands/list.js'),
  next: () => require('../commands/next.js'),
  notices: () => require('../commands/notices/index.js'),
  'notices:retry': () => require('../commands/notices/retry.js'),
  pause: () => require('../commands/pause.js'),
  'plugins:new': () => require('../commands/plugins/new.js'),
  resume: () => require('../commands/resume.js'),
  run: () => require('../commands/run.js'),
  serve: () => require('../commands/serve.js'),
  'state:export': () => require('../commands/state/export.js'),
  'state:import': () => require('../commands/state/import.js'),
  'state:prune': () => require('../commands/state/prune.js'),
  status: () => require('../commands/status.js'),
  trigger: () => require('../commands/trigger.js'),
  validate: () => require('../commands/validate.js'),
}
/* eslint-enable @typescript-eslint/no-require-imports */

export const COMMANDS: Record<string, unknown> = Object.defineProperties(
  {},
  Object.fromEntries(
    Object.entries(COMMAND_MODULES).map(([id, load]) => [id, { enumerable: true, get: () => load().default }]),
  ),
)
