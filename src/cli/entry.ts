/**
 * The single-file CLI (dist/circadian.cjs, built by scripts/bundle.mjs): oclif, every command, the core's
 * job-types hook and the public API, loaded at once with a V8 code cache by bin/run.js.
 */
import * as api from '../api.js'
import Breakers from '../commands/breakers/index.js'
import BreakersReset from '../commands/breakers/reset.js'
import DlqList from '../commands/dlq/list.js'
import DlqPurge from '../commands/dlq/purge.js'
import DlqReplay from '../commands/dlq/replay.js'
import DlqShow from '../commands/dlq/show.js'
import History from '../commands/history.js'
import Init from '../commands/init.js'
import List from '../commands/list.js'
import Next from '../commands/next.js'
import Pause from '../commands/pause.js'
import PluginsNew from '../commands/plugins/new.js'
import Resume from '../commands/resume.js'
import Run from '../commands/run.js'
import Serve from '../commands/serve.js'
import StateExport from '../commands/state/export.js'
import StateImport from '../commands/state/import.js'
import Status from '../commands/status.js'
import Trigger from '../commands/trigger.js'
import Validate from '../commands/validate.js'
import { API_GLOBAL } from '../config/load-module.js'

// Plugins and config files that import 'circadian' get this same API object (see src/index.ts).
const g = globalThis as unknown as Record<symbol, unknown>
g[Symbol.for(API_GLOBAL)] ??= api

export { execute, settings } from '@oclif/core'
export { default as jobTypesHook } from '../hooks/job-types.js'
export { default as commandNotFoundHook } from '../hooks/command-not-found.js'

/** oclif's "explicit" command discovery: command id → class. */
export const COMMANDS = {
  breakers: Breakers,
  'breakers:reset': BreakersReset,
  'dlq:list': DlqList,
  'dlq:purge': DlqPurge,
  'dlq:replay': DlqReplay,
  'dlq:show': DlqShow,
  history: History,
  init: Init,
  list: List,
  next: Next,
  pause: Pause,
  'plugins:new': PluginsNew,
  resume: Resume,
  run: Run,
  serve: Serve,
  'state:export': StateExport,
  'state:import': StateImport,
  status: Status,
  trigger: Trigger,
  validate: Validate,
}
