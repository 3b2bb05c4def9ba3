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

/** A single record longer than this (in UTF-8) is taken to be an unclosed quote swallowing the file. */
export const MAX_RECORD_BYTES = 4 << 20
/** A UTF-16 code unit is at most 3 UTF-8 bytes: a record this many characters long cannot be too long. */
const SURELY_SHORT = Math.floor(MAX_RECORD_BYTES / 3)

const QUOTE = 34
const LF = 10
const CR = 13

const STRAY_QUOTE =
  'not valid CSV: a quote (") inside an unquoted field; quote the whole field and double the quote ("")'
const AFTER_CLOSING_QUOTE = 'not valid CSV: text right after a closing quote; double quotes inside a quoted field ("")'
const NOT_CLOSED = 'not valid CSV: a quoted field opened here is never closed'
const TOO_LONG = `not valid CSV: a record longer than ${MAX_RECORD_BYTES >> 20} MiB (an unclosed quote?)`

function tooLong(text: string, start: number, end: number): boolean {
  return end - start > SURELY_SHORT && Buffer.byteLength(text.slice(start, end)) > MAX_RECORD_BYTES
}

/**
 * A streaming RFC 4180 parser: text goes in a chunk at a time (cut anywhere), whole records come out with
 * the line each starts on. Records may differ in width. LF, CRLF and a lone CR all end a line, as in an
 * editor, inside quoted fields too. A record that is not valid CSV becomes a problem at its first line, and
 * reading goes on at the next line: after the error's line for a stray quote or text after a closing quote,
 * after the record's first line for a quote never closed or a record over MAX_RECORD_BYTES.
 */
export class CsvParser {
  /** The start of a record the next chunk goes on with. */
  private carry = ''
  /** The line `carry` (or the next chunk) starts on. */
  private line = 1
  /** The last chunk ended with a CR that ended a line: a LF starting the next one belongs to it. */
  private afterCR = false
  /** After a problem whose line goes on past the chunk: drop text up to the next line break. */
  private skipLine = false
  private readonly delimiter: number

  constructor(
    private readonly delimiterText: string,
    private readonly problems: CsvProblem[],
  ) {
    this.delimiter = delimiterText.charCodeAt(0)
    if (delimiterText.length !== 1 || this.delimiter === QUOTE || this.delimiter === LF || this.delimiter === CR) {
      throw new Error(
        `a CSV delimiter is one character other than a quote or a line break, not ${JSON.stringify(delimiterText)}`,
      )
    }
  }

  /** The records this chunk completes; an unfinished one waits for the next chunk. */
  write(chunk: string): CsvRecord[] {
    if (!chunk) return []
    // Both flags are only ever set with nothing carried over.
    let from = 0
    if (this.afterCR) {
      this.afterCR = false
      if (chunk.charCodeAt(0) === LF) from = 1
    }
    if (this.skipLine) {
      this.skipLine = false
      from = this.pastLineBreak(chunk, from)
      if (this.skipLine) return []
      this.line++
    }
    return this.parse(this.carry ? this.carry + chunk : chunk, from, false)
  }

  /** The records left when the input ends. */
  end(): CsvRecord[] {
    const text = this.carry
    this.carry = ''
    return text ? this.parse(text, 0, true) : []
  }

  /** Past the line break at or after `from`; text.length, with skipLine set, when this text has none. */
  private pastLineBreak(text: string, from: number): number {
    const lf = text.indexOf('\n', from)
    const cr = text.indexOf('\r', from)
    const at = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr
    if (at === -1) {
      this.skipLine = true
      return text.length
    }
    if (text.charCodeAt(at) === CR) {
      if (at + 1 === text.length) this.afterCR = true
      else if (text.charCodeAt(at + 1) === LF) return at + 2
    }
    return at + 1
  }

