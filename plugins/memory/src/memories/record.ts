import { parseDuration, z } from 'circadian'
import { normalizeTags } from './terms.js'

const fraction = z.number().min(0).max(1)

/** One memory as `memory import` reads it (a JSONL line) and as the template's sample is written. */
export const memoryRecordSchema = z
  .strictObject({
    content: z.string().trim().min(1),
    /** ISO 8601 or epoch milliseconds; default: the time of the import. */
    created_at: z.union([z.string(), z.number()]).optional(),
    /** Alternative to created_at: how long before the import the memory was made ('90s', '2h'). */
    age: z.string().optional(),
    source: z.string().min(1).max(200).optional(),
    importance: fraction.optional(),
    tags: z.union([z.array(z.string()), z.string()]).optional(),
    /** Default: the importance. */
    activation: fraction.optional(),
    access_count: z.number().int().min(1).optional(),
    /** A memory that already made it further (moving from another system): its store and strength. */
    store: z.enum(['short-term', 'long-term']).optional(),
    strength: fraction.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.created_at !== undefined && r.age !== undefined)
      ctx.addIssue({ code: 'custom', path: ['age'], message: 'give created_at or age, not both' })
    if (r.age !== undefined && parseDuration(r.age) === null)
      ctx.addIssue({ code: 'custom', path: ['age'], message: 'must be a duration like "90s" or "2h"' })
    if (
      r.created_at !== undefined &&
      !Number.isFinite(typeof r.created_at === 'number' ? r.created_at : Date.parse(r.created_at))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['created_at'],
        message: 'must be an ISO 8601 date-time or epoch milliseconds',
      })
    }
    if (r.strength !== undefined && r.store === undefined)
      ctx.addIssue({ code: 'custom', path: ['strength'], message: 'is only used with store' })
  })

export type MemoryRecord = z.infer<typeof memoryRecordSchema>

/** A memory ready to be written. Instants are epoch milliseconds. */
export interface NewMemory {
  content: string
  createdAt: number
  source: string
  importance: number
  tags: string[]
  activation: number
  accessCount: number
  store?: 'short-term' | 'long-term'
  strength?: number
}

export function toNewMemory(record: MemoryRecord, now: number, defaultSource: string): NewMemory {
  const createdAt =
    record.age !== undefined
      ? now - parseDuration(record.age)!
      : record.created_at === undefined
        ? now
        : typeof record.created_at === 'number'
          ? record.created_at
          : Date.parse(record.created_at)
  const importance = record.importance ?? 0.5
  return {
    content: record.content,
    createdAt,
    source: record.source ?? defaultSource,
    importance,
    tags: normalizeTags(record.tags),
    activation: record.activation ?? importance,
    accessCount: record.access_count ?? 1,
    store: record.store,
    strength: record.store ? (record.strength ?? importance) : undefined,
  }
}
