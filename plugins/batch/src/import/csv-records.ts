import { createReadStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import { type CsvError, type InfoRecord, type Options, parse } from 'csv-parse'
import iconv from 'iconv-lite'
import type { FileEncoding } from './encoding.js'
import { FeedError } from './feed-error.js'

/** One CSV record and the (1-based) line it starts on. */
export interface CsvRecord {
  fields: string[]
  line: number
}

/** A record that is not valid CSV (a stray or unclosed quote): a reject; reading goes on after it. */
export interface CsvProblem {
  line: number
  reason: string
}

export interface CsvSource {
  file: string
  /** The path as the user wrote it, for messages. */
  display: string
  encoding: FileEncoding
  delimiter: string
}

/** A single record longer than this is taken to be an unclosed quote swallowing the file. */
const MAX_RECORD_BYTES = 4 << 20
const CHUNK = 1 << 20

/**
 * Line breaks inside a record's (quoted) fields, and how many of them are CRLF. csv-parse's line counter
 * counts the CR and the LF of a CRLF inside a quoted field as two lines; an editor shows one.
 */
function breaksIn(fields: string[]): { breaks: number; crlf: number } {
  let breaks = 0
  let crlf = 0
  for (const f of fields) {
    if (f.indexOf('\n') === -1 && f.indexOf('\r') === -1) continue
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i)
      if (c === 13) {
        breaks++
        if (f.charCodeAt(i + 1) === 10) {
          crlf++
          i++
        }
      } else if (c === 10) breaks++
    }
  }
  return { breaks, crlf }
}

function describe(err: CsvError): string {
  switch (err.code) {
    case 'INVALID_OPENING_QUOTE':
      return 'a quote (") inside an unquoted field; quote the whole field and double the quote ("")'
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text right after a closing quote; double quotes inside a quoted field ("")'
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field opened here is never closed'
    case 'CSV_MAX_RECORD_SIZE':
      return `a record longer than ${MAX_RECORD_BYTES >> 20} MiB (an unclosed quote?)`
    default:
      return err.message
  }
}

/** The byte offset where `target` line starts, scanning from a known line start; null past the end. */
async function offsetOfLine(file: string, from: { offset: number; line: number }, target: number): Promise<number | null> {
  let toSkip = target - from.line
  let offset = from.offset
  if (toSkip <= 0) return offset
  for await (const chunk of createReadStream(file, { start: from.offset, highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      if (--toSkip === 0) return offset + i + 1
    }
    offset += chunk.length
  }
  return null
}

interface Segment {
  offset: number
  line: number
}

/**
 * Parses from a line start to the end of the file, or to the first record that is not valid CSV: that one
 * goes to `problems` and the line to restart from is returned.
 */
async function* parseSegment(source: CsvSource, segment: Segment, signal: AbortSignal, problems: CsvProblem[]): AsyncGenerator<CsvRecord[], number | null> {
  const base = segment.line - 1
  let extra = 0 // csv-parse's extra count for CRLFs inside fields so far
  let lastLine = base
  let restartAt: number | null = null
  let failure: Error | null = null
  const records: CsvRecord[] = []
  const options: Options<CsvRecord, string[]> = {
    bom: true,
    delimiter: source.delimiter,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_record: (fields: string[], info: InfoRecord) => {
      if (restartAt !== null) return null
      const { breaks, crlf } = breaksIn(fields)
      const end = base + Number(info.lines) - extra - crlf
      extra += crlf
      lastLine = end
      records.push({ fields, line: end - breaks })
      return null // collected above; nothing is queued in the stream
    },
  }
  const parser = parse(options as unknown as Options)
  parser.on('skip', (err: CsvError) => {
    if (restartAt !== null) return
    const start = lastLine + 1
    const detected = Math.max(start, base + Number(err.lines ?? start - base) - extra)
    problems.push({ line: start, reason: `not valid CSV: ${describe(err)}` })
    // After a quote error csv-parse may read on inside a quoted field: start afresh after the bad record.
    restartAt = err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE' ? start + 1 : detected + 1
  })
  parser.on('error', (err) => (failure = err))
  const decoder = source.encoding === 'utf-8' ? null : iconv.getDecoder(source.encoding)
  const input = createReadStream(source.file, { start: segment.offset, highWaterMark: CHUNK, signal })
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      parser.write(decoder ? decoder.write(chunk) : chunk)
      if (failure) throw failure
      if (records.length) yield records.splice(0)
      if (restartAt !== null) return restartAt
    }
    const tail = decoder?.end()
    if (tail) parser.write(tail)
    parser.end()
    await finished(parser, { readable: false })
    if (failure) throw failure
    if (records.length) yield records.splice(0)
    return restartAt
  } finally {
    input.destroy()
    parser.destroy()
  }
}

/**
 * Streams a CSV file's records, decoded (Shift_JIS, CP932 and EUC-JP through iconv-lite; UTF-8 with or
 * without a byte-order mark), with the line each starts on, a read chunk's worth at a time; memory stays
 * flat whatever the file's size. A record that is not valid CSV becomes a problem (a reject) and reading
 * goes on at the line after it.
 */
export async function* readCsv(source: CsvSource, signal: AbortSignal, problems: CsvProblem[]): AsyncGenerator<CsvRecord[]> {
  let segment: Segment | null = { offset: 0, line: 1 }
  try {
    while (segment) {
      const restartAt: number | null = yield* parseSegment(source, segment, signal, problems)
      if (restartAt === null) return
      const offset = await offsetOfLine(source.file, segment, restartAt)
      segment = offset === null ? null : { offset, line: restartAt }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new FeedError(`${source.display}: cannot read it (${code})`, 'unreadable')
    throw err
  }
}
