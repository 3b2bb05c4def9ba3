/**
 * The `circadian` module. Inside the CLI it hands out the CLI's own, already loaded API (one zod, one secret
 * registry for the config, the CLI and every plugin); anywhere else it loads the API itself. Types come
 * from api.d.ts (package.json "types").
 */
import type * as Api from './api.js'

const shared = (globalThis as unknown as Record<symbol, typeof Api | undefined>)[Symbol.for('circadian.api')]
const api: typeof Api = shared ?? (await import('./api.js'))

export const {
  defineConfig,
  defineJobType,
  env,
  JobError,
  redact,
  redactThenTruncate,
  parseDuration,
  z,
  Args,
  Flags,
  CircadianCommand,
  configFlag,
  jsonFlag,
  printError,
  printJson,
  printLine,
  table,
  formatTime,
  timeFormatter,
  utcFlag,
  zonesOf,
  UsageError,
  UserError,
  openStore,
  Store,
  ConnectionManager,
  applyMigrations,
  noticeDeliveryStates,
  overallNoticeState,
} = api
