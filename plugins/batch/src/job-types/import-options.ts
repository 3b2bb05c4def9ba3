import { z } from 'circadian'
import { isTimeZone } from '../import/dates.js'
import { ENCODING_NAMES } from '../import/encoding.js'
import { FEED_KINDS } from '../import/feeds/spec.js'

const lowercase = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value)

export const importOptions = z.object({
  /** A config `connections` entry: where the tables live. */
  connection: z.string().min(1),
  kind: z.enum(FEED_KINDS).default('listings'),
  /** A path or glob, or a list of them, relative to the config's directory. */
  path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  encoding: z.preprocess(lowercase, z.enum(ENCODING_NAMES)).default('auto'),
  /** full: rows of this source the feed no longer has are closed (listings), deactivated (users) or removed. */
  mode: z.enum(['full', 'delta']).default('delta'),
  /** Which partner the rows come from (a full feed retires only its own rows); default: the job's name. */
  source: z.string().min(1).max(200).optional(),
  delimiter: z
    .string()
    .length(1, 'must be one character, e.g. "," or "\\t"')
    .refine(
      (d) => d !== '"' && d !== '\n' && d !== '\r',
      'cannot be a quote or a line break: those already mean something in CSV',
    )
    .default(','),
  /** Also write rejected rows to this CSV ({job} and {run} are filled in). */
  rejectFile: z.string().min(1).optional(),
  /** The zone of feed dates written without an offset. */
  feedTimezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as "Asia/Tokyo"').default('UTC'),
})

export type ImportOptions = z.infer<typeof importOptions>
