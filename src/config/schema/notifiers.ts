import { z } from 'zod'
import { duration } from './primitives.js'

const httpUrl = z.string().regex(/^https?:\/\/\S+$/i, { message: 'must be an http(s) URL' })

/** At most `max` deliveries per `per` through one notifier, across every process on the store; the rest wait in the outbox and go out coalesced. */
const rateLimit = z.strictObject({ max: z.number().int().min(1), per: duration }).default({ max: 60, per: 3_600_000 })

/** How long an undelivered notice is retried before it is recorded `expired`. */
const maxAge = duration.default(86_400_000)

const webhook = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  /** When set, each POST carries X-Circadian-Signature: sha256=HMAC(secret, body). */
  secret: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  rateLimit,
  maxAge,
})

const slack = z.strictObject({
  type: z.literal('slack'),
  webhookUrl: httpUrl,
  channel: z.string().optional(),
  username: z.string().optional(),
  rateLimit,
  maxAge,
})

const email = z.strictObject({
  type: z.literal('email'),
  host: z.string().min(1),
  port: z.number().int().positive().optional(),
  secure: z.boolean().optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  from: z.string().min(3),
  to: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]),
  tls: z.strictObject({ rejectUnauthorized: z.boolean().optional(), servername: z.string().optional() }).optional(),
  rateLimit,
  maxAge,
})

export const notifierSchema = z.discriminatedUnion('type', [webhook, slack, email], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'notifier `type` must be one of webhook, slack, email' : undefined,
})

export type NotifierConfig = z.infer<typeof notifierSchema>
