import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knex, { type Knex } from 'knex'
import {
  ConnectionManager,
  type JobContext,
  type Notice,
  type PluginKeyValue,
  type RunResult,
  openStore,
} from 'circadian'
import { type DatabaseKind, createTestDatabase } from '../../../test/helpers/databases.js'
import { memoryCycleJobType } from '../src/job-type/definition.js'
import type { NewMemory } from '../src/memories/record.js'
import { insertMemories } from '../src/memories/write.js'
import { memoryCycleOptions } from '../src/options/schema.js'
import { ensureSchema } from '../src/store/migrate.js'
import { T } from '../src/store/tables.js'

export const NAMESPACE = '@circadian/plugin-memory'
export const T0 = Date.parse('2026-03-07T12:00:00Z')
export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE

const silent = { debug() {}, info() {}, warn() {}, error() {} }

export interface RunOptions {
  /** The fake clock's time during the run. */
  at: number
  /** The occurrence: scheduledFor (default: `at`), or null to key it by run id. */
  scheduledFor?: number | null
  runId?: string
  job?: string
  signal?: AbortSignal
  notify?: string[]
}

export interface Harness {
  kind: DatabaseKind
  db: Knex
  clock: { now(): number; set(t: number): void }
  kv: PluginKeyValue
  notices: Array<{ names: string[]; notice: Notice }>
  configDir: string
  run(options: Record<string, unknown>, run: RunOptions): Promise<RunResult>
  /** Another process's view of the same store: its own pool, the same state store and clock. */
  twin(): Promise<{ run: Harness['run']; db: Knex; close(): Promise<void> }>
  add(memories: Array<Partial<NewMemory> & { content: string }>, at?: number): Promise<number[]>
  cleanup(): Promise<void>
}

/**
 * A memory store of its own (SQLite file or PostgreSQL/MariaDB database), a real state store for ctx.kv, a
 * fake clock. `fastCommits` turns off waiting for the disk on commit (SQLite synchronous=off, PostgreSQL
 * synchronous_commit=off) for tests that run thousands of transactions, where durability is not the point.
 */
export async function harness(kind: DatabaseKind, options: { fastCommits?: boolean } = {}): Promise<Harness> {
  const database = await createTestDatabase(kind)
  if (options.fastCommits && kind === 'pg') {
    const admin = knex({ client: 'pg', connection: database.url, pool: { min: 0, max: 1 } })
    await admin
      .raw('alter database ?? set synchronous_commit = off', [new URL(database.url).pathname.slice(1)])
      .finally(() => admin.destroy())
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memory-harness-'))
  const state = await openStore({ client: 'better-sqlite3', filename: path.join(dir, 'state.db') })
  const connections = new ConnectionManager({ memory: database.config }, dir)
  await connections.prepare()
  const db = connections.get('memory')
  if (options.fastCommits && kind === 'sqlite') await db.raw('pragma synchronous = off')
  let now = T0
  const clock = { now: () => now, set: (t: number) => void (now = t) }
  const kv: PluginKeyValue = {
    get: (key) => state.kv.get(NAMESPACE, key),
    set: (key, value) => state.kv.set(NAMESPACE, key, value, new Date(now).toISOString()),
    delete: (key) => state.kv.delete(NAMESPACE, key),
    list: (prefix) => state.kv.list(NAMESPACE, prefix),
  }
  const notices: Harness['notices'] = []
  let seq = 0
  const runOn = (pool: ConnectionManager): Harness['run'] =>
    async function run(options, run) {
      clock.set(run.at)
      const parsed = memoryCycleOptions.parse({
        connection: 'memory',
        ...options,
        ...(run.notify ? { notify: run.notify } : {}),
      })
      const scheduledFor = run.scheduledFor === undefined ? run.at : run.scheduledFor
      const ctx: JobContext = {
        signal: run.signal ?? new AbortController().signal,
        log: silent,
        run: {
          id: run.runId ?? `run-${++seq}`,
          job: run.job ?? `memory_${String(options.stage)}`,
          type: 'memory-cycle',
          scheduledFor: scheduledFor === null ? null : new Date(scheduledFor),
          attempt: 1,
          trigger: 'schedule',
        },
        db: (name) => pool.get(name),
        kv,
        notify: async (names, notice) => {
          notices.push({ names, notice })
          return { ids: names.map((n) => `ntc_${notices.length}_${n}`) }
        },
        noticeStates: async (ids) => Object.fromEntries(ids.map((id) => [id, 'sent' as const])),
        clock,
        configDir: dir,
      }
      return memoryCycleJobType.run(ctx, parsed)
    }
  return {
    kind,
    db,
    clock,
    kv,
    notices,
    configDir: dir,
    run: runOn(connections),
    async twin() {
      const other = new ConnectionManager({ memory: database.config }, dir)
      await other.prepare()
      return { run: runOn(other), db: other.get('memory'), close: () => other.closeAll() }
    },
    async add(memories, at = now) {
      await ensureSchema(db, at)
      const full = memories.map((m) => ({
        createdAt: at,
        source: 'test',
        importance: 0.5,
        tags: [],
        accessCount: 1,
        ...m,
        activation: m.activation ?? m.importance ?? 0.5,
      }))
      return db.transaction((trx) => insertMemories(trx, full as NewMemory[], at, `test:${at}`))
    },
    async cleanup() {
      await connections.closeAll()
      await state.close()
      await database.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const row = async (db: Knex, table: string, where: Record<string, unknown>) => db(table).where(where).first()
export const strengths = async (db: Knex, table: typeof T.shortTerm | typeof T.longTerm) =>
  Object.fromEntries(
    ((await db(table).select('memory_id', 'strength')) as Array<{ memory_id: unknown; strength: number }>).map((r) => [
      Number(r.memory_id),
      Number(r.strength),
    ]),
  )
