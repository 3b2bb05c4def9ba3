import type { FeedSpec } from './feeds/spec.js'
import { readCsv } from './csv-records.js'
import { type EncodingInfo, type EncodingName, resolveEncoding } from './encoding.js'
import { FeedError } from './feed-error.js'
import type { FeedFile } from './files.js'
import { type ColumnMap, feedName, matchHeader } from './header.js'

export interface InspectedFeed extends FeedFile {
  encoding: EncodingInfo
  columns: ColumnMap
  headerLine: number
}

/** Every field (from `from` on) is empty or whitespace. */
function isBlank(fields: string[], from = 0): boolean {
  for (let i = from; i < fields.length; i++) if (fields[i].trim() !== '') return false
  return true
}

/**
 * Checks one file before anything is written: its encoding and its header. Every file of an import is
 * inspected first, so a wrong header in the last file still changes nothing.
 */
export async function inspectFeed(
  feed: FeedFile,
  spec: FeedSpec,
  options: { encoding: EncodingName; delimiter: string },
  signal: AbortSignal,
): Promise<InspectedFeed> {
  const encoding = await resolveEncoding(feed.file, feed.display, options.encoding, signal)
  for await (const batch of readCsv(
    { ...feed, encoding: encoding.encoding, delimiter: options.delimiter },
    signal,
    [],
  )) {
    const header = batch.find((record) => !isBlank(record.fields))
    if (header)
      return { ...feed, encoding, columns: matchHeader(header.fields, spec, feed.display), headerLine: header.line }
  }
  throw new FeedError(
    `${feed.display}: the file is empty (${feedName(spec.kind)} needs a header: ${spec.required.join(', ')})`,
    'header',
  )
}

export { isBlank }
