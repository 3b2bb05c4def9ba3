import type { JobTypeDefinition } from './job-type.js'

export interface RegisteredJobType {
  definition: JobTypeDefinition
  plugin: string
}

export interface JobTypeRegistry {
  types: Map<string, RegisteredJobType>
  /** Plugins whose `job-types` hook threw or returned something unusable; the others still load. */
  pluginProblems: Array<{ plugin: string; message: string }>
  /** The same type claimed by two plugins: a config error naming both. */
  clashes: Array<{ type: string; plugins: [string, string] }>
}

export interface HookContribution {
  plugin: string
  result: unknown
}

function isJobTypeDefinition(value: unknown): value is JobTypeDefinition {
  if (!value || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  const options = v.options as { safeParse?: unknown } | undefined
  return (
    typeof v.type === 'string' &&
    v.type.length > 0 &&
    typeof v.run === 'function' &&
    typeof options?.safeParse === 'function'
  )
}

/** Gathers every plugin's answer to the `job-types` hook into one registry. */
export function buildJobTypeRegistry(
  contributions: HookContribution[],
  failures: Array<{ plugin: string; error: unknown }> = [],
): JobTypeRegistry {
  const registry: JobTypeRegistry = { types: new Map(), pluginProblems: [], clashes: [] }
  for (const { plugin, error } of failures) {
    const message = error instanceof Error ? error.message : String(error)
    registry.pluginProblems.push({ plugin, message: `its job-types hook failed: ${message}` })
  }
  for (const { plugin, result } of contributions) {
    if (result === undefined || result === null) continue
    const list = Array.isArray(result) ? result : [result]
    for (const candidate of list) {
      if (!isJobTypeDefinition(candidate)) {
        registry.pluginProblems.push({
          plugin,
          message:
            'its job-types hook returned something that is not a job type (expected defineJobType({ type, options, run }))',
        })
        continue
      }
      const existing = registry.types.get(candidate.type)
      if (existing && existing.plugin !== plugin) {
        registry.clashes.push({ type: candidate.type, plugins: [existing.plugin, plugin] })
        continue
      }
      registry.types.set(candidate.type, { definition: candidate, plugin })
    }
  }
  return registry
}
