import { z } from 'zod'
import type { JobTypeRegistry, RegisteredJobType } from '../run/job-type-registry.js'
import { type ConfigIssue, type PathSegment, formatPath } from './errors.js'
import { CORE_JOB_KEYS, type CoreJob, coreJobSchema } from './schema/job.js'
import { jobName } from './schema/primitives.js'
import { closest } from './suggest.js'
import { keysAt, toConfigIssues } from './zod-issues.js'

export interface ParsedJob {
  core: CoreJob
  options: unknown
  jobType: RegisteredJobType
}

interface PreparedOptions {
  keys: string[]
  /** A ZodObject made strict, so a misspelt option is an error; other schema kinds as their author wrote them. */
  strict: z.ZodType
}

// zod compiles a parser for each schema instance on first use: build the strict variant once per type.
const prepared = new WeakMap<z.ZodType, PreparedOptions>()

function prepareOptions(schema: z.ZodType): PreparedOptions {
  let p = prepared.get(schema)
  if (!p) {
    // Duck-typed, not instanceof: a plugin's schema may come from another copy of zod.
    const object = schema as unknown as { _zod: { def: { type: string } }; strict?: () => z.ZodType }
    p = {
      keys: keysAt(schema, []),
      strict: object._zod.def.type === 'object' && typeof object.strict === 'function' ? object.strict() : schema,
    }
    prepared.set(schema, p)
  }
  return p
}

function unknownTypeMessage(type: string, registry: JobTypeRegistry): string {
  const installed = [...registry.types.keys()].sort()
  const guess = closest(type, installed)
  const list = installed.length ? installed.join(', ') : 'none'
  return `unknown job type "${type}"${guess ? ` (did you mean "${guess}"?)` : ''}; installed types: ${list}`
}

/**
 * Validates one job: the core keys against the core schema and the rest against its type's `options`
 * schema, so a plugin's field errors carry full paths (`jobs.revenue.query`).
 */
export function validateJob(
  name: string,
  raw: unknown,
  registry: JobTypeRegistry,
): { job?: ParsedJob; issues: ConfigIssue[] } {
  const base: PathSegment[] = ['jobs', name]
  const issues: ConfigIssue[] = []
  const nameCheck = jobName.safeParse(name)
  if (!nameCheck.success)
    issues.push({ path: formatPath(base), message: `invalid job name: ${nameCheck.error.issues[0].message}` })
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ path: formatPath(base), message: 'a job must be an object with at least a `type`' })
    return { issues }
  }
  const input = raw as Record<string, unknown>
  if (input.type === undefined) {
    const installed = [...registry.types.keys()].sort().join(', ') || 'none'
    issues.push({ path: formatPath([...base, 'type']), message: `is required (installed types: ${installed})` })
    return { issues }
  }
  if (typeof input.type !== 'string') {
    issues.push({ path: formatPath([...base, 'type']), message: 'must be a string naming a job type' })
    return { issues }
  }
  const jobType = registry.types.get(input.type)
  if (!jobType) {
    issues.push({ path: formatPath([...base, 'type']), message: unknownTypeMessage(input.type, registry) })
    return { issues }
  }

  const optionsSchema = jobType.definition.options
  const { keys: ownKeys, strict: strictOptions } = prepareOptions(optionsSchema)
  const coreInput: Record<string, unknown> = {}
  const optionsInput: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (CORE_JOB_KEYS.includes(key)) coreInput[key] = value
    if (!CORE_JOB_KEYS.includes(key) || ownKeys.includes(key)) optionsInput[key] = value
  }

  const core = coreJobSchema.safeParse(coreInput, { reportInput: true })
  if (!core.success) issues.push(...toConfigIssues(core.error, base, coreJobSchema))

  const options = strictOptions.safeParse(optionsInput, { reportInput: true })
  if (!options.success) {
    const withCore = (path: readonly PathSegment[]) => (path.length === 0 ? CORE_JOB_KEYS : [])
    issues.push(...toConfigIssues(options.error, base, optionsSchema, withCore))
  }
  if (!core.success || !options.success) return { issues }
  return { job: { core: core.data, options: options.data, jobType }, issues }
}
