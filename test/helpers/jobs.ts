import path from 'node:path'
import { z } from 'zod'
import type { JobDefinition } from '../../src/config/model.js'
import { coreJobSchema } from '../../src/config/schema/job.js'
import { buildTrigger } from '../../src/config/triggers.js'
import { createLogger } from '../../src/log/logger.js'
import { Notifier } from '../../src/notify/notifier.js'
import { Breakers } from '../../src/reliability/breakers.js'
import { ConnectionManager } from '../../src/run/connections.js'
import { type JobTypeDefinition, defineJobType } from '../../src/run/job-type.js'
import type { RunServices } from '../../src/run/services.js'
import { systemClock } from '../../src/schedule/clock.js'
import { openStore } from '../../src/state/store.js'
import { createTestDatabase, type DatabaseKind } from './databases.js'

/** A job type whose behaviour each test scripts with `work`. */
export function scriptedType(work: JobTypeDefinition['run'], type = 'scripted'): JobTypeDefinition {
  return defineJobType({ type, options: z.object({}), run: work })
}

export function job(name: string, type: JobTypeDefinition, core: Record<string, unknown> = {}): JobDefinition {
  const parsed = coreJobSchema.parse({ type: type.type, ...core })
  return {
    name,
    type: type.type,
    core: parsed,
    options: {},
    jobType: { definition: type, plugin: 'test' },
    timezone: 'UTC',
    timezoneSource: 'config',
    trigger: buildTrigger(parsed, 'UTC'),
    after: parsed.after ?? [],
  }
}

export async function testServices(kind: DatabaseKind = 'sqlite'): Promise<RunServices & { close(): Promise<void> }> {
  const db = await createTestDatabase(kind)
  const store = await openStore(db.config)
  const logger = await createLogger({ level: 'silent' })
  const connections = new ConnectionManager({}, path.dirname(db.url))
  return {
    store,
    clock: systemClock,
    instance: 'test:1',
    connections,
    notifier: new Notifier({}, { enabled: false }),
    breakers: new Breakers(store, systemClock, {}),
    logger,
    configDir: process.cwd(),
    async close() {
      await store.close()
      await db.drop()
    },
  }
}
