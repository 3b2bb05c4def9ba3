// Our CSV parser against csv-parse on many random valid CSV texts, read in chunks cut everywhere: inside a
// field, between CR and LF, inside a "" escape, inside a multibyte character.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { type CsvProblem, type CsvRecord, readCsv } from '../src/import/csv-records.js'
import type { FileEncoding } from '../src/import/encoding.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-csv-diff-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** mulberry32: the same texts on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const DELIMITERS = [',', ';', '\t', '|', '、']
const BREAKS = ['\n', '\r\n', '\r']
const WORDS = [
  '',
  ' ',
  'a',
  'plain',
  'x y',
  '1,5',
  'say "hi"',
  '"',
  '""',
  '看護師',
  'ｶﾀｶﾅ',
  '株式会社サンプル',
  '、',
  ';',
  '|',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\n\n',
  ' \r\n ',
]
const EMOJI = ['😀', 'é', '€']

interface Case {
  text: string
  delimiter: string
  /** The line each record starts on, counted as an editor does. */
  lines: number[]
  encoding: FileEncoding
}

function generate(rand: () => number): Case {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]
  const encoding: FileEncoding = rand() < 0.2 ? 'shift_jis' : 'utf-8'
  const words = encoding === 'utf-8' ? [...WORDS, ...EMOJI] : WORDS
  const delimiter = encoding === 'utf-8' ? pick(DELIMITERS) : pick(DELIMITERS.slice(0, 4))
  const lineBreak = pick(BREAKS)
  const records = Math.floor(rand() * 8)
  let text = ''
  let line = 1
  const lines: number[] = []
  for (let r = 0; r < records; r++) {
    lines.push(line)
    const width = rand() < 0.15 ? 1 : 1 + Math.floor(rand() * 5)
    const fields: string[] = []
    for (let f = 0; f < width; f++) {
      let value = ''
      const parts = Math.floor(rand() * 3)
      for (let p = 0; p < parts; p++) value += pick(words)
      const mustQuote = /["\r\n]/.test(value) || value.includes(delimiter)
      // A record of one empty unquoted field is a blank line.
      fields.push(mustQuote || rand() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value)
    }
    const record = fields.join(delimiter)
    text += record
    line += (record.match(/\r\n|\r|\n/g) ?? []).length
    const last = r === records - 1
    // Without a line break after it, a last record of one empty field would not be a record at all.
    if (!last || record === '' || rand() < 0.7) {
      text += lineBreak
      line++
    }
  }
  if (rand() < 0.1 && encoding === 'utf-8') text = `\uFEFF${text}`
  return { text, delimiter, lines, encoding }
}

async function ours(c: Case, chunkSize: number): Promise<{ records: CsvRecord[]; problems: CsvProblem[] }> {
  const file = path.join(dir, 'case.csv')
  writeFileSync(file, c.encoding === 'utf-8' ? Buffer.from(c.text) : iconv.encode(c.text, c.encoding))
  const problems: CsvProblem[] = []
  const records: CsvRecord[] = []
  for await (const batch of readCsv(
    { file, display: 'case.csv', encoding: c.encoding, delimiter: c.delimiter },
    new AbortController().signal,
    problems,
    { chunkSize },
  ))
    records.push(...batch)
  return { records, problems }
}

describe('the CSV parser agrees with csv-parse', () => {
  it('on random valid CSV, whatever the chunk size', async () => {
    const CHUNKS = [1, 2, 3, 4, 5, 7, 13, 64, 1 << 20]
    for (let seed = 1; seed <= 600; seed++) {
      const c = generate(random(seed))
      const expected = parse(c.text, { bom: true, delimiter: c.delimiter, relax_column_count: true }) as string[][]
      const chunkSize = CHUNKS[seed % CHUNKS.length]
      const { records, problems } = await ours(c, chunkSize)
      const context = `seed ${seed}, chunks of ${chunkSize}: ${JSON.stringify(c.text)}`
      expect(problems, context).toEqual([])
      expect(
        records.map((r) => r.fields),
        context,
      ).toEqual(expected)
      expect(
        records.map((r) => r.line),
        context,
      ).toEqual(c.lines)
    }
  }, 120_000)

  it('with each chunk size on the same texts', async () => {
    for (let seed = 1000; seed < 1040; seed++) {
      const c = generate(random(seed))
      const expected = parse(c.text, { bom: true, delimiter: c.delimiter, relax_column_count: true }) as string[][]
      for (const chunkSize of [1, 2, 3, 5, 8]) {
        const { records } = await ours(c, chunkSize)
        expect(
          records.map((r) => r.fields),
          `seed ${seed}, chunks of ${chunkSize}`,
        ).toEqual(expected)
      }
    }
  }, 120_000)
})
