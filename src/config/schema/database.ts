import { z } from 'zod'

const CLIENTS = {
  sqlite: 'better-sqlite3',
  'better-sqlite3': 'better-sqlite3',
  sqlite3: 'better-sqlite3',
  pg: 'pg',
  postgres: 'pg',
  postgresql: 'pg',
  mysql: 'mysql2',
  mysql2: 'mysql2',
  mariadb: 'mysql2',
} as const

export type KnexClient = (typeof CLIENTS)[keyof typeof CLIENTS]

const clientName = z.enum(Object.keys(CLIENTS) as [keyof typeof CLIENTS, ...(keyof typeof CLIENTS)[]])

const connectionObject = z
  .object({
    host: z.string().optional(),
    port: z.number().int().positive().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    database: z.string().optional(),
    ssl: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  })
  .catchall(z.unknown())

/**
 * A database the config names: the state store or a job's connection. SQLite takes `filename` (relative to
 * the config file); servers take `connection` (a URL or an object).
 */
export const databaseSchema = z
  .strictObject({
    client: clientName,
    filename: z.string().min(1).optional(),
    connection: z.union([z.string().min(1), connectionObject]).optional(),
    /** PostgreSQL schema to use (created if missing for the state store). */
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional(),
    pool: z
      .strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().positive().optional() })
      .optional(),
  })
  .superRefine((db, ctx) => {
    const knexClient = CLIENTS[db.client]
    if (db.schema !== undefined && knexClient !== 'pg') {
      ctx.addIssue({
        code: 'custom',
        path: ['schema'],
        message: `\`schema\` is a PostgreSQL setting; ${db.client} has none (use another database or file instead)`,
      })
    }
    if (knexClient === 'better-sqlite3') {
      if (db.connection !== undefined && typeof db.connection !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path: ['connection'],
          message: 'SQLite takes `filename` (a path), not a connection object',
        })
      }
      if (db.connection !== undefined && db.filename !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['connection'],
          message: 'give SQLite either `filename` or `connection` (a path), not both',
        })
      }
    } else if (db.connection === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['connection'],
        message: `${db.client} needs a \`connection\` (a URL like postgres://user@host/db, or an object)`,
      })
    } else if (db.filename !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['filename'],
        message: `\`filename\` is for SQLite; ${db.client} takes \`connection\``,
      })
    }
  })
  .transform((db) => {
    const client = CLIENTS[db.client] as KnexClient
    // For SQLite, `connection: 'path/to.db'` means the same as `filename`.
    if (client === 'better-sqlite3' && typeof db.connection === 'string')
      return { ...db, client, filename: db.connection, connection: undefined }
    return { ...db, client }
  })

export type DatabaseConfig = z.infer<typeof databaseSchema>
