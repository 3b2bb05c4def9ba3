import { z } from 'zod'
import { databaseSchema } from './database.js'
import { notifierSchema } from './notifiers.js'
import { duration, timeZone } from './primitives.js'

/** A host name (no scheme, path or wildcard), optionally with a port: "jobs.example.com", "jobs.example.com:8443". */
const allowedHost = z
  .string()
  .transform((h) => h.trim().toLowerCase())
  .pipe(
    z
      .string()
      .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?(?::\d{1,5})?$/, {
        message:
          'must be a host name, optionally with a port (like "jobs.example.com" or "jobs.example.com:8443"): no scheme, path or wildcard',
      }),
  )

export const resourceSchema = z.strictObject({
  breaker: z
    .strictObject({
      failures: z.number().int().min(1),
      halfOpenAfter: duration,
    })
    .optional(),
})

/**
 * The top level of circadian.config.*. `jobs` is checked here only as a map of objects: each job is then
 * validated against the core keys plus its type's own options (see validate-jobs).
 */
export const configSchema = z.strictObject({
  timezone: timeZone.optional(),
  state: databaseSchema.optional(),
  connections: z
    .record(
      z.string(),
      databaseSchema.refine((db) => db.client !== 'better-sqlite3' || db.filename !== undefined, {
        message: 'a SQLite connection needs `filename` (a path, relative to the config file, or ":memory:")',
        path: ['filename'],
      }),
    )
    .default({}),
  notifiers: z.record(z.string(), notifierSchema).default({}),
  resources: z.record(z.string(), resourceSchema).default({}),
  /** How long history is kept: a run stays while it is younger than maxAge OR among its job's newest keepPerJob. */
  retention: z
    .strictObject({
      maxAge: duration.default(90 * 86_400_000),
      keepPerJob: z.number().int().min(1).default(1000),
      /** How often serve prunes in the background (the first prune comes a minute after start, or sooner). */
      pruneEvery: duration.default(3_600_000),
    })
    .prefault({}),
  maxConcurrent: z.number().int().min(1).default(5),
  pools: z.record(z.string(), z.strictObject({ maxConcurrent: z.number().int().min(1) })).default({}),
  serve: z
    .strictObject({
      /** On SIGTERM/SIGINT, how long running runs get to finish before they are aborted. */
      shutdownGrace: duration.default(30_000),
      /** Health, metrics, the API and the dashboard. Off unless set. */
      http: z
        .strictObject({
          port: z.number().int().min(0).max(65_535),
          host: z.string().min(1).default('127.0.0.1'),
          /** Host names (or name:port) serve also answers for, e.g. a proxy's public name; see docs/security.md. */
          allowedHosts: z.array(allowedHost).default([]),
          /** With serve.token set, let /api reads (jobs, runs, outputs, the dashboard's data) through without it. */
          publicReads: z.boolean().default(false),
          /** The most event streams (/api/events) open at once; more are refused with 503. */
          maxStreams: z.number().int().min(1).max(1000).default(32),
        })
        .optional(),
      /** Bearer token for every change and (unless http.publicReads) every /api read. Required when binding beyond loopback. */
      token: z.string().min(16, { message: 'must be at least 16 characters (read it with env())' }).optional(),
      /** /health reports "degraded" past these. */
      health: z
        .strictObject({
          memoryMb: z.number().positive().optional(),
          diskFreeMb: z.number().positive().optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  jobs: z.record(z.string(), z.unknown()).default({}),
})

export type ConfigShape = z.infer<typeof configSchema>
export type ResourceConfig = z.infer<typeof resourceSchema>
export const CONFIG_KEYS = Object.keys(configSchema.shape)
