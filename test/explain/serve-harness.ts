import os from 'node:os'
import path from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import type { ValidatedConfig } from '../../src/config/model.js'
import { validateConfig } from '../../src/config/validate.js'
import { commandJobType } from '../../src/job-types/command/definition.js'
import { createLogger } from '../../src/log/logger.js'
import type { JobTypeDefinition } from '../../src/run/job-type.js'
import { buildJobTypeRegistry } from '../../src/run/job-type-registry.js'
import { FakeClock } from '../../src/schedule/clock.js'
import { ServeRuntime } from '../../src/serve/runtime.js'
import type { RunRow } from '../../src/state/runs.js'
import { type Store, openStore } from '../../src/state/store.js'

/**
 * A serve instance on a fake clock, as `serve` runs it: registered in `instances`, heartbeating as time
 * passes, stopped with a stop stamp. Several may share one store (and one dir).
 */
export interface Instance {
  id: string
  clock: FakeClock
  store: Store
  runtime: ServeRuntime
  config: ValidatedConfig
  advance(ms: number, stepMs?: number): Promise<void>
  runs(job: string): Promise<RunRow[]>
  stop(): Promise<void>
}

export async function startInstance(
  raw: object,
  options: { id: string; now: string; dir: string; types?: JobTypeDefinition[] },
): Promise<Instance> {
  const registry = buildJobTypeRegistry([{ plugin: 'circadian', result: [commandJobType, ...(options.types ?? [])] }])
  const config = validateConfig(raw, { file: path.join(options.dir, 'circadian.config.ts'), registry })
  const clock = new FakeClock(Date.parse(options.now))
  const store = await openStore(config.state)
  const logger = await createLogger({ level: 'silent' })
  const runtime = new ServeRuntime({ config, store, clock, logger, instance: options.id, notify: false })
  const iso = () => new Date(clock.now()).toISOString()
  await store.control.registerInstance({
    id: options.id,
    host: 'test',
    pid: 1,
    version: '0',
    started_at: iso(),
    heartbeat_at: iso(),
  })
  await runtime.start()
  return {
    id: options.id,
    clock,
    store,
    runtime,
    config,
    async advance(ms, stepMs = 1000) {
      for (let moved = 0; moved < ms; moved += stepMs) {
        await clock.advance(Math.min(stepMs, ms - moved))
        await runtime.settled()
        await store.control.heartbeat(options.id, iso())
      }
    },
    runs: (job) =>
      store
        .knex('runs')
        .where({ job })
        .orderBy([{ column: 'scheduled_for' }, { column: 'created_at' }]),
    async stop() {
      await runtime.shutdown(1000)
      await store.control.stopInstance(options.id, iso())
      await store.close()
    },
  }
}

export const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'circadian-explain-'))
export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true })
