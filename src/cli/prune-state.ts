import os from 'node:os'
import type { ValidatedConfig } from '../config/model.js'
import { createLogger, toJobLogger } from '../log/logger.js'
import { ConnectionManager } from '../run/connections.js'
import { retentionTargets } from '../run/retention-targets.js'
import { type PruneReport, pruneStore } from '../state/retention-prune.js'
import { LEASE_TTL_MS } from '../state/retention-loop.js'
import { RetentionRepository } from '../state/retention.js'
import { openStore } from '../state/store.js'

const LEASE_POLL_MS = 1000

/** `circadian state prune`: the retention rules applied now (or, dry, counted). */
export async function pruneNow(
  config: ValidatedConfig,
  options: { dryRun: boolean; vacuum: boolean },
): Promise<PruneReport> {
  const store = await openStore(config.state)
  const connections = new ConnectionManager(config.connections, config.dir)
  const log = toJobLogger(await createLogger({ level: 'warn' }))
  const repo = new RetentionRepository(store.knex)
  const holder = `state-prune:${os.hostname()}:${process.pid}`
  let renew: NodeJS.Timeout | undefined
  try {
    await connections.prepare()
    // One pruner at a time, as in serve: two on one SQLite file only queue behind each other's writes.
    if (!options.dryRun) {
      for (let told = false; !(await repo.takeLease(holder, Date.now(), LEASE_TTL_MS)); told = true) {
        if (!told) log.warn('another process (serve) is pruning this store; waiting for it to finish')
        await new Promise((r) => setTimeout(r, LEASE_POLL_MS))
      }
      renew = setInterval(() => void repo.takeLease(holder, Date.now(), LEASE_TTL_MS).catch(() => {}), LEASE_TTL_MS / 3)
    }
    return await pruneStore(store, {
      targets: retentionTargets(config, connections, log, Date.now),
      defaults: config.retention,
      dryRun: options.dryRun,
      vacuum: options.vacuum,
      now: Date.now(),
      onError: (what, err) => log.warn(`${what} failed: ${err instanceof Error ? err.message : String(err)}`),
    })
  } finally {
    if (renew) {
      clearInterval(renew)
      await repo.releaseLease(holder).catch(() => {})
    }
    await connections.closeAll()
    await store.close()
  }
}
