import path from 'node:path'
import type { Knex } from 'knex'
import type { DatabaseConfig } from '../config/schema/database.js'
import { lazyRequire } from '../lazy-require.js'
import { knexConfig } from '../state/connect.js'

type KnexFactory = (config: Knex.Config) => Knex

/**
 * The config's named connections, each a pooled knex instance opened on first use and shared by every run
 * in the process.
 */
export class ConnectionManager {
  private readonly open = new Map<string, Knex>()
  private factory: KnexFactory | null = null

  constructor(
    private readonly connections: Record<string, DatabaseConfig>,
    private readonly configDir: string,
  ) {}

  /** Loads knex ahead of time so get() can stay synchronous. */
  async prepare(): Promise<void> {
    if (!this.factory && Object.keys(this.connections).length) this.factory = lazyRequire('knex') as KnexFactory
  }

  get(name: string): Knex {
    const existing = this.open.get(name)
    if (existing) return existing
    const db = this.connections[name]
    if (!db)
      throw new Error(
        `unknown connection "${name}" (configured: ${Object.keys(this.connections).join(', ') || 'none'})`,
      )
    if (!this.factory) throw new Error('connections were not prepared')
    const resolved =
      db.client === 'better-sqlite3' && db.filename && db.filename !== ':memory:'
        ? { ...db, filename: path.resolve(this.configDir, db.filename) }
        : db
    const instance = this.factory(knexConfig(resolved))
    this.open.set(name, instance)
    return instance
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()]
    this.open.clear()
    await Promise.all(all.map((k) => k.destroy().catch(() => {})))
  }
}
