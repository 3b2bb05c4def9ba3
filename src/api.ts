/**
 * The public API of circadian, for config files (`import { defineConfig, env } from 'circadian'`) and for
 * plugins (`defineJobType`, `z`). Every value exported here must also be listed in index.ts.
 */
import type { z } from 'zod'
import type { CoreJobInput } from './config/schema/job.js'
import type { configSchema } from './config/schema/config.js'

export { env, type EnvOptions } from './config/env.js'
export { defineJobType, JobError } from './run/job-type.js'
export type {
  JobContext,
  JobErrorDetails,
  JobLogger,
  JobTypeDefinition,
  Notice,
  NoticeDeliveryState,
  NoticeReceipt,
  PluginKeyValue,
  PruneContext,
  RunInfo,
  RunResult,
  RunTrigger,
} from './run/job-type.js'
export { noticeDeliveryStates, overallNoticeState } from './notify/notice-states.js'
export { redact, redactThenTruncate } from './reliability/redact.js'
export { parseDuration } from './schedule/duration.js'
export { z } from 'zod'

/** A job as written in the config: the core keys plus its type's own options. */
export type JobInput = CoreJobInput & Record<string, unknown>

export type ConfigInput = Omit<z.input<typeof configSchema>, 'jobs'> & { jobs?: Record<string, JobInput> }

/** Marks the config's shape for editors; returns it unchanged. Accepts an object, a function or a promise. */
export function defineConfig<T extends ConfigInput | (() => ConfigInput | Promise<ConfigInput>) | Promise<ConfigInput>>(
  config: T,
): T {
  return config
}

// For plugin commands (`circadian alerts silence`, ...): the same base command, flags, output and store
// access as the core's own commands, so they behave alike (--json, exit codes, errors without stacks).
export { Args, Flags } from '@oclif/core'
export { BaseCommand as CircadianCommand, configFlag, jsonFlag } from './cli/base-command.js'
export { printError, printJson, printLine, table } from './cli/output.js'
export { formatTime, timeFormatter, type TimeFormatter, utcFlag, zonesOf } from './cli/render/times.js'
export { UsageError, UserError } from './errors.js'
export { openStore, Store } from './state/store.js'
// Plugins keep their own tables in a job's connection: the same migration runner as the core's.
export { applyMigrations, type Migration, type MigrationSet } from './state/migration-runner.js'
export { ConnectionManager } from './run/connections.js'
export type { JobDefinition, ValidatedConfig } from './config/model.js'
export type { DatabaseConfig } from './config/schema/database.js'
export type { RunRow, RunStatus } from './state/runs.js'
export type {
  DashboardPanel,
  DashboardPanelAction,
  DashboardPanelContext,
  PanelRow,
  PanelValue,
} from './serve/dashboard/panel-contract.js'
