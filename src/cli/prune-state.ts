import type { ValidatedConfig } from '../config/model.js'
import { createLogger, toJobLogger } from '../log/logger.js'
import { ConnectionManager } from '../run/connections.js'
import { retentionTargets } from '../run/retention-targets.js'
import { type PruneReport, pruneStore } from '../state/retention-prune.js'
import { openStore } from '../state/store.js'

/** `circadian state prune`: the retention rules applied now (or, dry, counted). */
export async function pruneNow(
  config: ValidatedConfig,
  options: { dryRun: boolean; vacuum: boolean },
): Promise<PruneReport> {
  const store = await openStore(config.state)
  const connections = new ConnectionManager(config.connections, config.dir)
  const log = toJobLogger(await createLogger({ level: 'warn' }))
  try {
    await connections.prepare()
    return await pruneStore(store, {
      targets: retentionTargets(config, connections, log, Date.now),
      defaults: config.retention,
      dryRun: options.dryRun,
      vacuum: options.vacuum,
      now: Date.now(),
      onError: (what, err) => log.warn(`${what} failed: ${err instanceof Error ? err.message : String(err)}`),
    })
  } finally {
    await connections.closeAll()
    await store.close()
  }
}
