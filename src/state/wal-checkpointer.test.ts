import { mkdtempSync, renameSync, rmSync } from 'node:fs'
import Database from 'better-sqlite3'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from './store.js'
import { type CheckpointResult, startWalCheckpointer } from './wal-checkpointer.js'

const dirs: string[] = []
const stores: Store[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-wal-'))
  dirs.push(dir)
  const store = await openStore({ client: 'better-sqlite3', filename: path.join(dir, 'state.db') })
  stores.push(store)
  return store
}

/** The path the store's SQLite connection has open. */
async function fileOf(store: Store): Promise<string> {
  const conn = (await store.knex.client.acquireConnection()) as { name: string }
  await store.knex.client.releaseConnection(conn)
  return conn.name
}

const autocheckpoint = async (store: Store) =>
  ((await store.knex.raw('pragma wal_autocheckpoint')) as Array<{ wal_autocheckpoint: number }>)[0].wal_autocheckpoint

describe('the WAL checkpointer (serve on SQLite)', () => {
  it('takes checkpoints off the commits: a worker checkpoints the WAL; stopped, commits checkpoint again', async () => {
    const store = await sqliteStore()
    const results: CheckpointResult[] = []
    const checkpointer = await startWalCheckpointer(store.knex, { everyMs: 20, onResult: (r) => results.push(r) })
    expect(checkpointer).not.toBeNull()
    expect(await autocheckpoint(store)).toBe(0)
    const at = new Date().toISOString()
    await Promise.all(
      Array.from({ length: 3000 }, (_, i) =>
        store.batcher.write({ kind: 'watermark', job: `job-${i}-${'x'.repeat(100)}`, watermark: at, at }),
      ),
    )
    await expect
      .poll(() => results.some((r) => r.ok && r.log! > 0 && r.checkpointed === r.log), { timeout: 10_000 })
      .toBe(true)
    expect(results.filter((r) => !r.ok)).toEqual([])
    await checkpointer!.stop()
    expect(await autocheckpoint(store)).toBe(1000)
  })

  it('keeps the WAL bounded under writes that never stop: past restartFrames, a RESTART checkpoint', async () => {
    const store = await sqliteStore()
    const results: CheckpointResult[] = []
    const checkpointer = await startWalCheckpointer(store.knex, {
      everyMs: 20,
      restartFrames: 200,
      onResult: (r) => results.push(r),
    })
    // Back-to-back commits for two seconds, as a prune of millions of runs writes: a PASSIVE checkpoint is
    // always overtaken by the next commit, so on its own it never lets the WAL start over.
    const until = Date.now() + 2000
    for (let i = 0; Date.now() < until; i++) {
      const at = new Date().toISOString()
      await store.batcher.write({ kind: 'watermark', job: `job-${i % 500}-${'x'.repeat(200)}`, watermark: at, at })
    }
    await checkpointer!.stop()
    const restarts = results.filter((r) => r.mode === 'restart' && !r.busy)
    expect(restarts.length).toBeGreaterThan(0)
    expect(results.filter((r) => !r.ok)).toEqual([])
    // Frames in the WAL when checked: ~2,000 at most here; without RESTART, one per commit (~50,000).
    expect(Math.max(...results.map((r) => r.log ?? 0))).toBeLessThan(10_000)
  })

  it('a reader holding an old snapshot makes the RESTART give up quickly, not hold the writers', async () => {
    const store = await sqliteStore()
    const file = await fileOf(store)
    const at = new Date().toISOString()
    const write = (i: number) =>
      store.batcher.write({ kind: 'watermark', job: `job-${i}-${'x'.repeat(200)}`, watermark: at, at })
    await write(0)
    // A reader on the WAL as it is now (a long `history` or dashboard query, say): no RESTART can finish.
    const reader = new Database(file, { readonly: true })
    reader.exec('begin')
    reader.prepare('select count(*) from job_state').get()
    try {
      const results: CheckpointResult[] = []
      const checkpointer = await startWalCheckpointer(store.knex, {
        everyMs: 20,
        restartFrames: 50,
        onResult: (r) => results.push(r),
      })
      let slowest = 0
      const until = Date.now() + 1500
      for (let i = 1; Date.now() < until; i++) {
        const started = performance.now()
        await write(i)
        slowest = Math.max(slowest, performance.now() - started)
      }
      await checkpointer!.stop()
      expect(results.some((r) => r.mode === 'restart' && r.busy)).toBe(true)
      // With the checkpointer's usual 1 s busy timeout, writes waited about a second behind each RESTART.
      expect(slowest).toBeLessThan(500)
    } finally {
      reader.exec('rollback')
      reader.close()
    }
  })

  it('falls back to checkpoints on commit, said once, when the worker dies', async () => {
    const store = await sqliteStore()
    const file = await fileOf(store)
    // The worker opens the file by name (it must exist): moved away, the worker throws, then exits.
    renameSync(file, `${file}.moved`)
    const errors: string[] = []
    const checkpointer = await startWalCheckpointer(store.knex, { everyMs: 20, onError: (m) => errors.push(m) })
    await expect.poll(() => autocheckpoint(store), { timeout: 10_000 }).toBe(1000)
    await new Promise((r) => setTimeout(r, 200))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/the WAL checkpointer stopped .*checkpoints on commit again/)
    await checkpointer!.stop()
  })

  it('is not started for a store that is not SQLite in WAL mode', async () => {
    const store = await sqliteStore()
    await store.knex.raw('pragma journal_mode = DELETE')
    expect(await startWalCheckpointer(store.knex)).toBeNull()
  })
})
