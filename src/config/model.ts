import type { RegisteredJobType } from '../run/job-type-registry.js'
import type { Trigger } from '../schedule/trigger.js'
import type { ConfigShape } from './schema/config.js'
import type { DatabaseConfig } from './schema/database.js'
import type { CoreJob } from './schema/job.js'

/** A job after validation: its core keys, its type's options and its resolved schedule. */
export interface JobDefinition {
  name: string
  type: string
  core: CoreJob
  /** The job's own options, as parsed by its type's schema. */
  options: unknown
  jobType: RegisteredJobType
  timezone: string
  /** Where the time zone came from, shown by `list`. */
  timezoneSource: 'job' | 'config' | 'machine'
  /** null for jobs that only run when triggered or after their upstream jobs. */
  trigger: Trigger | null
  after: string[]
}

/** A config that passed validation, with defaults filled in and paths resolved against its directory. */
export interface ValidatedConfig extends Omit<ConfigShape, 'jobs' | 'state' | 'timezone'> {
  file: string
  dir: string
  /** The files the config was built from; serve watches them for hot reload. */
  sources: string[]
  timezone: string
  timezoneSource: 'config' | 'machine'
  state: DatabaseConfig
  jobs: Map<string, JobDefinition>
  /** Problems that do not stop the config from being used, e.g. a plugin whose hook failed. */
  warnings: string[]
}
