import { describe, expect, it } from 'vitest'
import { pruneStore } from '../../src/state/retention-prune.js'
import { openStore } from '../../src/state/store.js'
import { createTestDatabase } from '../helpers/databases.js'
import { daysAgo, seedRuns } from './seed.js'

const DAY = 86_400_000

/**
 * Two instances pruning one PostgreSQL store at once (two `state prune`, or a prune beside serve's): each
 * row is deleted once (the two reports add up to exactly what had to go), neither deadlocks, and a writer
 * recording runs meanwhile is never held up for long.
 */
describe('two instances pruning at once on PostgreSQL', () => {
  it('delete each row once and never block each other or a writer', async () => {
    const db = await createTestDatabase('pg')
    const [a, b, seeder] = [await openStore(db.config), await openStore(db.config), await openStore(db.config)]
    try {
      const now = Date.now()
      const jobs = ['j1', 'j2', 'j3']
      const seeded = (
        await Promise.all(jobs.map((job) => seedRuns(seeder.knex, job, 800, daysAgo(1, now), ['succeeded', 'failed'])))
      ).flat()
      const policy = { maxAge: 7 * DAY, keepPerJob: 50 }
      const deletable = seeded.filter((r) => Date.parse(r.created_at) < now - policy.maxAge)
      expect(deletable.length).toBeGreaterThan(1500)

      // A writer meanwhile: one run row every 5 ms, each insert timed.
      let writing = true
      const waits: number[] = []
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const at = new Date().toISOString()
          const t = performance.now()
          await seeder.knex('runs').insert({
            id: `w-${i}`,
            job: 'j1',
            type: 'command',
            trigger: 'schedule',
            created_at: at,
            status: 'succeeded',
            attempts: 1,
          })
          waits.push(performance.now() - t)
          await new Promise((r) => setTimeout(r, 5))
        }
      })()

      const options = {
        targets: jobs.map((job) => ({ job, policy })),
        defaults: policy,
        dryRun: false,
        now,
        batchSize: 25,
      }
      const t = performance.now()
      const [ra, rb] = await Promise.all([pruneStore(a, options), pruneStore(b, options)])
      const took = performance.now() - t
      writing = false
      await writer

      expect(ra.totals.runs + rb.totals.runs).toBe(deletable.length)
      expect(ra.totals.run_attempts + rb.totals.run_attempts).toBe(deletable.length)
      // Both did part of the work: they ran side by side, not one after the other.
      expect(ra.totals.runs).toBeGreaterThan(0)
      expect(rb.totals.runs).toBeGreaterThan(0)
      const left = Number(
        (
          await seeder
            .knex('runs')
            .whereIn(
              'id',
              deletable.map((r) => r.id),
            )
            .count({ n: '*' })
            .first()
        )?.n,
      )
      expect(left).toBe(0)
      expect(
        Number(
          (
            await seeder
              .knex('run_attempts')
              .whereIn(
                'run_id',
                deletable.map((r) => r.id),
              )
              .count({ n: '*' })
              .first()
          )?.n,
        ),
      ).toBe(0)
      expect(took).toBeLessThan(30_000)
      expect(waits.length).toBeGreaterThan(10)
      // Small batches: a write never waits behind a long delete.
      expect(Math.max(...waits)).toBeLessThan(1000)
    } finally {
      await Promise.all([a.close(), b.close(), seeder.close()])
      await db.drop()
    }
  }, 120_000)
})