  private parse(text: string, from: number, final: boolean): CsvRecord[] {
    const records: CsvRecord[] = []
    const len = text.length
    const delimiter = this.delimiter
    let pos = from
    let line = this.line
    // Where the next delimiter, LF, CR and quote are at or after pos (len: none); searched again once passed.
    let nextDelimiter = -1
    let nextLF = -1
    let nextCR = -1
    let nextQuote = -1
    let problem = ''
    let resumeFrom = 0
    let resumeLine = 0

    records: while (pos < len) {
      const start = pos
      const startLine = line
      const fields: string[] = []
      for (;;) {
        if (text.charCodeAt(pos) === QUOTE) {
          let value = ''
          let piece = pos + 1
          let close: number
          for (;;) {
            close = text.indexOf('"', piece)
            if (close === -1 || (close + 1 === len && !final)) break
            if (text.charCodeAt(close + 1) !== QUOTE) break
            value += text.slice(piece, close + 1)
            piece = close + 2
          }
          if (close === -1 || (close + 1 === len && !final)) {
            // Not closed in this text (or a quote at its end that may start a "").
            const long = tooLong(text, start, len)
            if (!final && !long) {
              pos = start
              line = startLine
              break records
            }
            problem = long ? TOO_LONG : NOT_CLOSED
            resumeFrom = start
            resumeLine = startLine
            break
          }
          fields.push(value ? value + text.slice(piece, close) : text.slice(piece, close))
          if (nextLF < pos) nextLF = indexOrEnd(text, '\n', pos)
          if (nextCR < pos) nextCR = indexOrEnd(text, '\r', pos)
          if (nextLF < close || nextCR < close) line += lineBreaks(text, pos, close)
          pos = close + 1
        } else {
          if (nextDelimiter < pos) nextDelimiter = indexOrEnd(text, this.delimiterText, pos)
          if (nextLF < pos) nextLF = indexOrEnd(text, '\n', pos)
          if (nextCR < pos) nextCR = indexOrEnd(text, '\r', pos)
          if (nextQuote < pos) nextQuote = indexOrEnd(text, '"', pos)
          let end = nextDelimiter < nextLF ? nextDelimiter : nextLF
          if (nextCR < end) end = nextCR
          if (nextQuote < end) {
            problem = STRAY_QUOTE
            resumeFrom = nextQuote
            resumeLine = line
            break
          }
          if (end === len && !final) {
            if (!tooLong(text, start, len)) {
              pos = start
              line = startLine
              break records
            }
            problem = TOO_LONG
            resumeFrom = start
            resumeLine = startLine
            break
          }
          fields.push(text.slice(pos, end))
          pos = end
        }
        // The field ends at a delimiter, a line break or the end of the input.
        const c = text.charCodeAt(pos)
        if (c === delimiter) {
          pos++
          continue
        }
        if (c === LF) {
          pos++
          line++
        } else if (c === CR) {
          pos++
          line++
          if (pos === len) this.afterCR = !final
          else if (text.charCodeAt(pos) === LF) pos++
        } else if (pos < len) {
          problem = AFTER_CLOSING_QUOTE
          resumeFrom = pos
          resumeLine = line
          break
        }
        if (pos - start > SURELY_SHORT && tooLong(text, start, pos)) {
          problem = TOO_LONG
          resumeFrom = start
          resumeLine = startLine
          break
        }
        records.push({ fields, line: startLine })
        continue records
      }
      this.problems.push({ line: startLine, reason: problem })
      pos = this.pastLineBreak(text, resumeFrom)
      line = this.skipLine ? resumeLine : resumeLine + 1
      // pos may have moved back (to the line after the record's first): search afresh.
      nextDelimiter = nextLF = nextCR = nextQuote = -1
    }
    this.carry = pos < len ? text.slice(pos) : ''
    // A record cut short here (after a problem sent reading back) goes on with the CR in its text.
    if (this.carry) this.afterCR = false
    this.line = line
    return records
  }
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from)
  return at === -1 ? text.length : at
}

/** Line breaks in text[from, to): LF, CRLF or a lone CR. */
function lineBreaks(text: string, from: number, to: number): number {
  let breaks = 0
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c === LF) breaks++
    else if (c === CR) {
      breaks++
      if (text.charCodeAt(i + 1) === LF) i++
    }
  }
  return breaks
}
