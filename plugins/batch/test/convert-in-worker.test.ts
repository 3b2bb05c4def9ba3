import { mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import iconv from 'iconv-lite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PARSE_WORKER_FILE, convertInWorker, parseWorkerAvailable } from '../src/import/convert-in-worker.js'
import { type ConvertedBatch, type FeedLayout, convertFile } from '../src/import/convert-records.js'
import { FeedError } from '../src/import/feed-error.js'
import { FEEDS } from '../src/import/feeds/index.js'
import { PARALLEL_FROM_BYTES } from '../src/import/import-file.js'
import { inspectFeed } from '../src/import/inspect-feed.js'
import { BatchProject, LISTING_COLUMNS, csv, listing } from './support/context.js'

const COLUMNS = [...LISTING_COLUMNS, 'posted_at', 'editorial_pick', 'keywords']

/** A feed of `n` listings with every kind of bad record among them: wrong width, bad values, broken CSV. */
function mixedFeed(n: number): string {
  const lines = csv(COLUMNS, []).trimEnd().split('\n')
  for (let i = 0; i < n; i++) {
    const row = listing({
      external_id: `W${i}`,
      keywords: `k${i % 97}、リモート`,
      posted_at: i % 3 ? '2026-03-01T09:00:00.000Z' : '2026/3/1 9:00',
      editorial_pick: i % 11 ? '' : 'はい',
    })
    if (i % 500 === 7) row.salary_min = '応相談'
    if (i % 500 === 8) row.salary_max = 1
    if (i % 700 === 9) row.posted_at = '2026-02-30'
    if (i % 900 === 10) row.description = '二行の\r\n説明, "引用"あり'
    lines.push(csv(COLUMNS, [row]).trimEnd().split('\n').slice(1).join('\n'))
    if (i % 1000 === 11) lines.push('SHORT,タイトル,会社')
    if (i % 1000 === 12) lines.push('STRAY,x"y,会社,東京都,full_time,1,2,d,,,')
  }
  return lines.join('\r\n') + '\r\n'
}

async function collect(batches: AsyncIterable<ConvertedBatch>): Promise<ConvertedBatch> {
  const all: ConvertedBatch = { rows: [], rejects: [], records: 0 }
  for await (const b of batches) {
    all.rows.push(...b.rows)
    all.rejects.push(...b.rejects)
    all.records += b.records
  }
  return all
}

describe('reading and converting a feed on a worker thread', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-worker-'))
    expect(parseWorkerAvailable(), `${PARSE_WORKER_FILE} is missing: build the plugin first (npm run build)`).toBe(true)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  async function layoutOf(file: string, encoding: 'auto' | 'shift_jis' = 'auto'): Promise<FeedLayout> {
    const feed = await inspectFeed(
      { file, display: path.basename(file) },
      FEEDS.listings,
      { encoding, delimiter: ',' },
      new AbortController().signal,
    )
    return {
      kind: 'listings',
      file,
      display: feed.display,
      encoding: feed.encoding.encoding,
      delimiter: ',',
      columns: feed.columns,
      headerLine: feed.headerLine,
      env: { zone: 'Asia/Tokyo' },
    }
  }

  it('gives the same rows and rejects, in the same order, as converting on this thread (UTF-8 and Shift_JIS)', async () => {
    const text = mixedFeed(6000)
    const utf8 = path.join(dir, 'feed.csv')
    const sjis = path.join(dir, 'feed-sjis.csv')
    writeFileSync(utf8, text)
    // A row whose title holds a lead byte with no valid trail byte.
    writeFileSync(
      sjis,
      Buffer.concat([
        iconv.encode(text + 'BADB,', 'shift_jis'),
        Buffer.from([0x81, 0x20]),
        iconv.encode(',会社,東京都,full_time,1,2,d,,,\r\n', 'shift_jis'),
      ]),
    )
    for (const [file, encoding] of [
      [utf8, 'auto'],
      [sjis, 'shift_jis'],
    ] as const) {
      const layout = await layoutOf(file, encoding)
      const here = await collect(convertFile(layout, new AbortController().signal))
      const there = await collect(convertInWorker(layout, new AbortController().signal))
      expect(there).toEqual(here)
      expect(here.records).toBeGreaterThanOrEqual(6000 + 12)
      expect(here.rejects.length).toBeGreaterThanOrEqual(12 + 12 + 8)
      expect(here.rows.length + here.rejects.length).toBe(here.records)
      if (encoding === 'shift_jis')
        expect(here.rejects.some((r) => r.reason.startsWith('contains bytes that are not valid Shift_JIS'))).toBe(true)
    }
  })

  it('reports a file that cannot be read as the feed error it is', async () => {
    const file = path.join(dir, 'gone.csv')
    writeFileSync(file, mixedFeed(10))
    const layout = await layoutOf(file)
    unlinkSync(file)
    await expect(collect(convertInWorker(layout, new AbortController().signal))).rejects.toThrow(FeedError)
    await expect(collect(convertInWorker(layout, new AbortController().signal))).rejects.toThrow(
      'gone.csv: cannot read it (ENOENT)',
    )
  })

  it('stops the worker when the run is aborted', async () => {
    const file = path.join(dir, 'big.csv')
    writeFileSync(file, mixedFeed(20_000))
    const controller = new AbortController()
    const batches = convertInWorker(await layoutOf(file), controller.signal)
    let seen = 0
    await expect(
      (async () => {
        for await (const batch of batches) {
          seen += batch.records
          controller.abort(new Error('timed out'))
        }
      })(),
    ).rejects.toThrow('timed out')
    expect(seen).toBeGreaterThan(0)
    expect(seen).toBeLessThan(20_000)
  })
})

describe.each(['sqlite', 'pg'] as const)('a feed big enough for the worker thread, on %s', (kind) => {
  let p: BatchProject
  beforeEach(async () => {
    p = await BatchProject.create(kind)
  })
  afterEach(async () => {
    await p.close()
  })

  it('lands the good rows and rejects the bad ones, as a small feed does', async () => {
    const file = p.write('feeds/big.csv', mixedFeed(19_000))
    expect(statSync(file).size).toBeGreaterThanOrEqual(PARALLEL_FROM_BYTES)
    const result = await p.importFeed({ path: 'feeds/big.csv' })
    const data = result.data as { rows: number; accepted: number; rejected: number }
    const stored = Number((await p.db('batch_listings').count({ n: '*' }).first())?.n)
    const rejects = Number((await p.db('batch_rejects').count({ n: '*' }).first())?.n)
    expect(data.rows).toBe(19_000 + 38)
    expect([data.accepted, data.rejected]).toEqual([stored, rejects])
    expect(data.accepted + data.rejected).toBe(data.rows)
    const multiline = await p.db('batch_listings').where({ external_id: 'W10' }).first()
    expect(multiline.description).toBe('二行の\r\n説明, "引用"あり')
    const stray = await p.db('batch_rejects').where('reason', 'like', '%quote%').orderBy('line').first()
    expect(stray.line).toBeGreaterThan(1)
  }, 60_000)
})
