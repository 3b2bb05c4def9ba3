import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explainAt } from '../../src/explain/explain.js'
import { testType } from '../serve/harness.js'
import { type TestDatabase, createTestDatabase } from '../helpers/databases.js'
import { removeDir, startInstance, tempDir } from './serve-harness.js'
import { stepsOf } from './config.js'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase('pg')
})
afterAll(async () => {
  await db?.drop()
})

describe('explain: several instances on PostgreSQL', () => {
  it('says which instance claimed each occurrence; the other recorded nothing for it', async () => {
    const dir = tempDir()
    const raw = { state: { client: 'pg', connection: db.url }, jobs: { m: { type: 'test', schedule: '* * * * *' } } }
    const types = [testType(async () => ({ status: 'ok' }))]
    const a = await startInstance(raw, { id: 'a:1', now: '2026-01-01T00:00:30Z', dir, types })
    const b = await startInstance(raw, { id: 'b:2', now: '2026-01-01T00:00:30Z', dir, types })
    try {
      for (let s = 0; s < 3 * 60; s += 5) await Promise.all([a.advance(5000, 5000), b.advance(5000, 5000)])
      const rows = await a.runs('m')
      expect(rows.map((r) => r.scheduled_for)).toEqual([
        '2026-01-01T00:01:00.000Z',
        '2026-01-01T00:02:00.000Z',
        '2026-01-01T00:03:00.000Z',
      ])
      for (const row of rows) {
        const e = await explainAt(a.runtime.config, a.store, 'm', row.scheduled_for!, a.clock.now())
        const runs = stepsOf(e, 'run')
        expect(runs).toHaveLength(1)
        expect(runs[0].data).toMatchObject({ id: row.id, instance: row.instance, status: 'succeeded' })
        expect(runs[0].detail).toContain(`instance ${row.instance}`)
      }
    } finally {
      await a.stop()
      await b.stop()
      removeDir(dir)
    }
  })
})
