import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { type CsvProblem, type CsvRecord, readCsv } from '../src/import/csv-records.js'
import type { FileEncoding } from '../src/import/encoding.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-csv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function read(
  text: string | Buffer,
  encoding: FileEncoding = 'utf-8',
  options: { delimiter?: string; chunkSize?: number; signal?: AbortSignal } = {},
): Promise<{ records: CsvRecord[]; problems: CsvProblem[] }> {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.csv`)
  writeFileSync(file, text)
  const problems: CsvProblem[] = []
  const records: CsvRecord[] = []
  const source = { file, display: 'f.csv', encoding, delimiter: options.delimiter ?? ',' }
  for await (const batch of readCsv(source, options.signal ?? new AbortController().signal, problems, {
    chunkSize: options.chunkSize,
  }))
    records.push(...batch)
  return { records, problems }
}

const lines = (records: CsvRecord[]) => records.map((r) => [r.line, r.fields[0]])

describe('line numbers, as an editor shows them', () => {
  it('LF, with a quoted field over two lines', async () => {
    const { records } = await read('h1,h2\na,"x\ny"\nb,2\nc,3\n')
    expect(lines(records)).toEqual([
      [1, 'h1'],
      [2, 'a'],
      [4, 'b'],
      [5, 'c'],
    ])
    expect(records[1].fields[1]).toBe('x\ny')
  })

  it('CRLF, with CRLF inside a quoted field (counted once, unlike csv-parse)', async () => {
    const { records } = await read('h1,h2\r\na,"x\r\ny\r\nz"\r\nb,2\r\nc,3')
    expect(lines(records)).toEqual([
      [1, 'h1'],
      [2, 'a'],
      [5, 'b'],
      [6, 'c'],
    ])
  })

  it('blank lines keep their numbers', async () => {
    const { records } = await read('h\n\na\n\n\nb\n')
    expect(records.filter((r) => r.fields.join('') !== '').map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'h'],
      [3, 'a'],
      [6, 'b'],
    ])
  })

  it('a UTF-8 byte-order mark is not part of the first column', async () => {
    const { records } = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('external_id\nA\n')]))
    expect(records[0].fields[0]).toBe('external_id')
  })

  it('Shift_JIS is decoded', async () => {
    const { records } = await read(
      iconv.encode('id,title\n1,看護師（夜勤）\n2,"ドライバー,配送"\n', 'shift_jis'),
      'shift_jis',
    )
    expect(records.map((r) => r.fields[1])).toEqual(['title', '看護師（夜勤）', 'ドライバー,配送'])
  })
})

describe('records that are not valid CSV', () => {
  it('a stray quote: that record is a problem, the next ones are read', async () => {
    const { records, problems } = await read('a,b,c\n1,2,3\n4,x"y,6\n7,8,9\n')
    expect(lines(records)).toEqual([
      [1, 'a'],
      [2, '1'],
      [4, '7'],
    ])
    expect(problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^not valid CSV: a quote \(".*inside an unquoted field/) },
    ])
  })

  it('text after a closing quote: the record is a problem, reading goes on at the next line', async () => {
    const { records, problems } = await read('a,b,c\n1,2,3\n"4","5"x,6\n7,8,9\n10,"11",12\n')
    expect(lines(records)).toEqual([
      [1, 'a'],
      [2, '1'],
      [4, '7'],
      [5, '10'],
    ])
    expect(problems.map((p) => p.line)).toEqual([3])
  })

  it('an unclosed quote: that line is a problem, the lines after it are read', async () => {
    const { records, problems } = await read('a,b,c\n1,2,3\n4,"never closed,6\n7,8,9\n10,11,12\n')
    expect(lines(records)).toEqual([
      [1, 'a'],
      [2, '1'],
      [4, '7'],
      [5, '10'],
    ])
    expect(problems).toEqual([{ line: 3, reason: 'not valid CSV: a quoted field opened here is never closed' }])
  })
})

describe('chunks, line endings and widths', () => {
  const TEXTS = [
    'h1,h2\na,"x\ny"\nb,2\nc,3\n',
    'h1,h2\r\na,"x\r\ny\r\nz"\r\nb,2\r\nc,3',
    'h\n\na\n\n\nb\n',
    'a,b,c\r\n1,2,3\r\n4,x"y,6\r\n7,8,9\r\n',
    'a,b,c\r\n1,2,3\r\n"4","5"x,6\r\n7,8,9\r\n10,"11",12\r\n',
    'a,b,c\r\n1,2,3\r\n4,"never closed,6\r\n7,8,9\r\n10,11,12\r\n',
    'a,b\r\n1,"two\r\nlines"x\r\n3,4\r',
    'a,"b""c"""\r\r\n"""",d\r',
  ]

  it('records and problems do not depend on where the chunks are cut', async () => {
    for (const text of TEXTS) {
      const whole = await read(text)
      for (const chunkSize of [1, 2, 3, 4, 5, 7])
        expect(await read(text, 'utf-8', { chunkSize }), `${JSON.stringify(text)} in chunks of ${chunkSize}`).toEqual(
          whole,
        )
    }
  })

  it('a lone CR ends a line too', async () => {
    const { records } = await read('h1,h2\ra,"x\ry"\rb,2\r')
    expect(records.map((r) => [r.line, ...r.fields])).toEqual([
      [1, 'h1', 'h2'],
      [2, 'a', 'x\ry'],
      [4, 'b', '2'],
    ])
  })

  it("text after a quote closed on a later line: a problem at the record's first line, reading goes on after the error's line", async () => {
    const { records, problems } = await read('a,b\n1,"two\nlines"x\n3,4\n')
    expect(lines(records)).toEqual([
      [1, 'a'],
      [4, '3'],
    ])
    expect(problems).toEqual([
      { line: 2, reason: 'not valid CSV: text right after a closing quote; double quotes inside a quoted field ("")' },
    ])
    // With CRLF too (csv-parse counted that CRLF as two lines here, and the line after the error was lost).
    expect(lines((await read('a,b\r\n1,"two\r\nlines"x\r\n3,4\r\n')).records)).toEqual([
      [1, 'a'],
      [4, '3'],
    ])
  })

  it('any one-character delimiter; records of different widths', async () => {
    const { records } = await read('a\tb\tc\n1\t"2\t3"\n4\t5\t6\t7\n', 'utf-8', { delimiter: '\t' })
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2\t3'],
      ['4', '5', '6', '7'],
    ])
    expect((await read('a、b\n"1、2"、3\n', 'utf-8', { delimiter: '、' })).records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1、2', '3'],
    ])
  })

  it('a record over 4 MiB (a quote never closed): a problem at its first line, the lines after it are read', async () => {
    const line = `${'x'.repeat(999)}\n`
    const { records, problems } = await read(`a,b\n1,"never closed\n${line.repeat(4500)}2,3\n`)
    expect(problems).toEqual([{ line: 2, reason: 'not valid CSV: a record longer than 4 MiB (an unclosed quote?)' }])
    expect(records).toHaveLength(4502)
    expect(records.at(-1)).toEqual({ fields: ['2', '3'], line: 4503 })
  })

  it('a multibyte character cut by a 1 MiB chunk boundary', async () => {
    const head = 'id,title\n'
    const pad = 'p'.repeat((1 << 20) - head.length - 3)
    const { records } = await read(`${head}1,${pad}看護師\n2,b\n`)
    expect(records.map((r) => r.fields[1])).toEqual(['title', `${pad}看護師`, 'b'])
  })

  it('stops when aborted', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(read('a,b\n1,2\n', 'utf-8', { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    })
  })
})
