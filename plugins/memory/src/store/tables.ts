/** The plugin's tables, all prefixed so they can share a database with anything else. */
export const T = {
  items: 'memory_items',
  terms: 'memory_terms',
  working: 'memory_working',
  shortTerm: 'memory_short_term',
  longTerm: 'memory_long_term',
  associations: 'memory_associations',
  stageRuns: 'memory_stage_runs',
  llmCache: 'memory_llm_cache',
  meta: 'memory_meta',
} as const

export const MIGRATIONS_TABLE = 'memory_migrations'
