import { createReadStream } from 'node:fs'
import iconv from 'iconv-lite'
import { type CsvProblem, type CsvRecord, CsvParser } from './csv-parser.js'
import type { FileEncoding } from './encoding.js'
import { FeedError } from './feed-error.js'

export type { CsvProblem, CsvRecord }

export interface CsvSource {
  file: string
  /** The path as the user wrote it, for messages. */
  display: string
  encoding: FileEncoding
  delimiter: string
}

const CHUNK = 1 << 20
/**
 * Read chunks are decoded and parsed this much at a time. The text then stays below V8's large-object size
 * (128 KiB) and is allocated in the young generation, not on fresh pages each time: decoding and parsing
 * 1 MiB at once measured ~3x slower, mostly page faults.
 */
const PIECE = 32 << 10

interface Decoder {
  write(bytes: Buffer): string
  end(): string
}

/** Text from a file's bytes a chunk at a time: a character cut by a chunk's end is finished by the next. */
function decoderFor(encoding: FileEncoding): Decoder {
  if (encoding === 'utf-8') {
    // Drops a leading byte-order mark.
    const utf8 = new TextDecoder('utf-8')
    return { write: (bytes) => utf8.decode(bytes, { stream: true }), end: () => utf8.decode() }
  }
  const decoder = iconv.getDecoder(encoding)
  return { write: (bytes) => decoder.write(bytes), end: () => decoder.end() ?? '' }
}

/**
 * Streams a CSV file's records, decoded (Shift_JIS, CP932 and EUC-JP through iconv-lite; UTF-8 with or
 * without a byte-order mark), with the line each starts on, a few dozen KiB at a time; memory stays flat
 * whatever the file's size. A record that is not valid CSV becomes a problem (a reject) and reading
 * goes on at the line after it.
 */
export interface ReadOptions {
  /** Bytes read at a time (tests cut files everywhere with small ones). */
  chunkSize?: number
  /**
   * Set once the text holds a U+FFFD: what decoders put where bytes were not valid in the encoding. Records
   * read before it is set cannot hold one, so their fields need no search for it.
   */
  report?: { replaced: boolean }
}

export async function* readCsv(
  source: CsvSource,
  signal: AbortSignal,
  problems: CsvProblem[],
  { chunkSize = CHUNK, report }: ReadOptions = {},
): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser(source.delimiter, problems)
  const decoder = decoderFor(source.encoding)
  try {
    for await (const chunk of createReadStream(source.file, {
      highWaterMark: chunkSize,
      signal,
    }) as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; at += PIECE) {
        const text = decoder.write(chunk.subarray(at, at + PIECE))
        if (report && !report.replaced && text.includes('\uFFFD')) report.replaced = true
        const records = parser.write(text)
        if (records.length) yield records
      }
    }
    const rest = decoder.end()
    if (report && rest.includes('\uFFFD')) report.replaced = true
    const records = parser.write(rest).concat(parser.end())
    if (records.length) yield records
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      throw new FeedError(`${source.display}: cannot read it (${code})`, 'unreadable')
    throw err
  }
}
