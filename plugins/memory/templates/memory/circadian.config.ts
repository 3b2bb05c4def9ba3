import { defineConfig } from 'circadian'

// The biological memory pipeline on a circadian rhythm (the `memory-cycle` job type):
//
//   memories ─▶ working memory ─▶ short-term memory ─▶ consolidation ─▶ long-term memory ─▶ REM links
//              (every 5 s, awake)  (every 5 min)        (hourly; deep at night)              (night)
//
// `circadian run --all` runs every stage once, now, on the sample memories below;
// `circadian list` shows when each one fires. `circadian memory --help`: add, import, recall, stats, show.
// Every stage parameter and formula: docs/memory.md (or the plugin's README).

// Where the memories live: a SQLite file next to this config. For PostgreSQL:
//   memory: { client: 'pg', connection: env('MEMORY_DB_URL') },   // import { env } from 'circadian'
const store = {
  connection: 'memory',
  // Loaded by whichever stage runs first while the store is still empty, once. Remove it when you bring
  // your own memories (`circadian memory import FILE.jsonl`).
  seed: 'memories.sample.jsonl',
} as const

// 3 retries after the first attempt, waiting 2 s, 4 s, 8 s (doubling, capped at 32 s), each drawn at random
// from [wait/2, wait) so stages that failed together do not retry together.
const retry = { attempts: 4, backoff: 'exponential', delay: '2s', maxDelay: '32s', jitter: true } as const

export default defineConfig({
  // The rhythm follows this zone: "06:00" is 06:00 here.
  timezone: '{{timezone}}',

  connections: {
    memory: { client: 'sqlite', filename: '.circadian/memory.db' },
  },

  jobs: {
    // Awake (06:00-22:00), every 5 seconds: the active context, at most 7 memories accessed in the last
    // 300 s with activation > 0.6 and at least 2 accesses.
    memory_working: { type: 'memory-cycle', stage: 'working', ...store, schedule: '*/5 * 6-21 * * *', timeout: '10s', retry },

    // Every 5 minutes: recent memories compete for short-term memory (at most 9 get in; the rest decay).
    memory_short_term: { type: 'memory-cycle', stage: 'short-term', ...store, schedule: '*/5 * * * *', timeout: '300s', retry },

    // Hourly: replay of short-term memories; the strong ones move to long-term memory, the faded are pruned.
    memory_consolidation: { type: 'memory-cycle', stage: 'consolidation', ...store, schedule: '0 * * * *', timeout: '300s', retry },

    // Slow-wave sleep, every 15 minutes from 02:00 to 04:00: the same over the whole day's short-term memory.
    memory_deep_consolidation: {
      type: 'memory-cycle',
      stage: 'deep-consolidation',
      ...store,
      schedule: '*/15 2-3 * * *',
      timeout: '600s',
      retry,
    },

    // REM sleep every 90 minutes: 22:00, 23:30, 01:00, 02:30, 04:00, 05:30. Cron cannot say "every 90
    // minutes", so two jobs share the stage: one on the hour, one at half past.
    memory_rem: {
      type: 'memory-cycle',
      stage: 'rem',
      ...store,
      schedule: '0 22,1,4 * * *',
      timeout: '300s',
      retry,
      // Optional: a local LLM (Ollama) judges the strongest new links. Without it, or while it is down,
      // REM links memories by its rules alone and says so in its summary.
      // llm: { url: 'http://127.0.0.1:11434', model: 'llama3.2' },
    },
    memory_rem_half_past: { type: 'memory-cycle', stage: 'rem', ...store, schedule: '30 23,2,5 * * *', timeout: '300s', retry },

    // Sunday 03:00: synaptic scaling of long-term strengths toward a mean of 0.5; the weakest are pruned.
    memory_homeostasis: { type: 'memory-cycle', stage: 'homeostasis', ...store, schedule: '0 3 * * 0', timeout: '600s', retry },

    // Every 15 minutes: the store answers, table sizes, and how long ago each stage last succeeded.
    // A late stage makes the run an alert; add notifiers (config `notifiers`) and `notify: ['ops']` here
    // to be told.
    memory_health: { type: 'memory-cycle', stage: 'health', ...store, schedule: '*/15 * * * *', timeout: '300s', retry },
  },
})
