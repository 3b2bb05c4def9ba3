import type { Knex } from 'knex'

/** JSON values under a namespace (one per plugin), for state a job type keeps between runs. */
export class KeyValueRepository {
  constructor(private readonly knex: Knex) {}

  async get<T>(namespace: string, key: string): Promise<T | undefined> {
    const row = await this.knex('kv').where({ namespace, key }).first()
    return row ? (JSON.parse(row.value) as T) : undefined
  }

  async set(namespace: string, key: string, value: unknown, now: string): Promise<void> {
    const row = { namespace, key, value: JSON.stringify(value ?? null), updated_at: now }
    await this.knex('kv').insert(row).onConflict(['namespace', 'key']).merge(['value', 'updated_at'])
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.knex('kv').where({ namespace, key }).delete()
  }

  async list<T>(namespace: string, prefix = ''): Promise<Array<{ key: string; value: T }>> {
    const q = this.knex('kv').where({ namespace })
    // '!' as the LIKE escape: backslash means different things in PostgreSQL and MySQL string literals.
    if (prefix) q.andWhereRaw(`?? like ? escape '!'`, ['key', `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`])
    const rows = await q.orderBy('key')
    return rows.map((r: { key: string; value: string }) => ({ key: r.key, value: JSON.parse(r.value) as T }))
  }
}
