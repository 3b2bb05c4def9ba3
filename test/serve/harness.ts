import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ValidatedConfig } from '../../src/config/model.js'
import { validateConfig } from '../../src/config/validate.js'
import { commandJobType } from '../../src/job-types/command/definition.js'
import { createLogger } from '../../src/log/logger.js'
import { type JobTypeDefinition, defineJobType } from '../../src/run/job-type.js'
import { buildJobTypeRegistry } from '../../src/run/job-type-registry.js'
import { FakeClock } from '../../src/schedule/clock.js'
import { ServeRuntime } from '../../src/serve/runtime.js'
import { type RunRow, startedOrEnded } from '../../src/state/runs.js'
import { type Store, openStore } from '../../src/state/store.js'
import { z } from 'zod'

/** A job type whose runs a test scripts: `behaviour(ctx)` decides what each run does. */
export function testType(behaviour: JobTypeDefinition['run'], type = 'test'): JobTypeDefinition {
  return defineJobType({ type, options: z.object({ label: z.string().optional() }), run: behaviour })
}

export interface Harness {
  clock: FakeClock
  store: Store
  runtime: ServeRuntime
  config: ValidatedConfig
  dir: string
  /** Moves the fake clock forward in steps, letting the runtime finish its work after each. */
  advance(ms: number, stepMs?: number): Promise<void>
  runs(job?: string): Promise<RunRow[]>
  reconfigure(raw: object): ValidatedConfig
  close(): Promise<void>
}

export async function startHarness(
  raw: object,
  options: { now: string; types?: JobTypeDefinition[]; dir?: string; start?: boolean },
): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'circadian-serve-'))
  const registry = buildJobTypeRegistry([{ plugin: 'circadian', result: [commandJobType, ...(options.types ?? [])] }])
  // A config without a zone would take the machine's (TZ): the expected instants here are written for UTC,
  // as the CLI tests pin TZ=UTC for the processes they start.
  const build = (r: object) =>
    validateConfig({ timezone: 'UTC', ...r }, { file: path.join(dir, 'circadian.config.ts'), registry })
  const config = build(raw)
  const clock = new FakeClock(Date.parse(options.now))
  const store = await openStore(config.state)
  const logger = await createLogger({ level: 'silent' })
  const runtime = new ServeRuntime({ config, store, clock, logger, instance: 'test:1', notify: false })
  if (options.start !== false) await runtime.start()
  return {
    clock,
    store,
    runtime,
    config,
    dir,
    async advance(ms, stepMs = 1000) {
      for (let moved = 0; moved < ms; moved += stepMs) {
        await clock.advance(Math.min(stepMs, ms - moved))
        await runtime.settled()
      }
    },
    async runs(job) {
      // As history shows them: a run claimed ahead of its instant is not listed before it starts.
      const q = startedOrEnded(store.knex('runs').select('*'), clock.now()).orderBy([
        { column: 'scheduled_for' },
        { column: 'created_at' },
      ])
      if (job) q.where({ job })
      return q
    },
    reconfigure: build,
    async close() {
      await runtime.shutdown(1000)
      await store.close()
      if (!options.dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const iso = (s: string) => new Date(s).toISOString()
