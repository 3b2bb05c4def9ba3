import { describe, expect, it } from 'vitest'
import { startRetentionLoop } from '../../src/state/retention-loop.js'
import { RetentionRepository } from '../../src/state/retention.js'
import { openStore } from '../../src/state/store.js'
import { createTestDatabase } from '../helpers/databases.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// Pruning a 10M-run store takes longer than the lease's 15 min: the lease was taken once and never renewed,
// so another instance could take it over and prune the same rows beside it.
describe('the retention lease', () => {
  it('is renewed while a prune outlives its TTL, so no other instance takes it', async () => {
    const db = await createTestDatabase('sqlite')
    const store = await openStore(db.config)
    const quiet = { info() {}, warn() {} }
    const loop = startRetentionLoop({
      store,
      instance: 'first',
      // A job whose own tables take 1.2 s to prune: four lease TTLs.
      targets: () => [
        {
          job: 'slow',
          policy: { maxAge: 1000, keepPerJob: 1 },
          pluginPrune: async () => {
            await sleep(1200)
            return { deleted: 0 }
          },
        },
      ],
      defaults: () => ({ maxAge: 1000, keepPerJob: 1, pruneEvery: 3_600_000 }),
      log: quiet,
      leaseTtlMs: 300,
    })
    try {
      const pruning = loop.pruneNow()
      const other = new RetentionRepository(store.knex)
      const takenByOther: boolean[] = []
      for (let i = 0; i < 5; i++) {
        await sleep(200)
        takenByOther.push(await other.takeLease('second', Date.now(), 300))
      }
      expect(await pruning).not.toBeNull()
      expect(takenByOther).toEqual([false, false, false, false, false])
    } finally {
      await loop.stop()
      await store.close()
      await db.drop()
    }
  }, 30_000)
})
