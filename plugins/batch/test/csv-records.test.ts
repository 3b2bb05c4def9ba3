import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { type CsvProblem, type CsvRecord, readCsv } from '../src/import/csv-records.js'
import type { FileEncoding } from '../src/import/encoding.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-csv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function read(text: string | Buffer, encoding: FileEncoding = 'utf-8'): Promise<{ records: CsvRecord[]; problems: CsvProblem[] }> {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.csv`)
  writeFileSync(file, text)
  const problems: CsvProblem[] = []
  const records: CsvRecord[] = []
  for await (const batch of readCsv({ file, display: 'f.csv', encoding, delimiter: ',' }, new AbortController().signal, problems)) records.push(...batch)
  return { records, problems }
}

const lines = (records: CsvRecord[]) => records.map((r) => [r.line, r.fields[0]])

describe('line numbers, as an editor shows them', () => {
  it('LF, with a quoted field over two lines', async () => {
    const { records } = await read('h1,h2\na,"x\ny"\nb,2\nc,3\n')
    expect(lines(records)).toEqual([[1, 'h1'], [2, 'a'], [4, 'b'], [5, 'c']])
    expect(records[1].fields[1]).toBe('x\ny')
  })

  it('CRLF, with CRLF inside a quoted field (counted once, unlike csv-parse)', async () => {
    const { records } = await read('h1,h2\r\na,"x\r\ny\r\nz"\r\nb,2\r\nc,3')
    expect(lines(records)).toEqual([[1, 'h1'], [2, 'a'], [5, 'b'], [6, 'c']])
  })

  it('blank lines keep their numbers', async () => {
    const { records } = await read('h\n\na\n\n\nb\n')
    expect(records.filter((r) => r.fields.join('') !== '').map((r) => [r.line, r.fields[0]])).toEqual([[1, 'h'], [3, 'a'], [6, 'b']])
  })

  it('a UTF-8 byte-order mark is not part of the first column', async () => {
    const { records } = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('external_id\nA\n')]))
    expect(records[0].fields[0]).toBe('external_id')
  })

  it('Shift_JIS is decoded', async () => {
    const { records } = await read(iconv.encode('id,title\n1,看護師（夜勤）\n2,"ドライバー,配送"\n', 'shift_jis'), 'shift_jis')
    expect(records.map((r) => r.fields[1])).toEqual(['title', '看護師（夜勤）', 'ドライバー,配送'])
  })
})

describe('records that are not valid CSV', () => {
  it('a stray quote: that record is a problem, the next ones are read', async () => {
    const { records, problems } = await read('a,b,c\n1,2,3\n4,x"y,6\n7,8,9\n')
    expect(lines(records)).toEqual([[1, 'a'], [2, '1'], [4, '7']])
    expect(problems).toEqual([{ line: 3, reason: expect.stringMatching(/^not valid CSV: a quote \(".*inside an unquoted field/) }])
  })

  it('text after a closing quote: the record is a problem, reading goes on at the next line', async () => {
    const { records, problems } = await read('a,b,c\n1,2,3\n"4","5"x,6\n7,8,9\n10,"11",12\n')
    expect(lines(records)).toEqual([[1, 'a'], [2, '1'], [4, '7'], [5, '10']])
    expect(problems.map((p) => p.line)).toEqual([3])
  })

  it('an unclosed quote: that line is a problem, the lines after it are read', async () => {
    const { records, problems } = await read('a,b,c\n1,2,3\n4,"never closed,6\n7,8,9\n10,11,12\n')
    expect(lines(records)).toEqual([[1, 'a'], [2, '1'], [4, '7'], [5, '10']])
    expect(problems).toEqual([{ line: 3, reason: 'not valid CSV: a quoted field opened here is never closed' }])
  })
})
